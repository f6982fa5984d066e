// Properties of the backfill planner (addon/src/backfill/plan.ts) against a true meter: hourly energies in whole Wh,
// Home Assistant's statistics compiled from its register (sum += state − last state), runs of hours deleted (the
// recorder wrote nothing while the module was away). Filling from the meter's figures gives every hour its true
// energy, the rows after the gaps keep their sums, a second run plans nothing, and a bound of k hours a run converges.
import fc from 'fast-check';
import { boundGaps, fillGap, findGaps, frozenHours, gapRows, Gap, hoursNeeded, HOUR_MS } from '../../../addon/src/backfill/plan';
import { EnergyHour, StatisticRow } from '../../../addon/src/ha/recorder';

const T0 = Date.UTC(2026, 11, 1, 0);

interface World {
  energyWh: number[];
  /** HA's rows (index = hour), null = missing. */
  rows: (StatisticRow | null)[];
}

const worldArb = fc
  .tuple(fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 2, maxLength: 80 }), fc.array(fc.boolean(), { minLength: 80, maxLength: 80 }))
  .map(([energyWh, missing]): World => {
    let register = 1_234_567; // Wh
    let sum = 0;
    const rows = energyWh.map((e, i) => {
      register += e;
      sum += e;
      // The first hour is always there (the statistic's start), the others may be missing.
      return i > 0 && missing[i] ? null : { start: T0 + i * HOUR_MS, end: T0 + (i + 1) * HOUR_MS, state: register / 1000, sum: sum / 1000 };
    });
    return { energyWh, rows };
  });

function present(rows: (StatisticRow | null)[]): StatisticRow[] {
  return rows.filter((r): r is StatisticRow => r !== null);
}

function apply(rows: (StatisticRow | null)[], fill: EnergyHour[]): (StatisticRow | null)[] {
  const out = [...rows];
  for (const f of fill) out[(f.start - T0) / HOUR_MS] = { start: f.start, end: f.start + HOUR_MS, state: f.state, sum: f.sum };
  return out;
}

function energies(w: World): Map<number, number> {
  return new Map(w.energyWh.map((e, i) => [T0 + i * HOUR_MS, e / 1000]));
}

function run(rows: (StatisticRow | null)[], w: World, maxHours = Infinity): { rows: (StatisticRow | null)[]; filled: EnergyHour[]; gaps: Gap[] } {
  const to = T0 + w.energyWh.length * HOUR_MS;
  const { gaps } = boundGaps(findGaps(present(rows), T0, to), maxHours);
  const filled = gaps.flatMap((g) => gapRows(g, energies(w)));
  return { rows: apply(rows, filled), filled, gaps };
}

test('filled hours carry the meter\'s energy, the rows after the gaps keep their sums, and a second run does nothing', () => {
  fc.assert(
    fc.property(worldArb, (w) => {
      const before = w.rows;
      const first = run(before, w);
      // Every missing hour is filled, and every hour's difference is the meter's energy (to the Wh).
      expect(first.rows.every((r) => r !== null)).toBe(true);
      const rows = first.rows as StatisticRow[];
      for (let i = 1; i < rows.length; i++) expect(Math.abs(rows[i]!.sum! - rows[i - 1]!.sum! - w.energyWh[i]! / 1000)).toBeLessThan(1e-6);
      // Rows that existed are not rewritten.
      for (const f of first.filled) expect(before[(f.start - T0) / HOUR_MS]).toBeNull();
      expect(first.filled.length).toBe(before.filter((r) => r === null).length);
      const second = run(first.rows, w);
      expect(second.gaps).toEqual([]);
      expect(second.filled).toEqual([]);
    }),
    { numRuns: 300 },
  );
});

test('at most k hours a run, oldest first; runs converge to the same statistics as one unbounded run', () => {
  fc.assert(
    fc.property(worldArb, fc.integer({ min: 1, max: 10 }), (w, k) => {
      const missing = w.rows.filter((r) => r === null).length;
      let rows = w.rows;
      let runs = 0;
      for (;;) {
        const r = run(rows, w, k);
        expect(r.filled.length).toBeLessThanOrEqual(k);
        if (r.filled.length === 0) break;
        // Oldest first: nothing filled is newer than a hour still missing before it.
        const firstMissing = rows.findIndex((x) => x === null);
        expect(r.filled[0]!.start).toBe(T0 + firstMissing * HOUR_MS);
        rows = r.rows;
        runs++;
      }
      expect(runs).toBe(Math.ceil(missing / k));
      expect(rows).toEqual(run(w.rows, w).rows);
    }),
    { numRuns: 200 },
  );
});

