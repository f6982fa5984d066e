// Properties of the register tracking (usage/register-tracker.ts, meter-usage.ts, peaks.ts) against an independent
// oracle: the register linearly interpolated over the whole reading list. Hours are Copenhagen's, spanning the 2026
// spring DST change and a month end.
import fc from 'fast-check';
import { monthKey, nextStart, startOf } from '../../../addon/src/usage/local-time';
import { applyReading, emptyUsage, MeterUsageState } from '../../../addon/src/usage/meter-usage';
import { advance, ClosedInterval, emptyTracker, Reading } from '../../../addon/src/usage/register-tracker';

const ZONE = 'Europe/Copenhagen';
const T0 = Date.parse('2026-03-28T20:07:13Z');
const EPS = 1e-6;

/** Readings from steps: time forward by 1 s .. 3 h, register up by 0 .. 4 kWh in whole Wh (the module's 3 decimals). */
const readingsArb = fc
  .array(fc.tuple(fc.integer({ min: 1000, max: 3 * 3_600_000 }), fc.integer({ min: 0, max: 4000 }), fc.integer({ min: 0, max: 500 })), { minLength: 2, maxLength: 60 })
  .map((steps) => {
    let t = T0;
    let wh = 1_234_567;
    let ex = 89_000;
    return steps.map(([dt, dwh, dex]) => {
      t += dt;
      wh += dwh;
      ex += dex;
      return { t, importKwh: wh / 1000, exportKwh: ex / 1000 } as Reading;
    });
  });

/** The oracle: register at instant b by linear interpolation between the readings around it. */
function registerAt(readings: Reading[], b: number): number {
  for (let i = 0; i + 1 < readings.length; i++) {
    const a = readings[i] as Reading;
    const r = readings[i + 1] as Reading;
    if (a.t < b && b <= r.t) return a.importKwh + ((r.importKwh - a.importKwh) * (b - a.t)) / (r.t - a.t);
  }
  const first = readings[0] as Reading;
  if (b === first.t) return first.importKwh;
  throw new Error('outside the readings');
}

/** Complete local hours between the first and the last reading, each with the oracle's energy. */
function oracleHours(readings: Reading[]): { start: number; end: number; kwh: number }[] {
  const first = (readings[0] as Reading).t;
  const last = (readings[readings.length - 1] as Reading).t;
  const out: { start: number; end: number; kwh: number }[] = [];
  let h = startOf('hour', first, ZONE) === first ? first : nextStart('hour', first, ZONE);
  for (let next = nextStart('hour', h, ZONE); next <= last; h = next, next = nextStart('hour', h, ZONE)) {
    out.push({ start: h, end: next, kwh: registerAt(readings, next) - registerAt(readings, h) });
  }
  return out;
}

function trackHours(readings: Reading[]): ClosedInterval[] {
  let s = emptyTracker(ZONE);
  const hours: ClosedInterval[] = [];
  for (const r of readings) {
    const step = advance(s, r, ZONE);
    s = step.state;
    hours.push(...step.closed.filter((c) => c.unit === 'hour'));
  }
  return hours;
}

test('property: every complete hour is the register rise across it, and the hours add up to the register rise', () => {
  fc.assert(
    fc.property(readingsArb, (readings) => {
      const hours = trackHours(readings);
      const oracle = oracleHours(readings);
      expect(hours.map((h) => [h.start, h.end])).toEqual(oracle.map((h) => [h.start, h.end]));
      hours.forEach((h, i) => expect(Math.abs(h.importKwh - (oracle[i] as { kwh: number }).kwh)).toBeLessThan(EPS));
      if (hours.length > 0) {
        const sum = hours.reduce((a, h) => a + h.importKwh, 0);
        const rise = registerAt(readings, (hours[hours.length - 1] as ClosedInterval).end) - registerAt(readings, (hours[0] as ClosedInterval).start);
        expect(Math.abs(sum - rise)).toBeLessThan(EPS * (hours.length + 1));
      }
    }),
    { numRuns: 300 },
  );
});

test('property: the quarters of each hour add up to it, and days/months to their hours', () => {
  fc.assert(
    fc.property(readingsArb, (readings) => {
      let s = emptyTracker(ZONE);
      const closed: ClosedInterval[] = [];
      for (const r of readings) {
        const step = advance(s, r, ZONE);
        s = step.state;
        closed.push(...step.closed);
      }
      for (const h of closed.filter((c) => c.unit === 'hour')) {
        const quarters = closed.filter((c) => c.unit === 'quarter' && c.start >= h.start && c.end <= h.end);
        expect(quarters).toHaveLength(4);
        expect(Math.abs(quarters.reduce((a, q) => a + q.importKwh, 0) - h.importKwh)).toBeLessThan(EPS * 5);
      }
      for (const d of closed.filter((c) => c.unit === 'day')) {
        const hours = closed.filter((c) => c.unit === 'hour' && c.start >= d.start && c.end <= d.end);
        expect(hours.length).toBe((d.end - d.start) / 3_600_000);
        expect(Math.abs(hours.reduce((a, q) => a + q.importKwh, 0) - d.importKwh)).toBeLessThan(EPS * 30);
      }
    }),
    { numRuns: 100 },
  );
});

function feed(readings: Reading[]): MeterUsageState {
  let s = emptyUsage(ZONE);
  for (const r of readings) s = applyReading(s, r, ZONE).state;
  return s;
}

