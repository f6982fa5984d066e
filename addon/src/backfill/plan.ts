// The backfill planner (issue 13): which hours of Home Assistant's hourly statistics of one energy entity to rewrite
// from the meter's load profile, and with what. Pure.
//
// Home Assistant's Energy dashboard shows, per hour, the difference of the statistic's `sum` to the hour before
// (recorder/statistics.py compiles a total_increasing sensor's hour as sum += state − last state). While the module,
// the WiFi, the broker or Home Assistant is down, the recorder writes no row; the first row after the outage then
// carries the whole gap's energy (the "jump"). We fill every missing hour h of a gap with
//   sum(h) = sum(anchor) + energy(anchor+1 … h), state(h) = state(anchor) + the same energy
// from the meter's own hourly energies, where `anchor` is the last row before the gap. The hour before the gap (the
// `edge`) is rewritten too when the meter says so: the module went away during it, so its row ends at the last
// reading before the outage, not at the hour's end (then anchor is the row before the edge). The row after the gap is left
// as it is: its difference to the (now filled) hour before is its own hour's energy, so the jump is gone and the
// rows after it keep their sums (continuous on both sides). Filled sums never exceed the row after the gap (the
// meter's register and the profile agree up to whole Wh and the time of the last reading in an hour).
// Idempotent: a filled hour is no longer missing, so a second run plans nothing. Bounded: at most `maxHours` hours,
// oldest first; the next run continues with the rest.
//
// Frozen hours: while the module is online but its meter link is silent, Home Assistant keeps the sensor's last state
// and compiles rows whose sum does not move, then one jump when readings return. An hour counts as frozen when, in
// EVERY energy statistic of the meter, its row and the row before it have the same state and sum (frozenHours: a
// link silence stops import and export alike, while a lone zero, like the export at night, is ordinary). A run of
// frozen hours is planned like missing hours, between the last row that moved (anchor/edge) and the first row after
// it (the jump), but only once that row exists (a run still frozen at the window's end waits). Its rows are rewritten
// only where the meter's profile disagrees (an hour the meter also saw as zero is right and stays); the profile's
// energy for the run must fit in the jump (else the rows are left: something other than a silence froze them); and
// frozen rows the run does not reach (no figure, or past the bound) are raised to the last filled sum, so the sum
// never goes down (their energy stays in the jump until a later run fills them).
import type { EnergyHour, StatisticRow } from '../ha/recorder';

export const HOUR_MS = 3_600_000;

/** A run of missing hours of one statistic, with the rows around it. */
export interface Gap {
  /** The last row before the gap (with its numbers). */
  anchor: { start: number; state: number; sum: number };
  /** The row just before the missing hours when the anchor is the row before it: re-checked against the meter. */
  edge: { start: number; state: number; sum: number } | null;
  /** Missing hour starts, ascending and consecutive. */
  hours: number[];
  /** The first row after the gap, null when the gap reaches the end of the window. */
  next: { start: number; state: number; sum: number } | null;
  /** Home Assistant's frozen rows among the gap's hours (also those past a boundGaps cut), by hour start. */
  frozen?: Map<number, { state: number; sum: number }>;
}

/** Tolerance of two sums or states being equal, kWh (the recorder's values are floats; ours have 3 decimals). */
const SAME = 0.0005;

/** Hours whose row did not move from the row of the hour before, in every one of `statistics` (one meter's energy
 *  entities), except `except` (hours already checked against the meter and found right). Pure. */
export function frozenHours(statistics: StatisticRow[][], except: Iterable<number> = []): Set<number> {
  const out = new Set<number>();
  if (statistics.length === 0) return out;
  const maps = statistics.map((rows) => {
    const m = new Map<number, { state: number; sum: number }>();
    for (const r of rows) if (numeric(r) && r.start % HOUR_MS === 0) m.set(r.start, r);
    return m;
  });
  const skip = new Set(except);
  for (const h of maps[0]!.keys()) {
    if (skip.has(h)) continue;
    const still = maps.every((m) => {
      const r = m.get(h);
      const p = m.get(h - HOUR_MS);
      return r !== undefined && p !== undefined && Math.abs(r.sum - p.sum) < SAME && Math.abs(r.state - p.state) < SAME;
    });
    if (still) out.add(h);
  }
  return out;
}

