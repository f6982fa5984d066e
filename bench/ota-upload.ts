// Update engine figures (issue 4): upload throughput into Storage (the host's Storage with Espruino's semantics:
// pre-sized files, <= 536-byte offset writes) through the installer, for .bin and .wwws packages of growing size,
// and the peak JS heap held during an upload (after GC, above the level before it), which must not grow with the
// package size: the package is streamed into Storage, never held in RAM.
import { createHash, randomBytes } from 'crypto';
import { performance } from 'perf_hooks';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import { HostStorage, StorageError } from '../device/sim/host/storage';
import { Clock, Storage } from '../device/src/hal/types';
import { Installer } from '../device/src/ota/installer';
import { StoredWebFiles } from '../device/src/ota/web-files';
import { BinParser } from '../device/src/ota/bin-parser';
import { WwwsParser } from '../device/src/ota/wwws-parser';
import { packBin, packWwws } from '../ota/pack';
import { Figure } from './micro';

const CHUNK = 536;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function storageOver(flash: HostStorage): Storage {
  const text = (n: string) => {
    const b = flash.read(n);
    return b ? Buffer.from(b).toString('latin1') : null;
  };
  const writeAt = (n: string, d: Uint8Array, offset: number, total?: number) => {
    try {
      return flash.write(n, d, offset, total ?? 0);
    } catch (e) {
      if (e instanceof StorageError) return false;
      throw e;
    }
  };
  return {
    read: (n) => flash.read(n) ?? null,
    readText: text,
    readTextAt: (n, offset, length) => {
      const b = flash.read(n, offset, length);
      return b && length > 0 ? Buffer.from(b).toString('latin1') : null;
    },
    write: (n, d) => writeAt(n, typeof d === 'string' ? new Uint8Array(Buffer.from(d, 'latin1')) : d, 0),
    writeAt,
    erase: (n) => flash.erase(n),
    list: (p) => flash.list().filter((n) => !p || n.startsWith(p)),
    free: () => flash.getFree(),
  };
}

const clock: Clock = {
  now: () => 0, setTimeout: () => 0, clearTimeout: () => undefined, setInterval: () => 0, clearInterval: () => undefined,
  wallClock: () => 0, setWallClock: () => undefined,
};

function installer(flash: HostStorage, jsHash = false): Installer {
  const storage = storageOver(flash);
  if (jsHash) delete storage.readTextAt; // the parsers then hash with the pure-JS SHA-256
  return new Installer({
    storage, clock, web: new StoredWebFiles(storage), firmwareVersion: '0.1.0', log: () => undefined,
    newParser: (kind, o) => (kind === 'bin' ? new BinParser(o) : new WwwsParser(o)),
    crypto: { sha256: (d) => new Uint8Array(createHash('sha256').update(typeof d === 'string' ? Buffer.from(d, 'latin1') : d).digest()), pbkdf2: () => new Uint8Array(0), randomBytes: (n) => new Uint8Array(n) },
    system: {
      reboot: () => undefined, freeMemory: () => 0, uptimeMs: () => 0, enableWatchdog: () => undefined, kickWatchdog: () => undefined,
      disableConsole: () => undefined, board: () => 'ESP32', interpreterVersion: () => '2v29', onUncaughtError: () => undefined, log: () => undefined,
    },
  });
}

/** One upload in 536-byte chunks: seconds, and (when `sampleHeap`) the peak heap above the start, sampled after a
 *  GC every 64 chunks (the sampling run is not the timed one). */
function upload(pkg: Uint8Array, sampleHeap: boolean, jsHash = false): { seconds: number; peakHeap: number; ok: boolean } {
  const flash = new HostStorage();
  flash.write('.bootcde', new Uint8Array(Buffer.from('/* mep-boot-loader */')));
  flash.write('app.a', new Uint8Array([0x2f, 0x2f]));
  const inst = installer(flash, jsHash);
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  const sample = () => {
    gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed - base);
  };
  const start = performance.now();
  inst.begin(pkg.length, 'upload');
  for (let i = 0; i < pkg.length; i += CHUNK) {
    inst.write(pkg.subarray(i, i + CHUNK));
    if (sampleHeap && (i / CHUNK) % 64 === 0) sample();
  }
  let ok = false;
  inst.finish((o) => (ok = o.ok));
  const seconds = (performance.now() - start) / 1000;
  if (sampleHeap) sample();
  return { seconds, peakHeap: peak, ok };
}

const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export function otaUploadBenchmarks(runs = 5): Figure[] {
  const out: Figure[] = [];
  for (const kb of [32, 128, 400]) {
    const payload = new Uint8Array(randomBytes(kb * 1024));
    const bin = packBin(payload, { firmwareVersion: '9.9.9', buildId: 'bench', board: 'auto' });
    const wwws = packWwws([{ name: 'www_big.bin', data: payload }]);
    for (const [kind, pkg] of [['.bin', bin], ['.wwws', wwws]] as const) {
      upload(pkg, false); // warm-up
      const timed: number[] = [];
      const peaks: number[] = [];
      for (let r = 0; r < runs; r++) {
        const t = upload(pkg, false);
        if (!t.ok) throw new Error(`bench: the ${kind} upload of ${kb} KB failed`);
        timed.push(pkg.length / 1024 / t.seconds);
        peaks.push(upload(pkg, true).peakHeap / 1024);
      }
      out.push({ name: `${kind} ${kb} KB into Storage: throughput (stage, verify, install), median of ${runs}`, value: median(timed), unit: 'KB/s' });
      out.push({ name: `${kind} ${kb} KB: peak JS heap held during the upload (median of ${runs})`, value: median(peaks), unit: 'KB' });
    }
    if (kb === 128) {
      const timed: number[] = [];
      for (let r = 0; r < runs; r++) timed.push(bin.length / 1024 / upload(bin, false, true).seconds);
      out.push({ name: `.bin 128 KB with the pure-JS SHA-256 instead of native hashing of the stage (comparison)`, value: median(timed), unit: 'KB/s' });
    }
  }
  return out;
}
