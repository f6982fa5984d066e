import fc from 'fast-check';
import { parseMbk } from '../../../device/src/meter/key';
import { fullRead, fullWrite, nextProcSeq, partialRead, partialWrite, procedureCall, EP39_POST_MEP_DATA } from '../../../device/src/meter/requests';
import { parseTableId, tableName } from '../../../device/src/meter/table-ids';
import { ByteReader, ByteWriter, fromHex, toHex } from '../../../device/src/meter/bytes';
import { parseReply } from '../../../device/src/meter/frame';
import { responseCodeInfo, RESPONSE_CODES } from '../../../device/src/meter/result-codes';
import { hex, loadVectors, toHexString } from '../../helpers/vectors';

const digestVectors = loadVectors('digest.json');

describe('[MEP §4.1] MBK key', () => {
  test('20 ASCII characters: the first 16 are the digest key', () => {
    const r = parseMbk('ABCDEFGHIJKLMNOPQRST');
    expect(r.ok && toHexString(r.digestKey)).toBe('4142434445464748494a4b4c4d4e4f50');
  });

  test('16 characters and the 40-hex-digit form give the same key', () => {
    const a = parseMbk('ABCDEFGHIJKLMNOP');
    const b = parseMbk(Buffer.from('ABCDEFGHIJKLMNOPQRST').toString('hex'));
    const c = parseMbk(Buffer.from('ABCDEFGHIJKLMNOPQRST').toString('hex').toUpperCase());
    expect(a.ok && b.ok && c.ok).toBe(true);
    if (a.ok && b.ok && c.ok) {
      expect(toHexString(b.digestKey)).toBe(toHexString(a.digestKey));
      expect(b.form).toBe('hex');
      expect(toHexString(c.digestKey)).toBe(toHexString(a.digestKey));
    }
  });

  test('every vector key that is a real MBK parses to its digest key', () => {
    for (const v of digestVectors.framed_request_vectors.filter((v: any) => v.mbk_ascii.length >= 16 && v.key_id !== 'K2')) {
      const r = parseMbk(v.mbk_ascii);
      expect(r.ok && toHexString(r.digestKey)).toBe(v.digest_key_hex);
    }
  });

  test.each([
    ['', 'empty'],
    ['ABCDEF', 'length'],
    ['ABCDEFGHIJKLMNOPQRSTU', 'length'],
    ['ABCDEFGHIJKLMNOPQRS\u00e9', 'charset'],
    ['ABCDEFGHIJKLMNO\tPQ', 'charset'],
    ['00000000000000000000', 'not-configured'],
    ['41424344454647484950515253545556575', 'hex'],
    ['4142434445464748495051525354555657\u0000', 'length'],
  ])('rejects %j (%s) with a message that does not repeat the key', (input, code) => {
    const r = parseMbk(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      if (input.length >= 6) expect(r.message).not.toContain(input.slice(0, 6));
    }
  });

  test('hex form that decodes to non-printable characters is rejected', () => {
    expect(parseMbk('00'.repeat(16)).ok).toBe(false);
  });

  test('a leading or trailing space is accepted with a warning', () => {
    const r = parseMbk(' BCDEFGHIJKLMNOPQRST');
    expect(r.ok && r.warnings.length).toBe(1);
  });

  test('property: never throws; accepted keys are 16 bytes; messages never contain the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), (s) => {
        const r = parseMbk(s);
        if (r.ok) expect(r.digestKey.length).toBe(16);
        else if (s.length >= 4) expect(r.message.includes(s)).toBe(false);
      }),
    );
  });
});

