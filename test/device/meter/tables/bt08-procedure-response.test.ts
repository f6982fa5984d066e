import fc from 'fast-check';
import { BT08, ET58, ET59 } from '../../../../device/src/meter/table-ids';
import {
  decodeBt08,
  decodeEt59,
  decodeEt85,
  ET85,
  PROCEDURE_RESULT_TEXTS,
  procedureResultText,
} from '../../../../device/src/meter/tables/bt08-procedure-response';
import { decodeEt58 } from '../../../../device/src/meter/tables/et58-status-extension';
import { eachTruncation, expectError, expectNeverThrows, frame, ok, replyData, syntheticTable } from './table-kit';

describe('[BT08] procedure response (spec §10.6)', () => {
  test('[BT08] decodes reply F031 (EP39 result) to its "decoded" expectation', () => {
    const want = frame('F031').decoded;
    const v = ok(decodeBt08(replyData('F031')));
    expect(v.proc).toBe(parseInt(want.proc.substr(2, 4), 16)); // "0x0827 (LSB first on wire)"
    expect({ proc_seq: v.procSeq, result_code: v.resultCode, result_text: v.resultText }).toEqual({
      proc_seq: want.proc_seq,
      result_code: want.result_code,
      result_text: want.result_text,
    });
    expect(v).toMatchObject({ procNumber: 39, manufacturer: true, selector: 0 });
    expect(v.respData).toEqual(new Uint8Array(0));
    expect(decodeBt08(syntheticTable('BT08'))).toEqual(decodeBt08(replyData('F031')));
  });

  test('[BT08] PROC is little-endian: bits 0-10 number, bit 11 manufacturer, bits 12-15 selector', () => {
    expect(ok(decodeBt08(new Uint8Array([0x27, 0x38, 6, 2])))).toMatchObject({ proc: 0x3827, procNumber: 39, manufacturer: true, selector: 3 });
    expect(ok(decodeBt08(new Uint8Array([0xff, 0x07, 9, 0])))).toMatchObject({ procNumber: 0x7ff, manufacturer: false, selector: 0 });
  });

  test('[BT08] result codes 0..6 have the C12.19 texts, anything else is unknown', () => {
    expect(PROCEDURE_RESULT_TEXTS).toHaveLength(7);
    for (let code = 0; code < 7; code++) expect(ok(decodeBt08(new Uint8Array([0x27, 0x08, 5, code]))).resultText).toBe(PROCEDURE_RESULT_TEXTS[code]);
    expect(procedureResultText(6)).toBe('unrecognized procedure');
    expect(procedureResultText(7)).toBe('unknown result code 7');
    expect(procedureResultText(255)).toBe('unknown result code 255');
  });

  test('[BT08] RESP_DATA is every byte after RESULT_CODE (copied)', () => {
    const data = new Uint8Array([0x27, 0x08, 5, 0, 0xaa, 0xbb]);
    const v = ok(decodeBt08(data));
    expect(Array.from(v.respData)).toEqual([0xaa, 0xbb]);
    data[4] = 0;
    expect(v.respData[0]).toBe(0xaa);
  });

  test('[ET59] [ET85] decode like BT08 and report their own table id; ET58 is the status extension (guide p. 165)', () => {
    const data = replyData('F031');
    for (const decode of [decodeEt59, decodeEt85]) expect(decode(data)).toEqual(decodeBt08(data));
    expect(ok(decodeEt58(new Uint8Array(40).fill(3)))).toEqual([
      { controlStatus: 3, rest: new Uint8Array(19).fill(3) },
      { controlStatus: 3, rest: new Uint8Array(19).fill(3) },
    ]);
    expectError(decodeEt58(new Uint8Array(0)), ET58, 0);
    expectError(decodeEt59(new Uint8Array(1)), ET59, 0);
    expectError(decodeEt85(new Uint8Array(3)), ET85, 3);
  });

  test('[BT08] truncated: an error at PROC (0), SEQ_NBR (2) or RESULT_CODE (3)', () => {
    eachTruncation(decodeBt08, replyData('F031'), (len, r) => expectError(r, BT08, len < 2 ? 0 : len));
  });

  test('[BT08] longer tables: the header is unchanged and the extra bytes are RESP_DATA', () => {
    const extra = ok(decodeBt08(new Uint8Array([0x27, 0x08, 5, 0, 1, 2, 3])));
    const { respData, ...header } = extra;
    const { respData: none, ...plain } = ok(decodeBt08(replyData('F031')));
    expect(header).toEqual(plain);
    expect([Array.from(respData), none.length]).toEqual([[1, 2, 3], 0]);
  });

  test('[BT08] random bytes never throw', () => {
    expectNeverThrows((d) => decodeBt08(d), fc.constant(undefined), 64);
  });
});