const numeric = (r: StatisticRow): r is StatisticRow & { state: number; sum: number } =>
  typeof r.state === 'number' && Number.isFinite(r.state) && typeof r.sum === 'number' && Number.isFinite(r.sum);

/** The gaps of `rows` (one statistic, hourly) among the hours in [from, to), skipping hours before `notBefore`.
 *  A gap needs a row before it to continue from: hours before the statistic's first row in the window are not gaps
 *  (the caller asks from early enough). Rows without numbers count as missing; rows of `frozen` hours (frozenHours)
 *  are planned too, in gaps that have a row after them. */
export function findGaps(rows: StatisticRow[], from: number, to: number, notBefore = -Infinity, frozen: ReadonlySet<number> = new Set()): Gap[] {
  const byHour = new Map<number, StatisticRow & { state: number; sum: number }>();
  for (const r of rows) if (numeric(r) && r.start % HOUR_MS === 0) byHour.set(r.start, r);
  const gaps: Gap[] = [];
  let anchor: Gap['anchor'] | null = null;
  let before: Gap['anchor'] | null = null;
  let open: number[] = [];
  let still = new Map<number, { state: number; sum: number }>();
  const gap = (next: Gap['next']): Gap => {
    const a = anchor!;
    const edged = before !== null && before.start === a.start - HOUR_MS && a.start >= notBefore;
    const g: Gap = { anchor: edged ? before! : a, edge: edged ? a : null, hours: open, next };
    if (still.size > 0) g.frozen = still;
    return g;
  };
  for (let h = from; h < to; h += HOUR_MS) {
    const row = byHour.get(h);
    if (row && anchor && h >= notBefore && frozen.has(h)) {
      open.push(h);
      still.set(h, { state: row.state, sum: row.sum });
    } else if (row) {
      if (anchor && open.length > 0) gaps.push(gap({ start: row.start, state: row.state, sum: row.sum }));
      // The row before this one, when it is the hour just before (a candidate anchor for this one as an edge).
      before = anchor && anchor.start === h - HOUR_MS ? anchor : null;
      open = [];
      still = new Map();
      anchor = { start: row.start, state: row.state, sum: row.sum };
    } else if (anchor && h >= notBefore) {
      open.push(h);
    } else if (anchor) {
      // An hour given up on (older than the meter's memory): the gap cannot be filled continuously past it.
      anchor = null;
      before = null;
      open = [];
      still = new Map();
    }
  }
  // A gap reaching the window's end is filled only when it holds no frozen rows (a frozen run is not over yet).
  if (anchor && open.length > 0 && still.size === 0) gaps.push(gap(null));
  return gaps;
}

