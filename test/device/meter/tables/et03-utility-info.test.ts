import fc from 'fast-check';
import { concatBytes } from '../../../../device/src/meter/bytes';
import { ET03 } from '../../../../device/src/meter/table-ids';
import { decodeEt03, ET03_REFERENCE_LENGTH } from '../../../../device/src/meter/tables/et03-utility-info';
import { eachTruncation, expectError, expectNeverThrows, frame, ok, replyData, syntheticTable } from './table-kit';

describe('[ET03] utility information (spec §10.7)', () => {
  test('[ET03] decodes reply F010 to its "decoded" expectation, the CRC little-endian (guide p. 40; the reference read it big-endian)', () => {
    const want = frame('F010').decoded;
    const v = ok(decodeEt03(replyData('F010')));
    expect(v.utilitySerialNumber).toBe(want.utility_serial_number);
    const be = want.image_crc_as_decoded_by_reference_big_endian as number;
    expect(v.imageCrc).toBe(((be & 0xff) << 8) | (be >> 8));
    expect(decodeEt03(syntheticTable('ET03'))).toEqual(decodeEt03(replyData('F010')));
  });

  test('[ET03] keeps the unknown bytes 30..136 and the bytes after the CRC raw', () => {
    const data = replyData('F010');
    const v = ok(decodeEt03(data));
    expect(v.unknown).toEqual(data.slice(30, 137));
    expect(v.tail).toEqual(data.slice(ET03_REFERENCE_LENGTH));
  });

  test('[ET03] truncated: < 30 bytes is an error at the serial number, 30..138 bytes decode without the CRC', () => {
    const data = replyData('F010');
    const serial = frame('F010').decoded.utility_serial_number;
    eachTruncation(decodeEt03, data, (len, r) => {
      if (len < 30) return expectError(r, ET03, 0);
      const v = ok(r);
      expect(v.utilitySerialNumber).toBe(serial);
      expect(v.imageCrc).toBe(len >= ET03_REFERENCE_LENGTH ? 0xefbe : null);
      expect(v.unknown).toEqual(data.slice(30, Math.min(len, 137)));
    });
  });

  test('[ET03] longer tables (real length UNKNOWN): serial and CRC unchanged, extra bytes land in tail', () => {
    const data = replyData('F010');
    const extra = new Uint8Array([1, 2, 3]);
    const v = ok(decodeEt03(concatBytes(data, extra)));
    const plain = ok(decodeEt03(data));
    expect([v.utilitySerialNumber, v.imageCrc, v.unknown]).toEqual([plain.utilitySerialNumber, plain.imageCrc, plain.unknown]);
    expect(v.tail).toEqual(concatBytes(plain.tail, extra));
  });

  test('[ET03] random bytes never throw', () => {
    expectNeverThrows((d) => decodeEt03(d), fc.constant(undefined));
  });
});
