// Shared helpers for the table decoder tests: vectors from shared/vectors/frames.json, table data extracted from
// reply frames with parseReply (spec §3.2), and the truncation / over-long / random-bytes checks every decoder gets.
import fc from 'fast-check';
import { concatBytes } from '../../../../device/src/meter/bytes';
import { parseReply } from '../../../../device/src/meter/frame';
import { Decoded } from '../../../../device/src/meter/tables/decode';
import { hex, loadVectors, toHexString } from '../../../helpers/vectors';

export const vectors = loadVectors('frames.json');

export function frame(id: string): any {
  const all = vectors.synthetic_frames.concat(vectors.captured_frames);
  const f = all.find((x: any) => x.id === id);
  if (!f) throw new Error(`no frame ${id}`);
  return f;
}

/** The COUNT bytes of table data of a read reply frame, cut by parseReply (never by hand). */
export function replyData(id: string): Uint8Array {
  const f = frame(id);
  const parsed = parseReply(hex(f.hex));
  if (!parsed.ok) throw new Error(`${id}: ${parsed.message}`);
  const data = parsed.reply.data;
  if (!data) throw new Error(`${id} carries no table data`);
  if (f.table_data_hex !== undefined && toHexString(data) !== f.table_data_hex) throw new Error(`${id}: data mismatch`);
  return data;
}

export function syntheticTable(name: string): Uint8Array {
  const t = vectors.synthetic_tables[name];
  if (t === undefined) throw new Error(`no synthetic table ${name}`);
  return hex(t);
}

/** The value of an ok result; fails the test with the DecodeError message otherwise. */
export function ok<T>(r: Decoded<T>): T {
  if (!r.ok) throw new Error(`expected a decoded value, got: ${r.message}`);
  return r.value;
}

export function expectError<T>(r: Decoded<T>, table: number, offset?: number): void {
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.table).toBe(table);
  if (offset !== undefined) expect(r.offset).toBe(offset);
}

/** Messages that would mean a decoder bug surfaced as an exception (decodeWith turns any throw into an error). */
const BUG_MESSAGE = /TypeError|RangeError|is not a function|Cannot read|undefined|NaN/;

/** A result is either a value, or an error at an offset inside the data that is not a disguised exception. */
export function expectWellFormed(r: Decoded<unknown>, length: number): void {
  if (r.ok) return;
  expect(r.offset).toBeGreaterThanOrEqual(0);
  expect(r.offset).toBeLessThanOrEqual(length);
  expect(r.message).not.toMatch(BUG_MESSAGE);
}

/** Calls check(len, result) for every prefix length 0..full.length-1; decoding must never throw. */
export function eachTruncation<T>(
  decode: (d: Uint8Array) => Decoded<T>,
  full: Uint8Array,
  check: (len: number, r: Decoded<T>) => void,
): void {
  for (let len = 0; len < full.length; len++) {
    const cut = full.slice(0, len);
    let r: Decoded<T> | undefined;
    expect(() => {
      r = decode(cut);
    }).not.toThrow();
    expectWellFormed(r as Decoded<T>, len);
    check(len, r as Decoded<T>);
  }
}

/** Trailing bytes after the table are ignored: same decoded value as the exact table. */
export function expectOverlongIgnored<T>(decode: (d: Uint8Array) => Decoded<T>, full: Uint8Array): void {
  const extra = new Uint8Array(37).fill(0xa5);
  expect(decode(concatBytes(full, extra))).toEqual(decode(full));
}

/** Random bytes of random length (and a random context, if given) never throw and give well-formed results. */
export function expectNeverThrows<C>(
  decode: (d: Uint8Array, ctx: C) => Decoded<unknown>,
  ctxArb: fc.Arbitrary<C>,
  maxLength?: number,
): void {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: maxLength || 600 }), ctxArb, (data, ctx) => {
      const r = decode(data, ctx);
      expectWellFormed(r, data.length);
    }),
    { numRuns: 400 },
  );
}

/** BT21 dimensions with every count 0..255 and random flags. */
export const bt21Arb = fc.record({
  regFunc1Flags: fc.integer({ min: 0, max: 255 }),
  nbrSummations: fc.integer({ min: 0, max: 255 }),
  nbrDemands: fc.integer({ min: 0, max: 255 }),
  nbrCoinValues: fc.integer({ min: 0, max: 255 }),
  nbrOccur: fc.integer({ min: 0, max: 255 }),
  nbrTiers: fc.integer({ min: 0, max: 255 }),
  nbrPresentDemands: fc.integer({ min: 0, max: 255 }),
  nbrPresentValues: fc.integer({ min: 0, max: 255 }),
});

/** Small dimensions too, so the full-table paths are reached with random data. */
export const smallBt21Arb = fc.record({
  regFunc1Flags: fc.integer({ min: 0, max: 255 }),
  nbrSummations: fc.integer({ min: 0, max: 4 }),
  nbrDemands: fc.integer({ min: 0, max: 2 }),
  nbrCoinValues: fc.integer({ min: 0, max: 2 }),
  nbrOccur: fc.integer({ min: 0, max: 2 }),
  nbrTiers: fc.integer({ min: 0, max: 3 }),
  nbrPresentDemands: fc.integer({ min: 0, max: 3 }),
  nbrPresentValues: fc.integer({ min: 0, max: 20 }),
});
