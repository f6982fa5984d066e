// Small field helpers shared by the table decoders (spec §8, §10). Bounded reads return null instead of running
// past the end, for the tables that are documented as "decode what is present" (ET13, ET50).
import { asciiOf, readI32le } from '../bytes';

/** Drops trailing spaces (ASCII fields are space-padded, and ByteReader.ascii turns NUL padding into spaces). */
export function trimEnd(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x20) end--;
  return text.substr(0, end);
}

export function bit(value: number, n: number): boolean {
  return ((value >> n) & 1) === 1;
}

/** A copy (not a view) so a decoded record never aliases a receive buffer that may be reused. */
export function copyBytes(data: Uint8Array, start: number, end: number): Uint8Array {
  const from = Math.min(Math.max(start, 0), data.length);
  const to = Math.min(Math.max(end, from), data.length);
  // Espruino 2v29: typed-array .slice() returns a plain Array (shared/espruino/README.md, known difference (a)).
  return new Uint8Array(data.subarray(from, to));
}

export function u8At(data: Uint8Array, at: number): number | null {
  return at >= 0 && at < data.length ? (data[at] as number) : null;
}

/** Big-endian UINT16, as the reference decodes ET03/ET11/ET13 words (spec §8, UNVERIFIED). */
export function u16beAt(data: Uint8Array, at: number): number | null {
  if (at < 0 || at + 2 > data.length) return null;
  return ((data[at] as number) << 8) | (data[at + 1] as number);
}

export function u16leAt(data: Uint8Array, at: number): number | null {
  if (at < 0 || at + 2 > data.length) return null;
  return (data[at] as number) | ((data[at + 1] as number) << 8);
}

export function i32leAt(data: Uint8Array, at: number): number | null {
  if (at < 0 || at + 4 > data.length) return null;
  return readI32le(data, at);
}

/** Fixed-width ASCII field, trailing padding trimmed; null unless the whole field is present. */
export function asciiAt(data: Uint8Array, at: number, width: number): string | null {
  if (at < 0 || at + width > data.length) return null;
  return trimEnd(asciiOf(data.subarray(at, at + width)));
}

/** Element k of a list of numbers, or null when the table has fewer elements. */
export function valueAt(values: number[], k: number): number | null {
  return k < values.length ? (values[k] as number) : null;
}

/** Per-phase triple [L1, L2, L3] from the values at indices ks; null unless all three are present. */
export function phasesAt(values: number[], ks: [number, number, number]): [number, number, number] | null {
  const n = values.length;
  if (ks[0] >= n || ks[1] >= n || ks[2] >= n) return null;
  return [values[ks[0]] as number, values[ks[1]] as number, values[ks[2]] as number];
}