test('an hour the meter has no figure for ends the filling there: sums stay non-decreasing and below the next row', () => {
  fc.assert(
    fc.property(worldArb, fc.integer({ min: 0, max: 79 }), (w, hole) => {
      const e = energies(w);
      e.delete(T0 + hole * HOUR_MS);
      const to = T0 + w.energyWh.length * HOUR_MS;
      const gaps = findGaps(present(w.rows), T0, to);
      const rows = apply(w.rows, gaps.flatMap((g) => gapRows(g, e)));
      let last = -Infinity;
      for (const r of rows) {
        if (r === null) continue;
        expect(r.sum!).toBeGreaterThanOrEqual(last);
        last = r.sum!;
      }
      if (hole < w.energyWh.length && w.rows[hole] === null) expect(rows[hole]).toBeNull();
    }),
    { numRuns: 200 },
  );
});

test('hours before notBefore are given up: no gap spans them; hoursNeeded lists each hour once', () => {
  const row = (i: number, kwh: number): StatisticRow => ({ start: T0 + i * HOUR_MS, end: T0 + (i + 1) * HOUR_MS, state: 100 + kwh, sum: kwh });
  const rows = [row(0, 0), row(5, 5), row(9, 9)];
  const all = findGaps(rows, T0, T0 + 12 * HOUR_MS);
  expect(all.map((g) => g.hours.map((h) => (h - T0) / HOUR_MS))).toEqual([[1, 2, 3, 4], [6, 7, 8], [10, 11]]);
  expect(all[2]!.next).toBeNull();
  const later = findGaps(rows, T0, T0 + 12 * HOUR_MS, T0 + 3 * HOUR_MS);
  expect(later.map((g) => g.hours.length)).toEqual([3, 2]);
  expect(hoursNeeded([...all, ...all]).length).toBe(9);
  // A gap before the statistic's first row has nothing to continue from.
  expect(findGaps([row(3, 3)], T0, T0 + 5 * HOUR_MS).map((g) => g.hours.length)).toEqual([1]);
});

test('a profile figure larger than the jump is clamped: sums never pass the row after the gap', () => {
  const gap: Gap = { anchor: { start: T0, state: 10, sum: 1 }, edge: null, hours: [T0 + HOUR_MS, T0 + 2 * HOUR_MS], next: { start: T0 + 3 * HOUR_MS, state: 12, sum: 3 } };
  const rows = gapRows(gap, new Map([[T0 + HOUR_MS, 1.5], [T0 + 2 * HOUR_MS, 1.5]]));
  expect(rows).toEqual([{ start: T0 + HOUR_MS, state: 11.5, sum: 2.5 }, { start: T0 + 2 * HOUR_MS, state: 12, sum: 3 }]);
});

test('the hour the module went away in (its row ends at the last reading before the outage) is set to the meter\'s figure', () => {
  const row = (i: number, kwh: number): StatisticRow => ({ start: T0 + i * HOUR_MS, end: T0 + (i + 1) * HOUR_MS, state: 100 + kwh, sum: kwh });
  // Hours 0, 1 and 2 used 1 kWh each, hours 3 and 4 0.5 kWh; the module vanished at 2:20 (the row of hour 2 holds
  // a third of its energy) and came back during hour 5.
  const rows = [row(0, 1), row(1, 2), row(2, 2.333), row(5, 4.5)];
  const gaps = findGaps(rows, T0, T0 + 6 * HOUR_MS);
  expect(gaps).toHaveLength(1);
  expect(gaps[0]!.edge?.start).toBe(T0 + 2 * HOUR_MS);
  expect(hoursNeeded(gaps).map((h) => (h - T0) / HOUR_MS)).toEqual([2, 3, 4]);
  const e = new Map([[T0 + 2 * HOUR_MS, 1], [T0 + 3 * HOUR_MS, 0.5], [T0 + 4 * HOUR_MS, 0.5]]);
  expect(gapRows(gaps[0]!, e)).toEqual([
    { start: T0 + 2 * HOUR_MS, state: 103, sum: 3 },
    { start: T0 + 3 * HOUR_MS, state: 103.5, sum: 3.5 },
    { start: T0 + 4 * HOUR_MS, state: 104, sum: 4 },
  ]);
  // Without a figure for the edge, filling continues from its row as it is.
  e.delete(T0 + 2 * HOUR_MS);
  expect(gapRows(gaps[0]!, e).map((r) => r.sum)).toEqual([2.833, 3.333]);
});

