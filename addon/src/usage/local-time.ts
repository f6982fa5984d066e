// Local calendar arithmetic in a named IANA time zone (issue 13: capacity tariffs count local hours, days and
// months). Pure apart from Intl, which Node ships with full ICU. Quarter hours are aligned to UTC quarters: every time
// zone in use today has an offset that is a multiple of 15 minutes (e.g. +05:45), so a local quarter is a UTC
// quarter. Hours, days and months follow the zone's offset at that instant, so DST days have 23 or 25 hours.
export type Unit = 'quarter' | 'hour' | 'day' | 'month';

export const UNITS: readonly Unit[] = ['quarter', 'hour', 'day', 'month'];

const QUARTER_MS = 15 * 60_000;
const HOUR_MS = 60 * 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** true for a zone name Intl knows ("Europe/Copenhagen", "UTC"). */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone of this process (the TZ environment variable, else the system's; the Supervisor sets TZ to Home
 *  Assistant's zone in add-on containers). */
export function systemTimeZone(): string {
  // Asked once: a new Intl.DateTimeFormat costs ~0.1 ms, and every meter view asks (200 meters reporting each second
  // spent half a core here). A process's zone does not change while it runs.
  if (processZone === null) processZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  return processZone;
}
let processZone: string | null = null;

interface Wall {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall clock in `zone` at instant `t` (epoch ms). */
export function wallClock(t: number, zone: string): Wall {
  const parts = formatter(zone).formatToParts(new Date(t));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** Offset of `zone` from UTC at instant `t`, in ms (+3,600,000 for Copenhagen in winter). */
export function offsetMs(t: number, zone: string): number {
  const w = wallClock(t, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(t / 1000) * 1000;
}

/** The instant of local midnight starting the given local date (month may be 13 = January next year). A midnight
 *  that DST skips resolves to the first instant of that day. */
function localMidnight(year: number, month: number, day: number, zone: string): number {
  const wall = Date.UTC(year, month - 1, day);
  let t = wall - offsetMs(wall, zone);
  t = wall - offsetMs(t, zone);
  return t;
}

/** Start (epoch ms) of the local `unit` that contains instant `t`. */
export function startOf(unit: Unit, t: number, zone: string): number {
  switch (unit) {
    case 'quarter':
      return Math.floor(t / QUARTER_MS) * QUARTER_MS;
    case 'hour': {
      const local = t + offsetMs(t, zone);
      return t - (((local % HOUR_MS) + HOUR_MS) % HOUR_MS);
    }
    case 'day': {
      const w = wallClock(t, zone);
      return localMidnight(w.year, w.month, w.day, zone);
    }
    case 'month': {
      const w = wallClock(t, zone);
      return localMidnight(w.year, w.month, 1, zone);
    }
  }
}

/** The first boundary of `unit` strictly after instant `t`. */
export function nextStart(unit: Unit, t: number, zone: string): number {
  const start = startOf(unit, t, zone);
  switch (unit) {
    case 'quarter':
      return start + QUARTER_MS;
    case 'hour':
      return startOf('hour', start + HOUR_MS + 1000, zone);
    case 'day':
      return startOf('day', start + 36 * HOUR_MS, zone); // a local day lasts 23 to 25 hours
    case 'month': {
      const w = wallClock(start + 12 * HOUR_MS, zone);
      return localMidnight(w.year, w.month + 1, 1, zone);
    }
  }
}

/** Local 'YYYY-MM' of instant `t`. */
export function monthKey(t: number, zone: string): string {
  const w = wallClock(t, zone);
  return `${w.year}-${String(w.month).padStart(2, '0')}`;
}

/** Local 'YYYY-MM-DD' of instant `t`. */
export function dayKey(t: number, zone: string): string {
  const w = wallClock(t, zone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** ISO 8601 with the zone's offset, e.g. 2026-12-03T18:00:00+01:00 (what the panel and HA attributes show). */
export function localIso(t: number, zone: string): string {
  const w = wallClock(t, zone);
  const off = Math.round(offsetMs(t, zone) / 60_000);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${w.year}-${two(w.month)}-${two(w.day)}T${two(w.hour)}:${two(w.minute)}:${two(w.second)}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}
