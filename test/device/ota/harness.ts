// A HAL for the update engine's unit tests: the host's Storage (Espruino semantics: write-once bytes, pre-sized
// files, 896 KB) behind the HAL Storage interface, Node's SHA-256, a manual clock and a System that counts reboots.
import { createHash } from 'crypto';
import { Clock, Crypto, Storage, System } from '../../../device/src/hal/types';
import { HostStorage, StorageError } from '../../../device/sim/host/storage';
import { Installer } from '../../../device/src/ota/installer';
import { BinParser } from '../../../device/src/ota/bin-parser';
import { WwwsParser } from '../../../device/src/ota/wwws-parser';
import { StoredWebFiles } from '../../../device/src/ota/web-files';

export function halStorage(flash: HostStorage): Storage & { writes: number } {
  const s = {
    writes: 0,
    read: (n: string) => flash.read(n) ?? null,
    readText: (n: string) => {
      const b = flash.read(n);
      return b ? Buffer.from(b).toString('latin1') : null;
    },
    write: (n: string, d: Uint8Array | string) => s.writeAt(n, typeof d === 'string' ? new Uint8Array(Buffer.from(d, 'latin1')) : d, 0),
    writeAt: (n: string, d: Uint8Array, offset: number, total?: number) => {
      if (d.length === 0 || n.length > 28) return false;
      if (d.length > 536) throw new Error(`a ${d.length}-byte Storage write: the device writes <= 536 bytes at once`);
      s.writes++;
      try {
        return flash.write(n, new Uint8Array(d), offset, total ?? 0);
      } catch (e) {
        if (e instanceof StorageError) return false;
        throw e;
      }
    },
    readTextAt: (n: string, offset: number, length: number) => {
      const b = flash.read(n, offset, length);
      return b && length > 0 ? Buffer.from(b).toString('latin1') : null;
    },
    erase: (n: string) => flash.erase(n),
    list: (prefix?: string) => flash.list().filter((n) => !prefix || n.startsWith(prefix)),
    free: () => flash.getFree(),
  };
  return s;
}

export class ManualClock implements Clock {
  private t = 0;
  private timers: { at: number; fn: () => void; every: number; id: number }[] = [];
  private nextId = 1;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, every: 0, id });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== h);
  }
  setInterval(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, every: ms, id });
    return id;
  }
  clearInterval(h: unknown): void {
    this.clearTimeout(h);
  }
  wallClock(): number {
    return this.t;
  }
  setWallClock(): void {}
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.t = due.at;
      if (due.every) due.at += due.every;
      else this.timers = this.timers.filter((x) => x !== due);
      due.fn();
    }
    this.t = end;
  }
}

export const nodeCrypto: Crypto = {
  sha256: (d) => new Uint8Array(createHash('sha256').update(typeof d === 'string' ? Buffer.from(d, 'latin1') : d).digest()),
  pbkdf2: () => new Uint8Array(32),
  randomBytes: (n) => new Uint8Array(n),
};

export function testSystem(board = 'ESP32', version = '2v29'): System & { reboots: number } {
  const sys = {
    reboots: 0,
    reboot: () => {
      sys.reboots++;
    },
    freeMemory: () => 50000,
    uptimeMs: () => 0,
    enableWatchdog: () => undefined,
    kickWatchdog: () => undefined,
    disableConsole: () => undefined,
    board: () => board,
    interpreterVersion: () => version,
    onUncaughtError: () => undefined,
    log: () => undefined,
  };
  return sys;
}

export interface Rig {
  flash: HostStorage;
  storage: ReturnType<typeof halStorage>;
  clock: ManualClock;
  system: ReturnType<typeof testSystem>;
  web: StoredWebFiles;
  installer: Installer;
  log: string[];
}

/** An installer over a fresh flash holding a boot loader and app slot "a" (as `mep upload` leaves a device). */
export function rig(options: { board?: string; flash?: HostStorage } = {}): Rig {
  const flash = options.flash ?? new HostStorage();
  if (!options.flash) {
    flash.write('.bootcde', new Uint8Array(Buffer.from('/* mep-boot-loader */')));
    flash.write('app.a', new Uint8Array(Buffer.from('/* firmware 0.1.0 */')));
  }
  const storage = halStorage(flash);
  const clock = new ManualClock();
  const system = testSystem(options.board);
  const web = new StoredWebFiles(storage);
  const log: string[] = [];
  const installer = new Installer({ storage, clock, system, crypto: nodeCrypto, firmwareVersion: '0.1.0', web, log: (l) => log.push(l), newParser: (kind, o) => (kind === 'bin' ? new BinParser(o) : new WwwsParser(o)) });
  return { flash, storage, clock, system, web, installer, log };
}

/** Feeds `bytes` in chunks of `chunk` bytes; returns the first refusal of begin/write, else finish's outcome. */
export function install(installer: Installer, bytes: Uint8Array, chunk = 536, total = bytes.length) {
  const refused = installer.begin(total, 'upload');
  if (refused) return { ok: false, error: refused, stage: 'begin' as const };
  for (let i = 0; i < bytes.length; i += chunk) {
    const err = installer.write(bytes.subarray(i, i + chunk));
    if (err) return { ok: false, error: err, stage: 'write' as const };
  }
  let outcome: { ok: boolean; error?: string; version?: string; reboot?: boolean; kind?: string } | null = null;
  installer.finish((o) => (outcome = o));
  return { ...(outcome as unknown as { ok: boolean; error?: string; version?: string; reboot?: boolean; kind?: string }), stage: 'finish' as const };
}

/** Every file's bytes, to compare "untouched". */
export function snapshot(flash: HostStorage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of flash.list()) out[n] = Buffer.from(flash.read(n)!).toString('hex');
  return out;
}
