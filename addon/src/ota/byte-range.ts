// The Range header of a package download (RFC 9110 §14.2): one "bytes" range is served as 206; what we cannot or
// need not honour (other units, several ranges, bad syntax) is ignored and the whole file sent, as §14.2 allows;
// a range that starts past the end is 416 (§15.5.17).

export type RangeAnswer =
  | { type: 'full' }
  | { type: 'partial'; start: number; end: number }
  | { type: 'unsatisfiable' };

const FULL: RangeAnswer = { type: 'full' };
const UNSATISFIABLE: RangeAnswer = { type: 'unsatisfiable' };

function position(text: string): number | null {
  if (!/^\d{1,15}$/.test(text)) return null;
  return Number(text);
}

/** What to send for `header` on a file of `size` bytes; `end` is inclusive. */
export function parseRange(header: string | undefined, size: number): RangeAnswer {
  if (header === undefined) return FULL;
  const m = /^\s*bytes\s*=\s*(.*?)\s*$/i.exec(header);
  if (!m) return FULL;
  const spec = m[1] as string;
  if (spec.includes(',')) return FULL;
  const dash = spec.indexOf('-');
  if (dash < 0) return FULL;
  const first = spec.slice(0, dash).trim();
  const last = spec.slice(dash + 1).trim();
  if (first === '') {
    // Suffix range: the last N bytes.
    const n = position(last);
    if (n === null) return FULL;
    if (n === 0 || size === 0) return UNSATISFIABLE;
    return { type: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = position(first);
  if (start === null) return FULL;
  const end = last === '' ? Number.MAX_SAFE_INTEGER : position(last);
  if (end === null || end < start) return FULL;
  if (start >= size) return UNSATISFIABLE;
  return { type: 'partial', start, end: Math.min(end, size - 1) };
}
