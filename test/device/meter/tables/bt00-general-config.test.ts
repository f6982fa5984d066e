import fc from 'fast-check';
import { ByteWriter } from '../../../../device/src/meter/bytes';
import { BT00 } from '../../../../device/src/meter/table-ids';
import {
  bt00Incompatibilities,
  decodeBt00,
  NI_FORMAT_INT32,
  TM_FORMAT_UINT8,
} from '../../../../device/src/meter/tables/bt00-general-config';
import { eachTruncation, expectError, expectNeverThrows, expectOverlongIgnored, ok } from './table-kit';

// No BT00 capture exists (spec §18 q9). This is the table spec §8 asks the simulator to provide: DATA_ORDER 0,
// TM_FORMAT 2, NI_FORMAT1 = NI_FORMAT2 = 8, laid out per ANSI C12.19 (3 format bytes + 16 header bytes).
function simBt00(fc1: number, fc2: number, fc3: number): Uint8Array {
  const w = new ByteWriter();
  w.u8(fc1).u8(fc2).u8(fc3);
  w.bytes(new Uint8Array([0x4e, 0x45, 0x53, 0x20])); // DEVICE_CLASS
  for (let i = 0; i < 12; i++) w.u8(i + 1); // NAMEPLATE_TYPE .. NBR_PENDING
  return w.toBytes();
}
const CHAR_ISO_8859_1 = 2 << 1;
const SIM = simBt00(CHAR_ISO_8859_1, TM_FORMAT_UINT8, (NI_FORMAT_INT32 << 4) | NI_FORMAT_INT32);

describe('[BT00] general configuration (spec §8)', () => {
  test('[BT00] decodes the format-control bits of the simulator table', () => {
    const v = ok(decodeBt00(SIM));
    expect(v).toMatchObject({ dataOrder: 0, charFormat: 2, modelSelect: 0, tmFormat: 2, niFormat1: 8, niFormat2: 8 });
    expect(v.header).toEqual({
      deviceClassHex: '4e455320',
      nameplateType: 1,
      defaultSetUsed: 2,
      maxProcParmLength: 3,
      maxRespDataLen: 4,
      stdVersionNo: 5,
      stdRevisionNo: 6,
      dimStdTblsUsed: 7,
      dimMfgTblsUsed: 8,
      dimStdProcUsed: 9,
      dimMfgProcUsed: 10,
      dimMfgStatusUsed: 11,
      nbrPending: 12,
    });
    expect(bt00Incompatibilities(v)).toEqual([]);
  });

  test('[BT00] splits every C12.19 bit field', () => {
    // fc1: DATA_ORDER 1, CHAR_FORMAT 5, MODEL_SELECT 6; fc2: TM 4, ACCESS 3, ID_FORM 1, INT 2; fc3: NI1 1, NI2 9
    const v = ok(decodeBt00(new Uint8Array([1 | (5 << 1) | (6 << 4), 4 | (3 << 3) | (1 << 5) | (2 << 6), 1 | (9 << 4)])));
    expect(v).toEqual({
      dataOrder: 1,
      charFormat: 5,
      modelSelect: 6,
      tmFormat: 4,
      dataAccessMethod: 3,
      idForm: 1,
      intFormat: 2,
      niFormat1: 1,
      niFormat2: 9,
      header: null,
    });
    expect(bt00Incompatibilities(v)).toHaveLength(4);
  });

  test('[BT00] truncated: < 3 bytes is an error at the missing byte, 3..18 bytes decode without the header', () => {
    eachTruncation(decodeBt00, SIM, (len, r) => {
      if (len < 3) return expectError(r, BT00, len);
      expect(ok(r).header).toBeNull();
      expect(ok(r).niFormat1).toBe(8);
    });
  });

  test('[BT00] over-long input: trailing bytes (the table/procedure sets) are ignored', () => {
    expectOverlongIgnored(decodeBt00, SIM);
  });

  test('[BT00] random bytes never throw', () => {
    expectNeverThrows((d) => decodeBt00(d), fc.constant(undefined));
  });
});
