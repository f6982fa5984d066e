// Firmware figures (issue "Device firmware on Espruino"): the App on a Node HAL with the meter simulator and an
// in-process aedes broker. (1) Time from the last byte of a meter's BT28 reply to the state message at the broker:
// median and p99 (target: median < 20 ms). (2) Heap growth over 10,000 poll cycles (must be flat), with the App's
// clock running fast so the cycles take seconds, not hours.
import { createServer, AddressInfo } from 'net';
import { performance } from 'perf_hooks';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import { startApp } from '../device/src/app';
import { Clock } from '../device/src/hal/types';
import { SETTINGS_FILE } from '../device/src/settings/schema';
import { MeterSimulator } from '../device/sim/meter-sim/meter';
import { createAppHal } from '../test/helpers/app-hal';
import type { Figure } from './micro';
import { startHost } from '../device/sim/host';
import { buildFirmware } from '../device/build/build';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const KEY = 'ABCDEFGHIJKLMNOPQRST';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function startBroker(onPublish: (topic: string) => void) {
  const { Aedes } = await import('aedes');
  const broker = await Aedes.createBroker();
  broker.on('publish', (packet: { topic: string }) => onPublish(packet.topic));
  const server = createServer((socket) => broker.handle(socket));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => new Promise<void>((r) => server.close(() => broker.close(() => r()))),
  };
}

/** The App's clock runs `factor` times faster than real time: poll intervals and timeouts shrink alike. */
function fastClock(base: Clock, factor: number): Clock {
  return {
    now: () => base.now() * factor,
    setTimeout: (fn, ms) => base.setTimeout(fn, ms / factor),
    clearTimeout: (h) => base.clearTimeout(h),
    setInterval: (fn, ms) => base.setInterval(fn, ms / factor),
    clearInterval: (h) => base.clearInterval(h),
    wallClock: () => base.wallClock(),
    setWallClock: (ms) => base.setWallClock(ms),
  };
}

function settings(port: number): Uint8Array {
  return new Uint8Array(Buffer.from(JSON.stringify({ mqtt: { host: '127.0.0.1', port }, meter: { key: KEY, pollIntervalS: 1 } })));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function run(options: { factor: number; cycles: number; onCycle?: (n: number) => void; latency?: number[] }) {
  let replyAt = -1;
  let cycles = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => (done = r));
  const broker = await startBroker((topic) => {
    if (!topic.endsWith('/state')) return;
    if (replyAt >= 0 && options.latency) options.latency.push(performance.now() - replyAt);
    replyAt = -1;
    cycles++;
    if (options.onCycle) options.onCycle(cycles);
    if (cycles >= options.cycles) done();
  });
  const sim = new MeterSimulator({ key: KEY, pacing: 'instant', seed: 9 });
  sim.on('data', (b: Uint8Array) => {
    if (b.length > 200) replyAt = performance.now(); // the BT28 reply (233 bytes) leaves the meter
  });
  const hal = createAppHal(sim, new Map([[SETTINGS_FILE, settings(broker.port)]]));
  hal.clock = fastClock(hal.clock, options.factor);
  const app = startApp(hal);
  await finished;
  app.stop();
  sim.close();
  await broker.stop();
}

/** The same latency with the PRODUCTION bundle on the Node host (Espruino-like vm context), one poll a second. */
export async function hostLatency(polls: number): Promise<Figure[]> {
  const out = join(mkdtempSync(join(tmpdir(), 'mep-bench-')), 'firmware.js');
  await buildFirmware({ out });
  const latency: number[] = [];
  let replyAt = -1;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => (done = r));
  const broker = await startBroker((topic) => {
    if (!topic.endsWith('/state') || replyAt < 0) return;
    latency.push(performance.now() - replyAt);
    replyAt = -1;
    if (latency.length >= polls) done();
  });
  const sim = new MeterSimulator({ key: KEY, pacing: 'instant', seed: 9 });
  sim.on('data', (b: Uint8Array) => {
    if (b.length > 200) replyAt = performance.now();
  });
  const host = await startHost({ bundlePath: out, meter: sim, settings: JSON.parse(Buffer.from(settings(broker.port)).toString()) });
  await finished;
  await host.stop();
  sim.close();
  await broker.stop();
  latency.sort((a, b) => a - b);
  return [
    { name: `meter reply → state at broker, median (${latency.length} polls; target < 20 ms)`, value: percentile(latency, 50), unit: 'ms' },
    { name: 'meter reply → state at broker, p99', value: percentile(latency, 99), unit: 'ms' },
  ];
}

export async function firmwareBenchmarks(cycles: number): Promise<Figure[]> {
  const latency: number[] = [];
  await run({ factor: 20, cycles: 300, latency });
  latency.sort((a, b) => a - b);
  const heap: number[] = [];
  const sample = () => {
    gc();
    heap.push(process.memoryUsage().heapUsed);
  };
  await run({ factor: 1000, cycles, onCycle: (n) => (n % Math.floor(cycles / 10) === 0 ? sample() : undefined) });
  if (process.env.BENCH_DEBUG) console.log(heap.map((h) => (h / 1048576).toFixed(2)).join(" "));
  const first = heap[0] ?? 0;
  const last = heap[heap.length - 1] ?? 0;
  return [
    { name: `meter reply → state at broker, median (${latency.length} polls; target < 20 ms)`, value: percentile(latency, 50), unit: 'ms' },
    { name: 'meter reply → state at broker, p99', value: percentile(latency, 99), unit: 'ms' },
    { name: `heap after ${Math.floor(cycles / 10)} poll cycles (after GC)`, value: first / 1048576, unit: 'MiB' },
    { name: `heap after ${cycles} poll cycles (after GC)`, value: last / 1048576, unit: 'MiB' },
    { name: 'heap growth per 1,000 cycles over the run', value: ((last - first) / 1024) / ((cycles * 0.9) / 1000), unit: 'KiB' },
  ];
}
