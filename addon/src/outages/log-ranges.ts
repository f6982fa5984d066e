// Where the newest records of a circular log lie (pure): ET81 and BT74 keep their records in a ring whose header names
// the newest one ("Last Entry Element", guide pp. 185, 241), so the n newest are the elements lastEntry, lastEntry − 1,
// … wrapping to the end. The ring's size is not in the header: a ring that wrapped is full (its valid entries are its
// capacity), one that did not holds its records from element 0 to lastEntry, so max(valid, lastEntry + 1) serves when
// nothing better is known. The ranges are partial reads of at most `maxCount` bytes (465: guide p. 8).

export interface ByteRange {
  offset: number;
  count: number;
}

/** The ring's size as far as the header tells it. */
export function ringSize(validEntries: number, lastEntry: number): number {
  return validEntries === 0 ? 0 : Math.max(validEntries, lastEntry + 1);
}

/** Byte ranges (ascending offsets) holding the `n` newest of `validEntries` records. */
export function newestRanges(lastEntry: number, capacity: number, n: number, headerSize: number, entrySize: number, maxCount: number): ByteRange[] {
  if (n <= 0 || capacity <= 0) return [];
  const take = Math.min(n, capacity);
  // Element runs: [lastEntry − take + 1, lastEntry], or that and a run at the end of the ring when it wraps.
  const runs: [number, number][] = [];
  if (take <= lastEntry + 1) runs.push([lastEntry - take + 1, lastEntry]);
  else {
    runs.push([capacity - (take - lastEntry - 1), capacity - 1]);
    runs.push([0, lastEntry]);
  }
  const per = Math.max(1, Math.floor(maxCount / entrySize));
  const out: ByteRange[] = [];
  for (const [first, last] of runs.sort((a, b) => a[0] - b[0])) {
    for (let e = first; e <= last; e += per) {
      const k = Math.min(per, last - e + 1);
      out.push({ offset: headerSize + e * entrySize, count: k * entrySize });
    }
  }
  return out;
}