// Frozen hours (a silent meter link while the module stays online): Home Assistant keeps the sensor's last state, so
// its rows do not move, and the row after the silence carries the jump. Some true hours are zero too (the meter saw
// nothing): those rows are right and must never be rewritten.
type Mode = 'ok' | 'missing' | 'frozen';

interface FrozenWorld {
  energyWh: number[];
  rows: (StatisticRow | null)[];
  /** The true rows (what the statistics must become). */
  truth: StatisticRow[];
}

const frozenWorldArb = fc
  .tuple(
    fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5000 })), { minLength: 3, maxLength: 60 }),
    fc.array(fc.constantFrom<Mode>('ok', 'ok', 'missing', 'frozen', 'frozen'), { minLength: 60, maxLength: 60 }),
  )
  .map(([energyWh, modes]): FrozenWorld => {
    let register = 7_654_321;
    let trueSum = 0;
    const truth: StatisticRow[] = [];
    const rows: (StatisticRow | null)[] = [];
    // Home Assistant's compile: sum += state − last state, for the hours that have a row.
    let last: { state: number; sum: number } | null = null;
    energyWh.forEach((e, i) => {
      register += e;
      trueSum += e;
      const start = T0 + i * HOUR_MS;
      truth.push({ start, end: start + HOUR_MS, state: register / 1000, sum: trueSum / 1000 });
      // The first hour is there (the statistic's start) and so is the last (every silence is over).
      let mode: Mode = i === 0 || i === energyWh.length - 1 ? 'ok' : modes[i]!;
      if (mode === 'frozen' && rows[i - 1] === null) mode = 'missing'; // no sensor state before: no row either
      if (mode === 'missing') {
        rows.push(null);
        return;
      }
      const state: number = mode === 'frozen' ? last!.state : register / 1000;
      const sum: number = last ? last.sum + (state - last.state) : trueSum / 1000;
      last = { state, sum };
      rows.push({ start, end: start + HOUR_MS, state, sum });
    });
    return { energyWh, rows, truth };
  });

function runFrozen(rows: (StatisticRow | null)[], w: FrozenWorld, verified: number[] = [], maxHours = Infinity) {
  const to = T0 + w.energyWh.length * HOUR_MS;
  const frozen = frozenHours([present(rows)], verified);
  const { gaps } = boundGaps(findGaps(present(rows), T0, to, -Infinity, frozen), maxHours);
  const fills = gaps.map((g) => fillGap(g, energies(w)));
  const filled = fills.flatMap((f) => f.rows);
  return { rows: apply(rows, filled), filled, gaps, frozen, confirmed: fills.flatMap((f) => f.confirmed), mismatch: fills.some((f) => f.mismatch) };
}

test('frozen hours: every hour ends with the meter\'s energy, rows that were right are never rewritten, a later run writes nothing', () => {
  let rewritten = 0;
  let keptZero = 0;
  fc.assert(
    fc.property(frozenWorldArb, (w) => {
      const first = runFrozen(w.rows, w);
      rewritten += first.filled.filter((f) => w.rows[(f.start - T0) / HOUR_MS] !== null).length;
      keptZero += [...first.frozen].filter((h) => !first.filled.some((f) => f.start === h)).length;
      expect(first.mismatch).toBe(false);
      const rows = first.rows as StatisticRow[];
      expect(rows.every((r) => r !== null)).toBe(true);
      for (let i = 1; i < rows.length; i++) expect(Math.abs(rows[i]!.sum! - rows[i - 1]!.sum! - w.energyWh[i]! / 1000)).toBeLessThan(1e-6);
      // Only missing rows and wrong ones are written: a row that equals the truth (relative to the first row) stays.
      const offset = w.rows[0]!.sum! - w.truth[0]!.sum!;
      for (const f of first.filled) {
        const had = w.rows[(f.start - T0) / HOUR_MS];
        const truth = w.truth[(f.start - T0) / HOUR_MS]!;
        if (had) expect(Math.abs(had.sum! - truth.sum! - offset) > 1e-6 || Math.abs(had.state! - truth.state!) > 1e-6).toBe(true);
      }
      // A later run (with the hours the first one settled) rewrites nothing, and plans nothing after that.
      const second = runFrozen(first.rows, w, first.confirmed);
      expect(second.filled).toEqual([]);
      const third = runFrozen(second.rows, w, [...first.confirmed, ...second.confirmed]);
      expect(third.gaps).toEqual([]);
    }),
    { numRuns: 300 },
  );
  // Not vacuous: frozen rows were rewritten, and frozen rows the meter agreed with were kept.
  expect(rewritten).toBeGreaterThan(300);
  expect(keptZero).toBeGreaterThan(30);
});

