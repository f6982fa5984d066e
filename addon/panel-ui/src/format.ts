// Number and time formatting for the readings (units as in discovery/entities.ts).

export function fixed(value: number | undefined, decimals: number, unit: string): string {
  return value === undefined ? '–' : `${value.toFixed(decimals)} ${unit}`.trim();
}

/** Watts, switching to kW from 10 kW on ("1234 W", "12.3 kW"). */
export function watts(value: number): string {
  return Math.abs(value) >= 10000 ? `${(value / 1000).toFixed(1)} kW` : `${Math.round(value)} W`;
}

export function ago(epochMs: number | null, now: number = Date.now()): string {
  if (epochMs === null) return 'never';
  const s = Math.max(0, Math.round((now - epochMs) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

export function bytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(2)} MB`;
}

/** A figure that may be unknown (null) or not sent at all by an older add-on (undefined): "—" then. */
export const UNKNOWN = '—';

export function orUnknown(value: number | null | undefined, text: (v: number) => string): string {
  return typeof value === 'number' && Number.isFinite(value) ? text(value) : UNKNOWN;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A peak hour's local start as the add-on wrote it ("2026-12-03T18:00:00+01:00") → "3 Dec, 18:00–19:00", in the
 *  wall-clock time of the string itself (Home Assistant's time zone), whatever the browser's zone. */
export function hourSpan(iso: string): string {
  const m = /^\d{4}-(\d{2})-(\d{2})T(\d{2}):/.exec(iso);
  const month = m ? MONTHS[Number(m[1]) - 1] : undefined;
  if (!m || !month) return iso;
  const h = Number(m[3]);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${Number(m[2])} ${month}, ${two(h)}:00–${two((h + 1) % 24)}:00`;
}
