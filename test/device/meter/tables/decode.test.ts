import { BT01, BT28 } from '../../../../device/src/meter/table-ids';
import { decodeError, decodeWith } from '../../../../device/src/meter/tables/decode';
import { decodeTable, TableContext } from '../../../../device/src/meter/tables';
import { syntheticTable } from './table-kit';

describe('[tables] decodeWith contract (spec §10)', () => {
  test('[tables] a short read becomes a DecodeError at the start of the field that ran short', () => {
    const r = decodeWith(BT28, new Uint8Array(6), (reader) => [reader.i32le(), reader.i32le()]);
    expect(r).toEqual({ ok: false, table: BT28, offset: 4, message: 'BT28 at offset 4: table too short (6 bytes)' });
  });

  test('[tables] a returned DecodeError passes through unchanged', () => {
    const err = decodeError(BT28, 3, 'bad');
    expect(decodeWith(BT28, new Uint8Array(6), () => err)).toBe(err);
  });

  test('[tables] any other exception is caught and reported at the reader position, never thrown', () => {
    const r = decodeWith(BT28, new Uint8Array(6), (reader) => {
      reader.u8();
      throw new Error('boom');
    });
    expect(r).toEqual({ ok: false, table: BT28, offset: 1, message: 'BT28 at offset 1: boom' });
    const s = decodeWith(BT28, new Uint8Array(0), () => {
      throw 'not an error';
    });
    expect(s).toMatchObject({ ok: false, offset: 0, message: 'BT28 at offset 0: decode failed' });
  });

  test('[tables] decodeTable tolerates a missing context object', () => {
    expect(decodeTable(BT01, syntheticTable('BT01'), undefined as unknown as TableContext).ok).toBe(true);
  });
});