test('frozen hours with a bound of k hours a run: the sums never go down and the runs converge to the truth', () => {
  fc.assert(
    fc.property(frozenWorldArb, fc.integer({ min: 1, max: 6 }), (w, k) => {
      let rows = w.rows;
      let verified: number[] = [];
      for (let run = 0; run < 200; run++) {
        const r = runFrozen(rows, w, verified, k);
        rows = r.rows;
        verified = [...verified, ...r.confirmed];
        // Present rows never go down (raised frozen rows keep the sum monotonic while a cut run waits).
        let last = -Infinity;
        for (const x of rows) {
          if (x === null) continue;
          expect(x.sum!).toBeGreaterThanOrEqual(last - 1e-9);
          last = x.sum!;
        }
        if (r.gaps.length === 0) break;
      }
      for (let i = 1; i < rows.length; i++) expect(Math.abs(rows[i]!.sum! - rows[i - 1]!.sum! - w.energyWh[i]! / 1000)).toBeLessThan(1e-6);
    }),
    { numRuns: 200 },
  );
});

test('frozen hours: a zero in one statistic only is not frozen; a run still frozen at the end waits; a profile that does not fit the jump rewrites nothing', () => {
  const row = (i: number, kwh: number, state = 100 + kwh): StatisticRow => ({ start: T0 + i * HOUR_MS, end: T0 + (i + 1) * HOUR_MS, state, sum: kwh });
  const imp = [row(0, 0), row(1, 1), row(2, 1), row(3, 1), row(4, 5)];
  const exp = [row(0, 0), row(1, 0), row(2, 0), row(3, 0.5), row(4, 0.5)];
  // Hour 2: both still. Hour 3: import still, export moved. Hour 1: import moved.
  expect([...frozenHours([imp, exp])].map((h) => (h - T0) / HOUR_MS)).toEqual([2]);
  expect([...frozenHours([imp])].map((h) => (h - T0) / HOUR_MS)).toEqual([2, 3]);
  expect(frozenHours([imp], [T0 + 2 * HOUR_MS]).has(T0 + 2 * HOUR_MS)).toBe(false);
  // Still frozen at the window's end: no gap yet.
  const open = [row(0, 0), row(1, 1), row(2, 1), row(3, 1)];
  expect(findGaps(open, T0, T0 + 4 * HOUR_MS, -Infinity, frozenHours([open]))).toEqual([]);
  // Closed by the jump at hour 4 (4 kWh over hours 2–4): the meter's 1 + 1 + 2 fits, 3 + 3 does not.
  const gaps = findGaps(imp, T0, T0 + 5 * HOUR_MS, -Infinity, frozenHours([imp]));
  expect(gaps).toHaveLength(1);
  expect(gaps[0]!.hours.map((h) => (h - T0) / HOUR_MS)).toEqual([2, 3]);
  const fits = fillGap(gaps[0]!, new Map([[T0 + HOUR_MS, 1], [T0 + 2 * HOUR_MS, 1], [T0 + 3 * HOUR_MS, 1]]));
  expect(fits.rows.map((r) => [(r.start - T0) / HOUR_MS, r.sum])).toEqual([[2, 2], [3, 3]]);
  const not = fillGap(gaps[0]!, new Map([[T0 + HOUR_MS, 1], [T0 + 2 * HOUR_MS, 3], [T0 + 3 * HOUR_MS, 3]]));
  expect(not).toMatchObject({ rows: [], mismatch: true });
  // Without a figure for hour 3, hour 2 is filled and hour 3 raised to it (the sum does not go down).
  const part = fillGap(gaps[0]!, new Map([[T0 + HOUR_MS, 1], [T0 + 2 * HOUR_MS, 1]]));
  expect(part.rows.map((r) => [(r.start - T0) / HOUR_MS, r.sum])).toEqual([[2, 2], [3, 2]]);
  expect(part.raised).toEqual([T0 + 3 * HOUR_MS]);
});
