// The poll schedule within the guide's budget (issue 10 item 4; device/src/meter/poll-schedule.ts): the device session
// against the simulator at 9600-baud pacing, strict about the 100-ms request spacing, for one simulated hour in
// virtual time (so it takes about a second). Reads per second over all requests (clock and start-up included), the
// cadence of present values (BT28) and energy (BT23), and the longest time without a successful reply (the meter's
// health watchdog fires at 60 s, guide p. 20). Printed, never gated.
import { MeterSimulator } from '../device/sim/meter-sim/meter';
import { MeterLink, MeterPoller } from '../device/src/meter/poller';
import { MeterSession } from '../device/src/meter/session';
import { parseMbk } from '../device/src/meter/key';
import { BT23, BT28 } from '../device/src/meter/table-ids';
import { TABLE_DECODERS } from '../device/src/meter/tables/index';
import { VirtualTime } from '../test/helpers/virtual-time';
import type { Figure } from './micro';

const KEY = 'ABCDEFGHIJKLMNOPQRST';
const HOUR = 3600000;

function intervals(times: number[]): { mean: number; max: number } {
  let max = 0;
  for (let i = 1; i < times.length; i++) max = Math.max(max, times[i]! - times[i - 1]!);
  return { mean: times.length > 1 ? (times[times.length - 1]! - times[0]!) / (times.length - 1) : 0, max };
}

function runHour(pollS: number): Figure[] {
  const time = new VirtualTime();
  const sim = new MeterSimulator({ key: KEY, pacing: 'realtime', requestSpacing: 'ignore', seed: 5, timers: time, clock: time.now });
  const listeners: ((b: Uint8Array) => void)[] = [];
  sim.on('data', (b: Uint8Array) => listeners.forEach((l) => l(b)));
  let requests = 0;
  sim.on('request', () => requests++);
  const link: MeterLink = {
    write: (b) => sim.receive(b.slice()),
    reset: (done) => time.setTimeout(done, 100),
    onData: (l) => listeners.push(l),
  };
  const session = new MeterSession({ digestKey: (parseMbk(KEY) as { digestKey: Uint8Array }).digestKey, decoders: TABLE_DECODERS, pollIntervalMs: pollS * 1000 });
  const seen: { [table: number]: number[] } = { [BT23]: [], [BT28]: [] };
  let lastOk = 0;
  let longestQuiet = 0;
  const poller = new MeterPoller({
    link,
    session,
    timers: time,
    onEvent: (c) => {
      if (c.type !== 'table') return;
      longestQuiet = Math.max(longestQuiet, c.at - lastOk);
      lastOk = c.at;
      if (seen[c.table]) seen[c.table]!.push(c.at);
    },
  });
  poller.start();
  time.advance(HOUR);
  poller.stop();
  sim.close();
  const p = intervals(seen[BT28]!);
  const e = intervals(seen[BT23]!);
  const tag = `poll interval ${pollS} s`;
  return [
    { name: `${tag}: reads per second (all requests, start-up and clock included)`, value: requests / (HOUR / 1000), unit: 'reads/s' },
    { name: `${tag}: present values (BT28) every, mean / longest`, value: p.mean / 1000, unit: `s / ${(p.max / 1000).toFixed(2)} s` },
    { name: `${tag}: energy (BT23) every, mean / longest`, value: e.mean / 1000, unit: `s / ${(e.max / 1000).toFixed(2)} s` },
    { name: `${tag}: longest time without a successful reply`, value: longestQuiet / 1000, unit: 's' },
    { name: `${tag}: requests the strict meter found < 100 ms after its reply`, value: sim.tooSoon, unit: '' },
  ];
}

export function scheduleBenchmark(): Figure[] {
  return [...runHour(2), ...runHour(1), ...runHour(30)];
}
