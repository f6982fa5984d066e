// This month's highest hourly averages (issue 13, capacity tariffs), from the register (register-tracker.ts), never
// from power samples. Pure. Ties keep the earlier hour. Two rankings: `top`, the three highest complete local hours
// whatever their day; `days`, the highest hour of each of the three highest days (Norwegian and some Swedish
// tariffs average the highest hour of three different days).
export interface PeakHour {
  /** Epoch ms of the hour's local start. */
  start: number;
  /** Average import power over the hour, W (= the hour's energy in Wh). */
  w: number;
  /** A boundary of the hour fell into a silent stretch and was interpolated (register-tracker.ts). */
  estimated: boolean;
}

/** A day's highest hour. */
export interface DayPeak extends PeakHour {
  /** Local 'YYYY-MM-DD' of the hour. */
  day: string;
}

export interface MonthPeaks {
  /** Local 'YYYY-MM' the peaks belong to. */
  month: string;
  /** Highest first, at most PEAK_COUNT. */
  top: PeakHour[];
  /** The highest hour of each of the highest days, highest first, at most PEAK_COUNT (absent in a usage.json from
   *  before: filled from the next hour on). */
  days?: DayPeak[];
}

export const PEAK_COUNT = 3;

function ranksBefore(a: PeakHour, b: PeakHour): boolean {
  return a.w > b.w || (a.w === b.w && a.start < b.start);
}

/** `peaks` with one more complete hour of `month` considered. A new month starts clean; an hour of an earlier month
 *  (a late reading) is ignored; an hour already listed is replaced, not counted twice. */
export function addHour(peaks: MonthPeaks | null, month: string, hour: PeakHour, count = PEAK_COUNT, day?: string): MonthPeaks {
  if (peaks !== null && month < peaks.month) return peaks;
  const same = peaks !== null && peaks.month === month;
  const top = ranked(same ? peaks.top.filter((p) => p.start !== hour.start) : [], hour, count);
  const out: MonthPeaks = { month, top };
  const days = same ? peaks.days ?? [] : [];
  out.days = day === undefined ? days : addDayPeak(days, { ...hour, day }, count);
  return out;
}

/** `list` with `hour` inserted in rank, cut to `count`. */
function ranked<P extends PeakHour>(list: P[], hour: P, count: number): P[] {
  const out = list.slice();
  let i = 0;
  while (i < out.length && ranksBefore(out[i] as P, hour)) i++;
  out.splice(i, 0, hour);
  return out.slice(0, count);
}

/** `days` with one more hour: it replaces its day's entry when it ranks higher (or is the same hour, read again).
 *  A day that fell off the list can only come back with a higher hour, so the top days stay exact. */
export function addDayPeak(days: DayPeak[], hour: DayPeak, count = PEAK_COUNT): DayPeak[] {
  const kept = days.filter((d) => d.start !== hour.start);
  const best = kept.find((d) => d.day === hour.day);
  if (best !== undefined && ranksBefore(best, hour)) return kept;
  return ranked(kept.filter((d) => d.day !== hour.day), hour, count);
}
