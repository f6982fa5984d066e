// A small JSON record kept in two alternating Storage files (`<base>0`, `<base>1`), each carrying a sequence number:
// readers take the parseable one with the higher sequence, writers replace the other one. A power cut while a
// record is written (espruino.md §2.2: replacing a file erases it first) therefore always leaves the previous
// record readable: the switch to a new record is atomic. Used for the boot record (which app slot runs) and the web
// bundle pointer. Written in the subset the boot loader can afford (no HAL; plain read/write functions).

export interface Sequenced {
  /** Sequence number, grows by one per write. */
  s: number;
}

export type ReadText = (name: string) => string | null | undefined;
export type WriteText = (name: string, text: string) => unknown;

function parse<T extends Sequenced>(text: string | null | undefined): T | null {
  if (!text) return null;
  try {
    const r = JSON.parse(text) as T;
    return r && typeof r === 'object' && typeof r.s === 'number' ? r : null;
  } catch {
    return null; // torn write: 0xFF bytes or a cut-off JSON text
  }
}

/** The newest valid record and the file it came from, or null when neither file holds one. */
export function readRecord<T extends Sequenced>(read: ReadText, base: string): { record: T; file: string } | null {
  const a = parse<T>(read(base + '0'));
  const b = parse<T>(read(base + '1'));
  if (a && (!b || a.s > b.s)) return { record: a, file: base + '0' };
  return b ? { record: b, file: base + '1' } : null;
}

/** Writes `record` with the next sequence number into the file that does not hold the newest record. */
export function writeRecord<T extends Sequenced>(read: ReadText, write: WriteText, base: string, record: T): boolean {
  const current = readRecord<T>(read, base);
  record.s = current ? current.record.s + 1 : 1;
  const file = current && current.file === base + '0' ? base + '1' : base + '0';
  return write(file, JSON.stringify(record)) !== false;
}
