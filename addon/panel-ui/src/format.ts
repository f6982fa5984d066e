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
