// This month's highest hourly averages (issue 13, capacity tariffs): the top three complete local hours by average
// import power, from the register (register-tracker.ts), never from power samples. Pure. Ties keep the earlier hour.
// Note: Norwegian and some Swedish tariffs average the highest hour of three different days; these are the three
// highest hours of the month whatever their day (the hours are given, so a user can see when two share a day).
export interface PeakHour {
  /** Epoch ms of the hour's local start. */
  start: number;
  /** Average import power over the hour, W (= the hour's energy in Wh). */
  w: number;
  /** A boundary of the hour fell into a silent stretch and was interpolated (register-tracker.ts). */
  estimated: boolean;
}

export interface MonthPeaks {
  /** Local 'YYYY-MM' the peaks belong to. */
  month: string;
  /** Highest first, at most PEAK_COUNT. */
  top: PeakHour[];
}

export const PEAK_COUNT = 3;

function ranksBefore(a: PeakHour, b: PeakHour): boolean {
  return a.w > b.w || (a.w === b.w && a.start < b.start);
}

/** `peaks` with one more complete hour of `month` considered. A new month starts clean; an hour of an earlier month
 *  (a late reading) is ignored; an hour already listed is replaced, not counted twice. */
export function addHour(peaks: MonthPeaks | null, month: string, hour: PeakHour, count = PEAK_COUNT): MonthPeaks {
  if (peaks !== null && month < peaks.month) return peaks;
  const base = peaks === null || peaks.month !== month ? [] : peaks.top.filter((p) => p.start !== hour.start);
  const top = base.slice();
  let i = 0;
  while (i < top.length && ranksBefore(top[i] as PeakHour, hour)) i++;
  top.splice(i, 0, hour);
  return { month, top: top.slice(0, count) };
}
