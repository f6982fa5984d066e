// The fastest polling setting (1 s) at real 9600-baud pacing: the device session against the simulator, both
// directions paced at the line rate, in real time, on real timers. Since issue 10 the guide's budget (one read per
// second on average, poll-schedule.ts), not the line, sets the rate: the line limit, (bytes on the wire × 10 bits) /
// 9600 per poll cycle, is printed for comparison only. schedule.ts gives the cadence of every setting.
import { TABLE_DECODERS } from '../device/src/meter/tables/index';
import { performance } from 'perf_hooks';
import { MeterSimulator } from '../device/sim/meter-sim/meter';
import { MeterPoller, MeterLink } from '../device/src/meter/poller';
import { MeterSession } from '../device/src/meter/session';
import { parseMbk } from '../device/src/meter/key';
import { BT28 } from '../device/src/meter/table-ids';
import type { Figure } from './micro';

const BAUD = 9600;
const KEY = 'ABCDEFGHIJKLMNOPQRST';

export async function pollingBenchmark(seconds: number): Promise<Figure[]> {
  const byteMs = 10000 / BAUD;
  const sim = new MeterSimulator({ key: KEY, pacing: 'realtime', turnaroundMs: 0, uartChunkMs: 5, seed: 1 });
  let wireBytes = 0;
  const listeners: ((b: Uint8Array) => void)[] = [];
  sim.on('data', (b: Uint8Array) => {
    wireBytes += b.length;
    for (const l of listeners) l(b);
  });
  // Our UART transmits at the line rate too: the request reaches the meter when its last byte has been sent.
  let txFreeAt = 0;
  const link: MeterLink = {
    write(bytes) {
      wireBytes += bytes.length;
      const start = Math.max(performance.now(), txFreeAt);
      txFreeAt = start + bytes.length * byteMs;
      const copy = bytes.slice();
      setTimeout(() => sim.receive(copy), Math.max(0, txFreeAt - performance.now()));
    },
    reset: (done) => setTimeout(done, 0),
    onData: (l) => listeners.push(l),
  };
  const session = new MeterSession({ digestKey: (parseMbk(KEY) as { digestKey: Uint8Array }).digestKey, decoders: TABLE_DECODERS, pollIntervalMs: 1000, clockIntervalMs: 3600000 });
  let cycles = 0;
  let measuring = false;
  let startBytes = 0;
  let startAt = 0;
  let endBytes = 0;
  let endAt = 0;
  const poller = new MeterPoller({
    link,
    session,
    timers: { now: () => performance.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
    onEvent: (c) => {
      if (c.type !== 'table' || c.table !== BT28) return;
      if (!measuring) {
        measuring = true; // start counting after the start-up reads, at a cycle boundary
        startBytes = wireBytes;
        startAt = performance.now();
      } else {
        cycles++;
        endBytes = wireBytes;
        endAt = performance.now();
      }
    },
  });
  poller.start();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  poller.stop();
  sim.close();
  // Both counted between two completed cycles, so neither includes a half-finished one.
  const elapsedS = (endAt - startAt) / 1000;
  const bytesPerCycle = (endBytes - startBytes) / Math.max(1, cycles);
  const lineLimit = BAUD / (bytesPerCycle * 10);
  const achieved = cycles / elapsedS;
  return [
    { name: 'bytes on the wire per poll cycle (BT28, BT23 every 30 s, both directions)', value: bytesPerCycle, unit: 'B' },
    { name: 'line limit at 9600 baud (if the guide allowed it)', value: lineLimit, unit: 'readings/s' },
    { name: `achieved over ${elapsedS.toFixed(1)} s (${cycles} poll cycles; budget: ≤ 1 read/s)`, value: achieved, unit: 'readings/s' },
  ];
}
