// A HAL for running the firmware's App in-process in tests: real TCP and timers (node-tcp.ts), the UART wired to a
// MeterSimulator (ENABLE modelled), Storage in memory, WiFi already connected, Node crypto.
import { createCipheriv, createHash, pbkdf2Sync, randomBytes } from 'node:crypto';
import { Hal, Storage, Wifi, WifiEvent } from '../../device/src/hal/types';
import { createDirectModules } from '../../device/src/lazy/direct';
import { MeterSimulator } from '../../device/sim/meter-sim/meter';
import { createNodeTcp, NodeTcp, nodeClock } from './node-tcp';

export interface AppHal extends Hal {
  tcp: NodeTcp;
  files: Map<string, Uint8Array>;
  logs: string[];
  reboots: number;
}

export function memoryStorage(files: Map<string, Uint8Array>): Storage {
  const latin1 = (d: Uint8Array | string) => (typeof d === 'string' ? new Uint8Array(Buffer.from(d, 'latin1')) : d.slice());
  return {
    read: (n) => files.get(n) ?? null,
    readText: (n) => (files.has(n) ? Buffer.from(files.get(n)!).toString('latin1') : null),
    write: (n, d) => (files.set(n, latin1(d)), true),
    writeAt: (n, d, offset, total) => {
      const cur = offset === 0 && total !== undefined ? new Uint8Array(total) : files.get(n);
      if (!cur || offset + d.length > cur.length) return false;
      cur.set(d, offset);
      files.set(n, cur);
      return true;
    },
    erase: (n) => void files.delete(n),
    list: (prefix) => [...files.keys()].filter((k) => !prefix || k.startsWith(prefix)),
    free: () => 896 * 1024 - [...files.values()].reduce((a, f) => a + f.length + 32, 0),
  };
}

function connectedWifi(): Wifi {
  const listeners: Partial<Record<WifiEvent, ((d: string) => void)[]>> = {};
  return {
    connect: (_s, _p, done) => setTimeout(() => done(null), 10),
    disconnect: () => undefined,
    startAccessPoint: (_s, _p, done) => done(null),
    stopAccessPoint: () => undefined,
    scan: (done) => done([]),
    stationIp: () => '127.0.0.1',
    rssi: () => -61,
    mac: () => '24:0a:c4:12:34:56',
    setHostname: () => undefined,
    on: (e, l) => void (listeners[e] ??= []).push(l),
  };
}

export function createAppHal(sim: MeterSimulator, files = new Map<string, Uint8Array>()): AppHal {
  const clock = nodeClock();
  const listeners: ((b: Uint8Array) => void)[] = [];
  sim.on('data', (b: Uint8Array) => listeners.forEach((l) => l(b.slice())));
  const started = Date.now();
  const hal: AppHal = {
    clock,
    files,
    logs: [],
    reboots: 0,
    modules: createDirectModules(),
    uart: {
      write: (b) => sim.receive(b.slice()),
      reset: (done) => {
        sim.setEnabled(false);
        setTimeout(() => {
          sim.setEnabled(true);
          done();
        }, 30);
      },
      onData: (l) => listeners.push(l),
    },
    tcp: createNodeTcp(),
    storage: memoryStorage(files),
    wifi: connectedWifi(),
    http: { listen: () => undefined, close: () => undefined },
    crypto: {
      sha256: (d) => new Uint8Array(createHash('sha256').update(typeof d === 'string' ? Buffer.from(d, 'latin1') : d).digest()),
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
      pbkdf2: (pw, salt, iterations, keyBytes) => new Uint8Array(pbkdf2Sync(pw, salt, iterations, keyBytes, 'sha256')),
      aes: (key, block) => {
        const c = createCipheriv('aes-128-ecb', key, null);
        c.setAutoPadding(false);
        return new Uint8Array(c.update(block));
      },
    },
    system: {
      reboot: () => void hal.reboots++,
      freeMemory: () => 50000,
      uptimeMs: () => Date.now() - started,
      enableWatchdog: () => undefined,
      kickWatchdog: () => undefined,
      disableConsole: () => undefined,
      board: () => 'NODE-TEST',
      interpreterVersion: () => 'node',
      onUncaughtError: () => undefined,
      log: (line) => void hal.logs.push(line),
    },
  };
  return hal;
}
