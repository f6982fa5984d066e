// Home Assistant Core version strings ("2026.3.0", "2025.12.0b3", "2026.4.0.dev20260301"): calendar versioning,
// year.month first. Only the year and month decide the formats this add-on cares about (home-assistant.md §0 #14).

/** Year and month of a Core version, null if the string is not one. */
export function parseHaVersion(version: string): { year: number; month: number } | null {
  const match = /^(\d{4})\.(\d{1,2})(?:\D|$)/.exec(version);
  if (match === null) return null;
  return { year: Number(match[1]), month: Number(match[2]) };
}

/** True when `version` is year.month or newer; an unparseable version counts as the newest. */
export function atLeastVersion(version: string, year: number, month: number): boolean {
  const parsed = parseHaVersion(version);
  if (parsed === null) return true;
  return parsed.year > year || (parsed.year === year && parsed.month >= month);
}
