// E, ESP32, process, console, print, getTime/setTime, btoa/atob and TelnetServer (espruino.md §2.4, §2.8, §3).
// getTime() counts seconds from boot (the ESP32 clock starts at 1970) until setTime; Date follows it.
import { randomInt } from 'crypto';
import { DeviceEnv, nativeEvents, NativeEvents } from './env';
import { bytesOf, latin1, realmArrayBuffer, realmBytes, realmValue } from './realm';

export interface SystemPort {
  reboot(reason: string): void;
  enableWatchdog(seconds: number, auto: boolean): void;
  kickWatchdog(): void;
  memory(): { total: number; usage: number };
  setOtaValid(valid: boolean): void;
  setTelnet(mode: string): void;
  interpreterVersion: string;
}

/** Bytes per JsVar on the ESP32 (espruino.md §2.1). */
const BLOCK_SIZE = 14;

let crcTable: Uint32Array | null = null;
function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const b of bytes) crc = (crcTable[(crc ^ b) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function formatArgs(env: DeviceEnv, args: unknown[]): string {
  return args
    .map((a) => {
      if (typeof a === 'string') return a;
      if (a instanceof env.realm.Error || (a && typeof a === 'object' && typeof (a as Error).message === 'string' && 'stack' in (a as object))) return String(a);
      if (typeof a === 'object' && a !== null) {
        try {
          return env.realm.JSON.stringify(a);
        } catch {
          return String(a);
        }
      }
      return String(a);
    })
    .join(' ');
}

export interface SystemGlobals {
  globals: Record<string, unknown>;
  /** E's events ('init' after the boot code ran, 'errorFlag', …). */
  E: NativeEvents;
  /** process events ('uncaughtException'). */
  process: NativeEvents & { handlers(): unknown[] };
  getTime(): number;
  /** require("TelnetServer"). */
  telnet: Record<string, unknown>;
}

export function systemGlobals(env: DeviceEnv, port: SystemPort): SystemGlobals {
  const bootMs = Date.now();
  let offsetS = 0;
  const getTime = (): number => (Date.now() - bootMs) / 1000 + offsetS;

  const E: Record<string, unknown> = {
    toString: (...args: unknown[]) => latin1(bytesOf(args)),
    toUint8Array: (...args: unknown[]) => realmBytes(env.realm, bytesOf(args)),
    toArrayBuffer: (data: unknown) => realmArrayBuffer(env.realm, bytesOf(data)),
    toJS: (value: unknown) => env.realm.JSON.stringify(value),
    CRC32: (data: unknown) => crc32(bytesOf(data)),
    hwRand: () => randomInt(-0x80000000, 0x7fffffff),
    reboot: () => port.reboot('E.reboot'),
    enableWatchdog: (timeout: unknown, isAuto?: unknown) => port.enableWatchdog(Number(timeout), isAuto !== false),
    kickWatchdog: () => port.kickWatchdog(),
    getErrorFlags: () => realmValue(env.realm, []),
    setTimeZone: () => undefined,
    setConsole: () => undefined,
    lockConsole: () => undefined,
    setPassword: () => undefined,
    getSizeOf: () => 0,
    getTemperature: () => 40,
  };
  const eEvents = nativeEvents(env, E);

  const ESP32 = {
    getState: () => realmValue(env.realm, { sdkVersion: 'v4.4.8', freeHeap: 42000, minHeap: 36000 }),
    setOTAValid: (valid: unknown) => port.setOtaValid(valid !== false),
    reboot: () => port.reboot('ESP32.reboot'),
    enableWifi: () => undefined,
    enableBLE: () => undefined,
  };

  const proc: Record<string, unknown> = {
    memory: () => {
      const m = port.memory();
      return realmValue(env.realm, { free: m.total - m.usage, usage: m.usage, total: m.total, history: 0, gc: 0, gctime: 0, blocksize: BLOCK_SIZE });
    },
    env: realmValue(env.realm, { VERSION: port.interpreterVersion, BOARD: env.boardName, CONSOLE: 'Serial1', MODULES: 'Storage,Wifi,net,http,crypto,TelnetServer' }),
    version: port.interpreterVersion,
  };
  const handlers: unknown[] = [];
  const procEvents = nativeEvents(env, proc);
  const baseOn = proc.on as (event: string, fn: unknown) => unknown;
  proc.on = (event: string, fn: unknown) => {
    if (event === 'uncaughtException') handlers.push(fn);
    return baseOn(event, fn);
  };

  const log = (...args: unknown[]) => env.console(formatArgs(env, args));
  const telnet = { setOptions: (o?: { mode?: string }) => port.setTelnet(String(o?.mode ?? 'on')) };

  return {
    globals: {
      E,
      ESP32,
      process: proc,
      console: { log, info: log, warn: log, error: log, debug: log, trace: log },
      print: log,
      getTime,
      setTime: (t: unknown) => {
        offsetS += Number(t) - getTime();
      },
      btoa: (s: unknown) => Buffer.from(bytesOf(String(s))).toString('base64'),
      atob: (s: unknown) => Buffer.from(String(s), 'base64').toString('latin1'),
    },
    telnet,
    E: eEvents,
    process: { ...procEvents, handlers: () => handlers.slice() },
    getTime,
  };
}
