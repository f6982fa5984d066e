// Interval energies from the meter's energy register (issue 13: peaks "computed from the energy register so a missed
// reading cannot fake a peak"). Pure reducer: (state, reading) -> { state, closed intervals }.
//
// The register value at an interval boundary is interpolated linearly between the last reading before it and the
// first reading at or after it; an interval's energy is the difference of its two boundary values. Power samples
// are never used. Why interpolation rather than leaving a silent interval out:
//  * energy is conserved: the intervals' energies add up exactly to the register's rise, so today's and this month's
//    energy stay right across a silent module or an add-on restart;
//  * a missed reading can only move energy between the two intervals either side of the boundary it bracketed, by at
//    most the register's rise across the gap; it never adds energy, and a reading missed inside an interval changes
//    nothing at all;
//  * after an outage of whole hours, each of those hours gets the outage's average, which is never more than the
//    largest true hour inside it: the one huge hour that readers attributing the whole rise to the next reading show
//    cannot happen. Leaving those hours out would instead hide a real peak from a capacity-tariff user.
// An interval whose boundary fell into a gap longer than `estimateAfterMs` is flagged `estimated` (the panel and
// the HA attributes say so).
import { nextStart, startOf, Unit, UNITS } from './local-time';

/** One state message's registers: epoch ms of arrival, kWh import and (when the meter reports it) export. */
export interface Reading {
  t: number;
  importKwh: number;
  exportKwh: number | null;
}

/** The register at the start of the interval now running. */
export interface OpenInterval {
  start: number;
  importKwh: number;
  exportKwh: number | null;
  estimated: boolean;
}

export interface TrackerState {
  /** The zone the open intervals were laid out in. */
  zone: string;
  last: Reading | null;
  open: { [U in Unit]: OpenInterval | null };
}

export interface ClosedInterval {
  unit: Unit;
  start: number;
  end: number;
  importKwh: number;
  /** null when either boundary lacks an export register. */
  exportKwh: number | null;
  estimated: boolean;
}

export interface Advance {
  state: TrackerState;
  closed: ClosedInterval[];
  /** 'reset': the register went backwards (a replaced meter), or the clock did by more than CLOCK_STEP_MS (the
   *  system clock was corrected): tracking starts again from this reading. 'ignored': a reading not newer than the
   *  last one (a duplicate, or a small step back). */
  note?: 'reset' | 'ignored';
}

/** A reading this much older than the last one means the clock was set back: start again rather than ignore every
 *  reading until the clock catches up. */
export const CLOCK_STEP_MS = 10 * 60_000;

/** A gap between readings longer than this marks the boundaries inside it as estimated. */
export const DEFAULT_ESTIMATE_AFTER_MS = 5 * 60_000;

/** Register rounding (the module sends kWh with 3 decimals): differences are rounded to 1/1000 Wh. */
function round(kwh: number): number {
  return Math.round(kwh * 1e6) / 1e6;
}

export function emptyTracker(zone: string): TrackerState {
  return { zone, last: null, open: { quarter: null, hour: null, day: null, month: null } };
}

/** The register at instant b between readings a (before) and r (at or after). */
export function interpolate(a: Reading, r: Reading, b: number): { importKwh: number; exportKwh: number | null } {
  if (b >= r.t) return { importKwh: r.importKwh, exportKwh: r.exportKwh };
  const f = (b - a.t) / (r.t - a.t);
  return {
    importKwh: a.importKwh + (r.importKwh - a.importKwh) * f,
    exportKwh: a.exportKwh === null || r.exportKwh === null ? null : a.exportKwh + (r.exportKwh - a.exportKwh) * f,
  };
}

/** Open intervals laid out in another zone are dropped unless their start is also a boundary in `zone`. */
function rezoned(state: TrackerState, zone: string): TrackerState {
  if (state.zone === zone) return state;
  const open = { ...state.open };
  for (const unit of UNITS) {
    const o = open[unit];
    if (o && startOf(unit, o.start, zone) !== o.start) open[unit] = null;
  }
  return { ...state, zone, open };
}

export function advance(before: TrackerState, r: Reading, zone: string, estimateAfterMs = DEFAULT_ESTIMATE_AFTER_MS): Advance {
  const state = rezoned(before, zone);
  const a = state.last;
  if (a === null) return { state: { ...state, last: r, open: openAt(r, zone) }, closed: [] };
  if (r.t <= a.t - CLOCK_STEP_MS) return { state: { ...state, last: r, open: openAt(r, zone) }, closed: [], note: 'reset' };
  if (r.t <= a.t) return { state, closed: [], note: 'ignored' };
  const backwards = r.importKwh < a.importKwh || (a.exportKwh !== null && r.exportKwh !== null && r.exportKwh < a.exportKwh);
  if (backwards) return { state: { ...state, last: r, open: openAt(r, zone) }, closed: [], note: 'reset' };
  const estimated = r.t - a.t > estimateAfterMs;
  const open = { ...state.open };
  const closed: ClosedInterval[] = [];
  for (const unit of UNITS) {
    for (let b = nextStart(unit, a.t, zone); b <= r.t; b = nextStart(unit, b, zone)) {
      const v = interpolate(a, r, b);
      const guessed = estimated && b < r.t;
      const o = open[unit];
      if (o) {
        closed.push({
          unit, start: o.start, end: b, importKwh: round(v.importKwh - o.importKwh),
          exportKwh: o.exportKwh === null || v.exportKwh === null ? null : round(v.exportKwh - o.exportKwh),
          estimated: o.estimated || guessed,
        });
      }
      open[unit] = { start: b, importKwh: v.importKwh, exportKwh: v.exportKwh, estimated: guessed };
    }
  }
  closed.sort((x, y) => x.end - y.end || x.start - y.start);
  return { state: { ...state, last: r, open }, closed };
}

/** A first reading (or one after a reset) opens only the intervals it starts exactly. */
function openAt(r: Reading, zone: string): TrackerState['open'] {
  const open: TrackerState['open'] = { quarter: null, hour: null, day: null, month: null };
  for (const unit of UNITS) {
    if (startOf(unit, r.t, zone) === r.t) open[unit] = { start: r.t, importKwh: r.importKwh, exportKwh: r.exportKwh, estimated: false };
  }
  return open;
}

/** Energy of the interval now running up to the last reading, null when its start is unknown or `now` lies in a
 *  later interval (no reading since it began). */
export function runningEnergy(state: TrackerState, unit: Unit, now: number): { importKwh: number; exportKwh: number | null; start: number; last: number } | null {
  const o = state.open[unit];
  const last = state.last;
  if (!o || !last || startOf(unit, now, state.zone) !== o.start) return null;
  return {
    importKwh: round(last.importKwh - o.importKwh),
    exportKwh: o.exportKwh === null || last.exportKwh === null ? null : round(last.exportKwh - o.exportKwh),
    start: o.start,
    last: last.t,
  };
}

/** Average import power (W) of the interval now running, from its start to the last reading; null as above or when
 *  no time has passed yet. */
export function runningAverageW(state: TrackerState, unit: 'quarter' | 'hour', now: number): number | null {
  const e = runningEnergy(state, unit, now);
  if (!e || e.last <= e.start) return null;
  return Math.round((e.importKwh * 1000 * 3_600_000) / (e.last - e.start));
}

/** Average power (W) of a closed interval. */
export function averageW(i: ClosedInterval): number {
  return Math.round((i.importKwh * 1000 * 3_600_000) / (i.end - i.start));
}