describe('[MEP §6] request builders', () => {
  test('every APDU the reference sends (full reads now ask for at most 465 bytes, guide p. 8; the reference sent 512)', () => {
    expect(toHex(fullRead(0x34).apdu)).toBe('30003401d1');
    expect(toHex(fullRead(0x080d).apdu)).toBe('30080d01d1');
    expect(toHex(fullRead(0x34, 512).apdu)).toBe('3000340200');
    expect(toHex(fullRead(0x17, null).apdu)).toBe('300017');
    expect(toHex(partialRead(0x17, 0, 13).apdu)).toBe('3f0017000000000d');
    expect(toHex(partialRead(0x080d, 4 * 66 + 8, 1).apdu)).toBe('3f080d0001100001');
    expect(toHex(partialRead(0x0832, 30, 1).apdu)).toBe('3f083200001e0001');
    const ep39 = procedureCall(EP39_POST_MEP_DATA, 5, hex('04010600010203040506'));
    expect(toHex(ep39.apdu)).toBe('400007000d27080504010600010203040506');
    expect(toHex(fullWrite(7, hex('0102')).apdu)).toBe('40000700020102');
    expect(toHex(partialWrite(0x0832, 30, hex('ff')).apdu)).toBe('4f083200001e0001ff');
  });

  test('procedure sequence numbers cycle 5..9 and out-of-range values are refused', () => {
    expect([5, 6, 7, 8, 9].map(nextProcSeq)).toEqual([6, 7, 8, 9, 5]);
    expect(() => procedureCall(0x0827, 4, new Uint8Array(0))).toThrow(/5\.\.9/);
    expect(() => partialRead(0x17, 0x1000000, 1)).toThrow(/offset/);
    expect(() => fullRead(-1)).toThrow(/table id/);
  });

  test('table names: BT28, et13, 28, 0x080d, 2061', () => {
    expect(parseTableId('BT28')).toBe(28);
    expect(parseTableId('et13')).toBe(0x080d);
    expect(parseTableId('28')).toBe(28);
    expect(parseTableId('0x080d')).toBe(0x080d);
    expect(parseTableId('2061')).toBe(0x080d);
    expect(parseTableId('BT')).toBeNull();
    expect(parseTableId('XT01')).toBeNull();
    expect(parseTableId('70000')).toBeNull();
    expect(tableName(0x080d)).toBe('ET13');
    expect(tableName(0x34)).toBe('BT52');
  });
});

describe('[MEP §7] response codes and reply parsing', () => {
  test('every code has its meaning; unknown codes say so', () => {
    expect(RESPONSE_CODES.map((c) => c.code)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(responseCodeInfo(0x0b).meaning).toMatch(/authentication/);
    expect(responseCodeInfo(0x42).name).toBe('unknown');
  });

  test('real 0x0C capture C05 carries the expected sequence number', () => {
    const c05 = loadVectors('frames.json').captured_frames.find((f: any) => f.id === 'C05');
    const r = parseReply(hex(c05.hex));
    expect(r.ok && r.reply.nextSeq).toBe(0xceace9e2);
  });

  test('data length comes from COUNT and a COUNT that disagrees with LEN is an error', () => {
    const good = hex('000f00000427080500f40c558ee9584180');
    const r = parseReply(good);
    expect(r.ok && toHex(r.reply.data!)).toBe('27080500');
    const bad = good.slice();
    bad[4] = 5;
    expect(parseReply(bad).ok).toBe(false);
    expect(parseReply(hex('0009')).ok).toBe(false);
  });
});

describe('byte helpers', () => {
  test('explicit endianness', () => {
    const r = new ByteReader(hex('0102030440feffff'));
    expect(r.u16be()).toBe(0x0102);
    expect(r.u16le()).toBe(0x0403);
    expect(r.i32le()).toBe(-448);
    expect(() => r.u8()).toThrow(/offset 8/);
    expect(toHex(new ByteWriter(1).u16be(0x0102).u16le(0x0304).u24be(0x050607).u32be(0x08090a0b).i32le(-2).toBytes())).toBe('01020403050607' + '08090a0b' + 'feffffff');
  });

  test('hex parsing is strict', () => {
    expect(fromHex('0a 0B:0c')).toEqual(new Uint8Array([10, 11, 12]));
    expect(fromHex('abc')).toBeNull();
    expect(fromHex('zz')).toBeNull();
  });
});
