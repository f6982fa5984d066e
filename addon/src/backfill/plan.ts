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
}

const numeric = (r: StatisticRow): r is StatisticRow & { state: number; sum: number } =>
  typeof r.state === 'number' && Number.isFinite(r.state) && typeof r.sum === 'number' && Number.isFinite(r.sum);

/** The gaps of `rows` (one statistic, hourly) among the hours in [from, to), skipping hours before `notBefore`.
 *  A gap needs a row before it to continue from: hours before the statistic's first row in the window are not gaps
 *  (the caller asks from early enough). Rows without numbers count as missing. */
export function findGaps(rows: StatisticRow[], from: number, to: number, notBefore = -Infinity): Gap[] {
  const byHour = new Map<number, StatisticRow & { state: number; sum: number }>();
  for (const r of rows) if (numeric(r) && r.start % HOUR_MS === 0) byHour.set(r.start, r);
  const gaps: Gap[] = [];
  let anchor: Gap['anchor'] | null = null;
  let before: Gap['anchor'] | null = null;
  let open: number[] = [];
  const gap = (next: Gap['next']): Gap => {
    const a = anchor!;
    const edged = before !== null && before.start === a.start - HOUR_MS && a.start >= notBefore;
    return { anchor: edged ? before! : a, edge: edged ? a : null, hours: open, next };
  };
  for (let h = from; h < to; h += HOUR_MS) {
    const row = byHour.get(h);
    if (row) {
      if (anchor && open.length > 0) gaps.push(gap({ start: row.start, state: row.state, sum: row.sum }));
      // The row before this one, when it is the hour just before (a candidate anchor for this one as an edge).
      before = anchor && anchor.start === h - HOUR_MS ? anchor : null;
      open = [];
      anchor = { start: row.start, state: row.state, sum: row.sum };
    } else if (anchor && h >= notBefore) {
      open.push(h);
    } else if (anchor) {
      // An hour given up on (older than the meter's memory): the gap cannot be filled continuously past it.
      anchor = null;
      before = null;
      open = [];
    }
  }
  if (anchor && open.length > 0) gaps.push(gap(null));
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

/** The rows that fill `gap` from the meter's hourly energies (kWh by hour start; null/absent = the meter has no
 *  complete figure for that hour). Filling stops at the first hour without a figure: the rest stays missing (and
 *  the sum stays continuous). */
export function gapRows(gap: Gap, energyKwh: Map<number, number | null>): EnergyHour[] {
  const out: EnergyHour[] = [];
  const figure = (h: number): number | null => {
    const e = energyKwh.get(h);
    return e === null || e === undefined || !Number.isFinite(e) || e < 0 ? null : e;
  };
  let sum = gap.anchor.sum;
  let state = gap.anchor.state;
  const add = (h: number, e: number): EnergyHour => {
    sum += e;
    state += e;
    const row = { start: h, sum: round3(sum), state: round3(state) };
    if (gap.next) {
      row.sum = Math.min(row.sum, gap.next.sum);
      row.state = Math.min(row.state, gap.next.state);
    }
    return row;
  };
  if (gap.edge) {
    const e = figure(gap.edge.start);
    if (e === null) {
      // No figure for the edge: continue from its row as it is.
      sum = gap.edge.sum;
      state = gap.edge.state;
    } else {
      const row = add(gap.edge.start, e);
      // Rewritten only when the meter says otherwise (a second run finds it right and leaves it).
      if (Math.abs(row.sum - gap.edge.sum) > 0.0005 || Math.abs(row.state - gap.edge.state) > 0.0005) out.push(row);
    }
  }
  for (const h of gap.hours) {
    const e = figure(h);
    if (e === null) break;
    out.push(add(h, e));
  }
  return out;
}

/** Every hour the gaps need a figure for (edges included), ascending, distinct. */
export function hoursNeeded(gaps: Gap[]): number[] {
  return [...new Set(gaps.flatMap((g) => (g.edge ? [g.edge.start, ...g.hours] : g.hours)))].sort((a, b) => a - b);
}