test("property: the month's top three are the three largest complete hours of that month", () => {
  fc.assert(
    fc.property(readingsArb, (readings) => {
      const s = feed(readings);
      const oracle = oracleHours(readings);
      if (oracle.length === 0) return expect(s.peaks).toBeNull();
      const month = monthKey((oracle[oracle.length - 1] as { start: number }).start, ZONE);
      const expected = oracle
        .filter((h) => monthKey(h.start, ZONE) === month)
        .map((h) => ({ start: h.start, w: Math.round(h.kwh * 1000) }))
        .sort((a, b) => b.w - a.w || a.start - b.start)
        .slice(0, 3);
      expect(s.peaks?.month).toBe(month);
      // w within 1 W of the oracle (rounding of interpolated values), and the same hours unless two tie that closely.
      const got = (s.peaks?.top ?? []).map((p) => p.w);
      expect(got).toHaveLength(expected.length);
      got.forEach((w, i) => expect(Math.abs(w - (expected[i] as { w: number }).w)).toBeLessThanOrEqual(1));
      expect([...got].sort((a, b) => b - a)).toEqual(got);
    }),
    { numRuns: 300 },
  );
});

/** Index of an interior reading to drop. */
const withDrop = readingsArb.filter((r) => r.length >= 3).chain((r) => fc.tuple(fc.constant(r), fc.integer({ min: 1, max: r.length - 2 })));

test('property: a missed reading that brackets no hour boundary changes no hour', () => {
  fc.assert(
    fc.property(withDrop, ([readings, i]) => {
      const prev = readings[i - 1] as Reading;
      const next = readings[i + 1] as Reading;
      fc.pre(nextStart('hour', prev.t, ZONE) > next.t);
      const without = readings.filter((_, k) => k !== i);
      expect(trackHours(without).map((h) => [h.start, h.importKwh])).toEqual(trackHours(readings).map((h) => [h.start, h.importKwh]));
    }),
    { numRuns: 300 },
  );
});

test('property: a missed reading cannot fake a peak: it adds no energy, moves at most the rise across its gap, and no hour exceeds the register rise between the readings around it', () => {
  fc.assert(
    fc.property(withDrop, ([readings, i]) => {
      const prev = readings[i - 1] as Reading;
      const next = readings[i + 1] as Reading;
      const without = readings.filter((_, k) => k !== i);
      const a = trackHours(readings);
      const b = trackHours(without);
      expect(b.map((h) => h.start)).toEqual(a.map((h) => h.start));
      const gapRise = next.importKwh - prev.importKwh;
      b.forEach((h, k) => expect(Math.abs(h.importKwh - (a[k] as ClosedInterval).importKwh)).toBeLessThanOrEqual(gapRise + EPS));
      // No energy added: the total only changes when the gap holds the first or last counted boundary (energy then
      // moves to or from the partial hour outside the counted span).
      const inGap = (t: number): boolean => t > prev.t && t < next.t;
      if (a.length > 0 && !inGap((a[0] as ClosedInterval).start) && !inGap((a[a.length - 1] as ClosedInterval).end)) {
        expect(Math.abs(b.reduce((x, h) => x + h.importKwh, 0) - a.reduce((x, h) => x + h.importKwh, 0))).toBeLessThan(EPS * (a.length + 1));
      }
      for (const h of b) {
        const before = [...without].reverse().find((r) => r.t <= h.start) as Reading;
        const after = without.find((r) => r.t >= h.end) as Reading;
        expect(h.importKwh).toBeLessThanOrEqual(after.importKwh - before.importKwh + EPS);
      }
    }),
    { numRuns: 300 },
  );
});

test('property: an outage of whole hours gives each of them the outage average, never more than its largest true hour', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 9000 }), { minLength: 6, maxLength: 12 }), fc.integer({ min: 1, max: 3 }), (watts, from) => {
      // True consumption: constant W per hour; a reading every 5 minutes; the module is silent from hour `from` to
      // hour `from + 3` (the readings exactly at those two boundaries arrive).
      const start = Date.parse('2026-12-03T00:00:00Z');
      const readings: Reading[] = [];
      let wh = 5_000_000;
      for (let m = 0; m <= watts.length * 60; m += 5) {
        const hour = Math.floor(m / 60);
        const silent = m > from * 60 && m < (from + 3) * 60;
        if (!silent) readings.push({ t: start + m * 60_000, importKwh: wh / 1000, exportKwh: null });
        if (hour < watts.length) wh += ((watts[hour] as number) * 5) / 60;
      }
      const hours = trackHours(readings);
      const outage = watts.slice(from, from + 3);
      const average = outage.reduce((x, w) => x + w, 0) / 3;
      for (const h of hours.filter((x) => x.start >= start + from * 3_600_000 && x.end <= start + (from + 3) * 3_600_000)) {
        expect(h.estimated).toBe(true);
        expect(Math.abs(h.importKwh * 1000 - average)).toBeLessThan(0.01);
        expect(h.importKwh * 1000).toBeLessThanOrEqual(Math.max(...outage) + 0.01);
      }
      expect(hours.filter((x) => !x.estimated).map((x) => Math.round(x.importKwh * 1000))).toEqual(
        watts.map((w, k) => (k >= from && k < from + 3 ? null : Math.round(w))).filter((w) => w !== null),
      );
    }),
    { numRuns: 200 },
  );
});
