// One meter's usage figures (issue 13): register tracking, this month's peak hours, and the view the panel and the
// Home Assistant sensors show. Pure.
import { StatePayload } from '../../../discovery/contract';
import { MeterUsage } from '../backend';
import { dayKey, localIso, monthKey } from './local-time';
import { addHour, MonthPeaks, PeakHour } from './peaks';
import { advance, averageW, emptyTracker, Reading, runningAverageW, runningEnergy, TrackerState } from './register-tracker';

export interface MeterUsageState {
  tracker: TrackerState;
  peaks: MonthPeaks | null;
}

export function emptyUsage(zone: string): MeterUsageState {
  return { tracker: emptyTracker(zone), peaks: null };
}

/** The registers of a state message at arrival time `t`, or null when it carries no usable import register (the
 *  module publishes the register only once it has read it: entities.ts `register`). */
export function readingOf(state: StatePayload, t: number): Reading | null {
  const imp = state.energy_import;
  if (typeof imp !== 'number' || !Number.isFinite(imp) || imp <= 0) return null;
  const exp = state.energy_export;
  return { t, importKwh: imp, exportKwh: typeof exp === 'number' && Number.isFinite(exp) && exp >= 0 ? exp : null };
}

export interface UsageStep {
  state: MeterUsageState;
  /** Hours completed by this reading (for logs and tests). */
  hoursClosed: number;
  note?: 'reset' | 'ignored';
}

export function applyReading(s: MeterUsageState, reading: Reading, zone: string): UsageStep {
  const step = advance(s.tracker, reading, zone);
  let peaks = s.peaks;
  let hoursClosed = 0;
  for (const c of step.closed) {
    if (c.unit !== 'hour') continue;
    hoursClosed++;
    peaks = addHour(peaks, monthKey(c.start, zone), { start: c.start, w: averageW(c), estimated: c.estimated }, undefined, dayKey(c.start, zone));
  }
  const out: UsageStep = { state: { tracker: step.state, peaks }, hoursClosed };
  if (step.note) out.note = step.note;
  return out;
}

function kwh(v: number | null | undefined): number | null {
  return v === null || v === undefined ? null : Math.round(v * 1000) / 1000;
}

/** What is known at instant `now` (null members when unknown). */
export function usageView(s: MeterUsageState | null, now: number, zone: string): MeterUsage {
  if (s === null) {
    return { today: { importKwh: null, exportKwh: null }, month: { importKwh: null, exportKwh: null }, quarterHourW: null, hourW: null, monthPeaks: [], monthPeakDays: [] };
  }
  const day = runningEnergy(s.tracker, 'day', now);
  const month = runningEnergy(s.tracker, 'month', now);
  const thisMonth = s.peaks !== null && s.peaks.month === monthKey(now, zone) ? s.peaks : null;
  const current = thisMonth ? thisMonth.top : [];
  const shown = (p: PeakHour) => (p.estimated ? { hour: localIso(p.start, zone), w: p.w, estimated: true } : { hour: localIso(p.start, zone), w: p.w });
  return {
    today: { importKwh: kwh(day?.importKwh), exportKwh: kwh(day?.exportKwh) },
    month: { importKwh: kwh(month?.importKwh), exportKwh: kwh(month?.exportKwh) },
    quarterHourW: runningAverageW(s.tracker, 'quarter', now),
    hourW: runningAverageW(s.tracker, 'hour', now),
    monthPeaks: current.map(shown),
    monthPeakDays: (thisMonth?.days ?? []).map(shown),
  };
}