/** The first `maxHours` missing hours of the gaps (oldest first; an edge hour comes free with its gap): the gaps cut to fit, and how many hours were left over. */
export function boundGaps(gaps: Gap[], maxHours: number): { gaps: Gap[]; left: number } {
  const out: Gap[] = [];
  let room = Math.max(0, Math.floor(maxHours));
  let left = 0;
  for (const g of [...gaps].sort((a, b) => a.hours[0]! - b.hours[0]!)) {
    if (room >= g.hours.length) {
      out.push(g);
      room -= g.hours.length;
    } else {
      // A cut gap continues later from its last filled hour; its `next` is not adjacent any more.
      if (room > 0) out.push({ ...g, hours: g.hours.slice(0, room) });
      left += g.hours.length - room;
      room = 0;
    }
  }
  return { gaps: out, left };
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/** What filling one gap gives: the rows to import, and for its frozen rows which were right already. */
export interface GapFill {
  rows: EnergyHour[];
  /** Frozen rows raised to the last filled sum (no figure of their own yet): among `rows`, not filled from the meter. */
  raised: number[];
  /** Hours now as the meter says (each hour with a figure: rewritten, or found right), or on a mismatch the frozen
   *  hours left for good: a row of theirs that does not move is no frozen hour for a later run. */
  confirmed: number[];
  /** The profile's energy for the frozen run does not fit in the jump after it: nothing rewritten. */
  mismatch: boolean;
}

/** The rows that fill `gap` from the meter's hourly energies (kWh by hour start; null/absent = the meter has no
 *  complete figure for that hour). Filling stops at the first hour without a figure: the rest stays missing (and
 *  the sum stays continuous; frozen rows there are raised to the last filled sum). */
export function fillGap(gap: Gap, energyKwh: Map<number, number | null>): GapFill {
  const out: EnergyHour[] = [];
  const frozen = gap.frozen ?? new Map<number, { state: number; sum: number }>();
  const figure = (h: number): number | null => {
    const e = energyKwh.get(h);
    return e === null || e === undefined || !Number.isFinite(e) || e < 0 ? null : e;
  };
  if (frozen.size > 0 && gap.next) {
    // The energy the meter gives the run (edge included) must be in the jump: at most the sum gained from the anchor
    // to the row after, up to rounding (whole register units, three decimals).
    let total = 0;
    for (const h of gap.edge ? [gap.edge.start, ...gap.hours] : gap.hours) {
      const e = figure(h);
      if (e === null) {
        if (h === gap.edge?.start) continue;
        break;
      }
      total += e;
    }
    const jump = gap.next.sum - gap.anchor.sum;
    if (total > jump * 1.005 + 0.002) return { rows: [], raised: [], confirmed: [...frozen.keys()], mismatch: true };
  }
  let sum = gap.anchor.sum;
  let state = gap.anchor.state;
  let last = { sum, state };
  const confirmed: number[] = [];
  const add = (h: number, e: number): EnergyHour => {
    sum += e;
    state += e;
    const row = { start: h, sum: round3(sum), state: round3(state) };
    if (gap.next) {
      row.sum = Math.min(row.sum, gap.next.sum);
      row.state = Math.min(row.state, gap.next.state);
    }
    last = row;
    return row;
  };
  const same = (a: { sum: number; state: number }, b: { sum: number; state: number }) => Math.abs(a.sum - b.sum) < SAME && Math.abs(a.state - b.state) < SAME;
  if (gap.edge) {
    const e = figure(gap.edge.start);
    if (e === null) {
      // No figure for the edge: continue from its row as it is.
      sum = gap.edge.sum;
      state = gap.edge.state;
      last = { sum, state };
    } else {
      const row = add(gap.edge.start, e);
      // Rewritten only when the meter says otherwise (a second run finds it right and leaves it).
      if (!same(row, gap.edge)) out.push(row);
      confirmed.push(gap.edge.start);
    }
  }
  const done = new Set<number>();
  for (const h of gap.hours) {
    const e = figure(h);
    if (e === null) break;
    const row = add(h, e);
    done.add(h);
    confirmed.push(h);
    const had = frozen.get(h);
    if (!had || !same(row, had)) out.push(row); // a frozen row the meter agrees with is right: it stays
  }
  // Frozen rows the filling did not reach stay below the filled sums no more: raised to the last one.
  const raised: number[] = [];
  for (const [h, r] of [...frozen.entries()].sort((a, b) => a[0] - b[0])) {
    if (done.has(h) || r.sum >= last.sum - SAME) continue;
    out.push({ start: h, sum: last.sum, state: Math.max(r.state, last.state) });
    raised.push(h);
  }
  return { rows: out, raised, confirmed, mismatch: false };
}

/** The rows that fill `gap` (fillGap's rows). */
export function gapRows(gap: Gap, energyKwh: Map<number, number | null>): EnergyHour[] {
  return fillGap(gap, energyKwh).rows;
}

/** Every hour the gaps need a figure for (edges included), ascending, distinct. */
export function hoursNeeded(gaps: Gap[]): number[] {
  return [...new Set(gaps.flatMap((g) => (g.edge ? [g.edge.start, ...g.hours] : g.hours)))].sort((a, b) => a - b);
}
