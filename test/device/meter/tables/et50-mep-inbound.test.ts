import fc from 'fast-check';
import { asciiOf, ByteWriter, toHex } from '../../../../device/src/meter/bytes';
import { BT08, ET50, ET59, ET85 } from '../../../../device/src/meter/table-ids';
import { decodeEt50, ET50_FLAGS_OFFSET, ET50_LENGTH, procedureResultTableFor } from '../../../../device/src/meter/tables/et50-mep-inbound';
import {
  eachTruncation,
  expectError,
  expectNeverThrows,
  expectOverlongIgnored,
  frame,
  ok,
  replyData,
  syntheticTable,
} from './table-kit';

/** A 68-byte ET50 laid out per spec §10.10 with recognisable little-endian words and longs. */
function et50(flags: number): Uint8Array {
  const w = new ByteWriter().ascii('MEP-ID', 30, 0).u8(flags);
  for (let i = 0; i < 6; i++) w.u16le(0x0100 + i);
  for (let i = 0; i < 6; i++) w.i32le(i % 2 ? -1000 * i : 1000 * i);
  return w.u8(0x5a).toBytes();
}

describe('[ET50] MEP inbound data space (spec §10.10)', () => {
  test('[ET50] decodes reply F016 to its "decoded" expectation (flags 0: EP39 results in BT08)', () => {
    const want = frame('F016').decoded;
    const data = replyData('F016');
    const v = ok(decodeEt50(data));
    expect(v.mepFlags).toBe(want.mep_flags);
    expect(v).toMatchObject({ complete: true, resultsInEt59: false, procedureResultTable: BT08, mepIconDisplayControl: 0 });
    expect(v.mepIdHex).toBe(toHex(data.slice(0, 30)));
    expect(asciiOf(data.slice(0, 16))).toBe('SYNTHETIC-MEP-ID');
    expect([v.iconDisplayControls, v.displayData]).toEqual([[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]]);
    expect(decodeEt50(syntheticTable('ET50'))).toEqual(decodeEt50(data));
  });

  test('[ET50] the flags byte is at offset 30, the byte the alert chain reads (F026/F027)', () => {
    expect(ET50_FLAGS_OFFSET).toBe(0x1e);
    expect(replyData('F027')[0]).toBe(ok(decodeEt50(replyData('F016'))).mepFlags);
  });

  test('[ET50] flag bit 1 ("ET59 Response") set: procedure results are read from ET59, not ET58 (guide p. 125)', () => {
    expect(ok(decodeEt50(et50(0x02)))).toMatchObject({ mepFlags: 2, resultsInEt59: true, procedureResultTable: ET59, registered: false });
    expect(ok(decodeEt50(et50(0xfd)))).toMatchObject({ resultsInEt59: false, procedureResultTable: BT08, registered: true });
  });

  test('[ET50] MEP2 (Gen 4) always reads its procedure results from ET85 (guide pp. 22–24, 186)', () => {
    expect([procedureResultTableFor(0, 2), procedureResultTableFor(2, 2)]).toEqual([ET85, ET85]);
    expect([procedureResultTableFor(0, 1), procedureResultTableFor(2, 1)]).toEqual([BT08, ET59]);
  });

  test('[ET50] words (31..42) and signed longs (43..66) are little-endian; icon control is byte 67', () => {
    const v = ok(decodeEt50(et50(0)));
    expect(v.iconDisplayControls).toEqual([0x100, 0x101, 0x102, 0x103, 0x104, 0x105]);
    expect(v.displayData).toEqual([0, -1000, 2000, -3000, 4000, -5000]);
    expect(v.mepIconDisplayControl).toBe(0x5a);
  });

  test('[ET50] truncated: < 31 bytes is an error at the ID or flags, shorter tables decode whole elements present', () => {
    const full = et50(2);
    expect(full).toHaveLength(ET50_LENGTH);
    eachTruncation(decodeEt50, full, (len, r) => {
      if (len < 31) return expectError(r, ET50, len < 30 ? 0 : 30);
      const v = ok(r);
      expect(v).toMatchObject({ complete: false, mepFlags: 2, procedureResultTable: ET59, mepIconDisplayControl: null });
      expect(v.iconDisplayControls).toHaveLength(Math.min(6, Math.floor((len - 31) / 2)));
      expect(v.displayData).toHaveLength(Math.max(0, Math.floor((len - 43) / 4)));
    });
  });

  test('[ET50] over-long input: trailing bytes are ignored', () => {
    expectOverlongIgnored(decodeEt50, replyData('F016'));
    expectOverlongIgnored(decodeEt50, et50(2));
  });

  test('[ET50] random bytes never throw', () => {
    expectNeverThrows((d) => decodeEt50(d), fc.constant(undefined), 120);
  });
});
