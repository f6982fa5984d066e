// The poll schedule (device/src/meter/poll-schedule.ts) against the guide's budget: present values every P (1–30 s),
// energy at least every 30 s, never more than one read per second on average (guide pp. 51, 260), never 30 s without
// a request (the health watchdog fires at 60 s, guide p. 20). Driven the way the session drives it: take() when idle,
// each read waits for readyAt() and spends, then takes its line time and the 100-ms quiet time.
import fc from 'fast-check';
import { BURST_READS, PollSchedule, POLL_ENERGY, POLL_PRESENT } from '../../../device/src/meter/poll-schedule';

interface Run {
  reads: { at: number; what: 'present' | 'energy' | 'clock' }[];
  elapsed: number;
  schedule: PollSchedule;
}

/** One simulated hour (or `ms`): reads take `latency(i)` ms (request, reply, then the 100-ms gap); the meter clock is
 *  read every `clockMs` (BT52) as a routine read of its own. */
function run(pollMs: number, latency: (i: number) => number, ms = 3600000, clockMs = 60000): Run {
  const s = new PollSchedule(pollMs);
  const reads: Run['reads'] = [];
  let t = 5000; // start-up done
  s.start(t);
  let nextClock = t + clockMs;
  const queue: Run['reads'][number]['what'][] = [];
  while (t < ms) {
    if (!queue.length) {
      if (t >= nextClock) {
        queue.push('clock');
        nextClock = t + clockMs;
      }
      const due = s.take(t);
      if (due & POLL_ENERGY) queue.push('energy');
      if (due & POLL_PRESENT) queue.push('present');
    }
    if (!queue.length) {
      t = Math.min(s.nextAt, nextClock);
      continue;
    }
    const at = s.readyAt(t);
    if (at > t) {
      t = at;
      continue;
    }
    s.spend();
    reads.push({ at: t, what: queue.shift()! });
    t += latency(reads.length) + 100;
  }
  return { reads, elapsed: t - 5000, schedule: s };
}

function gaps(times: number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < times.length; i++) out.push(times[i]! - times[i - 1]!);
  return out;
}

describe('poll schedule (guide pp. 20–21, 51, 260)', () => {
  test('default: BT28 every 2 s, BT23 every 30 s: about 0.53 reads/s (0.55 with the clock once a minute)', () => {
    const r = run(2000, () => 250, 3600000, 3600000 * 2);
    const present = r.reads.filter((x) => x.what === 'present').map((x) => x.at);
    const energy = r.reads.filter((x) => x.what === 'energy').map((x) => x.at);
    // on a 2-s grid; the BT28 of a poll with energy follows the BT23 read (250 ms + the 100-ms gap)
    for (const g of gaps(present)) expect([1650, 2000, 2350]).toContain(g);
    expect((present[present.length - 1]! - present[0]!) / (present.length - 1)).toBeCloseTo(2000, 0);
    expect(new Set(gaps(energy))).toEqual(new Set([30000]));
    expect(r.reads.length / (r.elapsed / 1000)).toBeCloseTo(0.533, 2);
  });

  test('the interval is clamped to 1–30 s; energy goes with the last poll before it is 30 s old', () => {
    expect(new PollSchedule(100).periodMs).toBe(1000);
    expect(new PollSchedule(3600000).periodMs).toBe(30000);
    expect(new PollSchedule(0).periodMs).toBe(2000);
    const every = (ms: number) => {
      const s = new PollSchedule(ms);
      s.start(0);
      const polls: number[] = [];
      for (let t = 0; t < 200000; t += ms) polls.push(s.take(t));
      const energy = polls.map((p, i) => (p & POLL_ENERGY ? i : -1)).filter((i) => i >= 0);
      return energy[2]! - energy[1]!;
    };
    expect([every(1000), every(2000), every(7000), every(30000)]).toEqual([30, 15, 4, 1]);
  });

  test('1 s (the fastest): the budget holds it to one read per second, BT28 about every 1.05 s, energy still ≤ 30 s', () => {
    const r = run(1000, () => 200);
    const energy = r.reads.filter((x) => x.what === 'energy').map((x) => x.at);
    expect(Math.max(...gaps(energy))).toBeLessThanOrEqual(30100);
    expect(r.reads.length / (r.elapsed / 1000)).toBeLessThanOrEqual(1.0005);
    const present = r.reads.filter((x) => x.what === 'present').map((x) => x.at);
    const mean = (present[present.length - 1]! - present[0]!) / (present.length - 1);
    expect(mean).toBeGreaterThan(1000);
    expect(mean).toBeLessThan(1100);
  });

  test('any interval, any reply time: ≤ 1 read/s on average (burst 2), never 30 s without a request, energy ≤ 30 s old', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 120000 }),
        fc.array(fc.integer({ min: 30, max: 700 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 20000, max: 120000 }),
        (pollMs, latencies, clockMs) => {
          const r = run(pollMs, (i) => latencies[i % latencies.length]!, 1800000, clockMs);
          const times = r.reads.map((x) => x.at);
          // in every window of the run: at most BURST_READS + window / 1 s reads
          let excess = -Infinity;
          for (let i = 0; i < times.length; i++) {
            for (let j = i + 1; j < times.length && j < i + 100; j++) {
              excess = Math.max(excess, j - i + 1 - BURST_READS - (times[j]! - times[i]!) / 1000);
            }
          }
          expect(excess).toBeLessThanOrEqual(1e-9);
          const slack = 700 + 100 + 1000; // one read's reply time and quiet time, plus one wait for budget
          expect(Math.max(...gaps(times))).toBeLessThanOrEqual(30000 + slack);
          const energy = r.reads.filter((x) => x.what === 'energy').map((x) => x.at);
          expect(Math.max(0, ...gaps(energy))).toBeLessThanOrEqual(30000 + 2 * slack);
        },
      ),
      { numRuns: 60 },
    );
  });
});
