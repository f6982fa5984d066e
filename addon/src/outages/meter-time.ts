// The meter's local wall-clock times (ET81 logs outages in LOCAL time, guide p. 184) as instants, in a named IANA
// zone (Home Assistant's, like the usage figures: usage/local-time.ts). A wall time the zone shows twice (the hour
// DST repeats in autumn) has two instants, one it skips (spring) none: then the instant just after the gap.
import { offsetMs } from '../usage/local-time';

const DAY_MS = 86_400_000;

/** Every instant at which `zone`'s clock shows `wallMs` (a wall time read as if UTC), earliest first; never empty. */
export function instantsOf(wallMs: number, zone: string): number[] {
  // The offsets in force a day either side cover any transition near this wall time (zones change at most twice a year).
  const offsets = [...new Set([offsetMs(wallMs - DAY_MS, zone), offsetMs(wallMs, zone), offsetMs(wallMs + DAY_MS, zone)])];
  const out = [...new Set(offsets.map((o) => wallMs - o).filter((t) => t + offsetMs(t, zone) === wallMs))].sort((a, b) => a - b);
  if (out.length > 0) return out;
  // Skipped by DST: read with the offset before the change, which lands after the gap.
  return [wallMs - Math.min(...offsets)];
}

/** A local start and end as instants: the start at its earliest reading, the end at the earliest one not before it. */
export function spanOf(startWall: number, endWall: number, zone: string): { startMs: number; endMs: number } {
  const startMs = instantsOf(startWall, zone)[0]!;
  const ends = instantsOf(endWall, zone);
  return { startMs, endMs: ends.find((t) => t >= startMs) ?? ends[ends.length - 1]! };
}
