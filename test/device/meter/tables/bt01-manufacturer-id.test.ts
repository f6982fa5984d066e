import fc from 'fast-check';
import { BT01 } from '../../../../device/src/meter/table-ids';
import { BT01_LENGTH, BT01_MIN_LENGTH, decodeBt01 } from '../../../../device/src/meter/tables/bt01-manufacturer-id';
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

describe('[BT01] general manufacturer identification (spec §10.1)', () => {
  test('[BT01] decodes reply F006 to its "decoded" expectation', () => {
    const want = frame('F006').decoded;
    expect(ok(decodeBt01(replyData('F006')))).toEqual({
      manufacturer: want.manufacturer,
      model: want.model,
      hwVersion: want.hw_version,
      hwRevision: want.hw_revision,
      fwVersion: want.fw_version,
      fwRevision: want.fw_revision,
      mfgSerial: want.mfg_serial,
    });
  });

  test('[BT01] the synthetic table is the F006 data', () => {
    expect(decodeBt01(syntheticTable('BT01'))).toEqual(decodeBt01(replyData('F006')));
    expect(syntheticTable('BT01')).toHaveLength(BT01_LENGTH);
  });

  test('[BT01] trims trailing spaces and NUL padding of model and serial, not of the manufacturer', () => {
    const data = new Uint8Array(32).fill(0x20);
    data.set([0x45, 0x4c, 0x4f, 0x4e], 0); // "ELON"
    data.set([0x4d, 0x31, 0, 0], 4); // "M1" + NUL padding
    data.set([0x53, 0x4e], 16); // "SN"
    const v = ok(decodeBt01(data));
    expect([v.manufacturer, v.model, v.mfgSerial]).toEqual(['ELON', 'M1', 'SN']);
  });

  test('[BT01] truncated: < 16 bytes is an error at the field that runs short; 16..31 decode without serial', () => {
    const full = replyData('F006');
    const complete = ok(decodeBt01(full));
    eachTruncation(decodeBt01, full, (len, r) => {
      if (len < 4) return expectError(r, BT01, 0); // MANUFACTURER (4) at 0
      if (len < 12) return expectError(r, BT01, 4); // ED_MODEL (8) at 4
      if (len < BT01_MIN_LENGTH) return expectError(r, BT01, len); // one-byte version fields
      expect(ok(r)).toEqual({ ...complete, mfgSerial: null });
    });
  });

  test('[BT01] over-long input: trailing bytes are ignored', () => {
    expectOverlongIgnored(decodeBt01, replyData('F006'));
  });

  test('[BT01] random bytes never throw', () => {
    expectNeverThrows((d) => decodeBt01(d), fc.constant(undefined));
  });
});
