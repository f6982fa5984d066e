// [OTA .bin] The firmware package (layout: device/src/ota/format.ts): golden bytes, pack -> parse round trips in
// device-sized random chunkings, and one test per way a package can be wrong.
import { createHash } from 'crypto';
import fc from 'fast-check';
import { binIncompatibility, BinParser } from '../../device/src/ota/bin-parser';
import { MAX_PAYLOAD_BYTES } from '../../device/src/ota/format';
import { createSha256 } from '../../device/src/ota/sha256';
import { packBin, PackError } from '../../ota/pack';
import { chunksOf, parseBin, resealBin, run } from './helpers';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const OPTS = { firmwareVersion: '1.2.3', buildId: 'b1', board: 'esp32' };

// Written out from the layout in format.ts, field by field.
const GOLDEN_ABC = [
  '894d4542', '01', '60', '00', '00', // magic "\x89MEB", format 1, header 96 bytes, flags, reserved
  '312e322e33' + '00'.repeat(11), // firmware version "1.2.3"
  '6231' + '00'.repeat(14), // build id "b1"
  '6573703332' + '00'.repeat(7), // board "esp32"
  '021d', '0000', // min interpreter 2v29, reserved
  '00000003', // payload length
  'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', // SHA-256("abc")
  '05a49ff7', // header check
  '616263', // payload
].join('');

describe('[OTA .bin] layout', () => {
  test('golden bytes of a 3-byte package, and the header check is SHA-256 of bytes 0..91', () => {
    const bin = packBin(bytes('abc'), OPTS);
    expect(Buffer.from(bin).toString('hex')).toBe(GOLDEN_ABC);
    expect(createHash('sha256').update(bin.subarray(0, 92)).digest().subarray(0, 4)).toEqual(Buffer.from(bin.subarray(92, 96)));
  });

  test('parses into the header fields it was packed from', () => {
    const r = parseBin(packBin(bytes('abc'), OPTS), [536], createSha256);
    expect(r.error).toBeUndefined();
    expect(r.ended).toBe(true);
    expect(r.header).toEqual({
      formatVersion: 1, headerLength: 96, firmwareVersion: '1.2.3', buildId: 'b1', board: 'esp32',
      minInterpreter: { major: 2, minor: 29 }, payloadLength: 3,
      payloadSha256: new Uint8Array(createHash('sha256').update('abc').digest()),
    });
    expect(Buffer.from(r.payload).toString()).toBe('abc');
  });

  test('a longer header (a later compatible revision) is accepted: fields stay, the check is its last 4 bytes', () => {
    const v1 = packBin(bytes('abc'), OPTS);
    const h = Buffer.concat([Buffer.from(v1.subarray(0, 92)), Buffer.from('EXTRA!!!'), Buffer.alloc(4)]);
    h[5] = h.length;
    createHash('sha256').update(h.subarray(0, h.length - 4)).digest().copy(h, h.length - 4, 0, 4);
    const r = parseBin(new Uint8Array(Buffer.concat([h, Buffer.from('abc')])));
    expect(r.ended).toBe(true);
    expect(r.header!.headerLength).toBe(104);
  });
});

describe('[OTA .bin] round trips', () => {
  test('random payloads in random chunkings (1..536 bytes, with empty chunks), JS SHA-256', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 4000 }),
        fc.array(fc.integer({ min: 0, max: 536 }), { minLength: 1, maxLength: 10 }).filter((s) => s.some((n) => n > 0)),
        (payload, sizes) => {
          const r = parseBin(packBin(payload, OPTS), sizes, createSha256);
          expect(r.error).toBeUndefined();
          expect(r.ended).toBe(true);
          expect(Buffer.from(r.payload).equals(Buffer.from(payload))).toBe(true);
          expect(r.maxPiece).toBeLessThanOrEqual(Math.max(...sizes));
        },
      ),
      { numRuns: 150 },
    );
  });

  test('the largest allowed payload streams through with pieces no bigger than the chunks', () => {
    const payload = new Uint8Array(MAX_PAYLOAD_BYTES).fill(0x41);
    const r = parseBin(packBin(payload, OPTS), [536, 1, 535]);
    expect(r.ended).toBe(true);
    expect(r.payload.length).toBe(MAX_PAYLOAD_BYTES);
    expect(r.maxPiece).toBeLessThanOrEqual(536);
    expect(() => packBin(new Uint8Array(MAX_PAYLOAD_BYTES + 1), OPTS)).toThrow(PackError);
  });
});

describe('[OTA .bin] malformed input is one error event with its offset', () => {
  const good = packBin(bytes('console.log(1)'), OPTS);
  const errorOf = (b: Uint8Array, sizes = [536]) => {
    const r = parseBin(b, sizes);
    expect(r.ended).toBe(false);
    return r.error!;
  };

  test.each([
    ['bad magic', bytes('\x89PNG\r\n'), 'bad-magic', 1],
    ['text', bytes('/www_index.html\r\n'), 'bad-magic', 0],
    ['a web bundle', bytes('\x89MEW\x02\x10'), 'wrong-format', 0],
    ['unknown version', bytes('\x89MEB\x02\x60'), 'unknown-version', 4],
    ['header too short', bytes('\x89MEB\x01\x20'), 'bad-header', 5],
  ])('%s', (_name, input, code, offset) => {
    expect(errorOf(concatTail(input as Uint8Array))).toMatchObject({ code, offset });
  });

  test('bad magic is reported from the first wrong byte, even split over chunks', () => {
    expect(errorOf(bytes('\x89MEX'), [1])).toMatchObject({ code: 'bad-magic', offset: 3 });
  });

  test('a corrupted header field fails the header check before anything is emitted', () => {
    const bad = Uint8Array.from(good);
    bad[10] = bad[10]! ^ 0x20;
    const events = run(new BinParser(), [bad]);
    expect(events).toEqual([expect.objectContaining({ type: 'error', code: 'header-check', offset: 92 })]);
  });

  test.each([
    ['reserved flags', (h: Buffer) => (h[6] = 1), 'bad-header', 6],
    ['reserved after the interpreter version', (h: Buffer) => (h[55] = 1), 'bad-header', 6],
    ['empty firmware version', (h: Buffer) => h.fill(0, 8, 24), 'bad-header', 8],
    ['non-ASCII version', (h: Buffer) => (h[8] = 0xe9), 'bad-header', 8],
    ['text after the NUL padding', (h: Buffer) => (h[30] = 0x41), 'bad-header', 24],
    ['upper-case board', (h: Buffer) => h.write('ESP32', 40, 'latin1'), 'bad-header', 40],
    ['payload length 0', (h: Buffer) => h.writeUInt32BE(0, 56), 'too-large', 56],
    ['payload length 0xffffffff', (h: Buffer) => h.writeUInt32BE(0xffffffff, 56), 'too-large', 56],
  ])('%s (re-sealed header)', (_name, edit, code, offset) => {
    expect(errorOf(resealBin(good, edit as (h: Buffer) => void))).toMatchObject({ code, offset });
  });

  test('payload hash mismatch, found when the last payload byte arrives', () => {
    const bad = Uint8Array.from(good);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
    const e = errorOf(bad, [100]);
    expect(e).toMatchObject({ code: 'hash-mismatch', offset: 96 });
    expect(e.message).toMatch(/^payload SHA-256 is [0-9a-f]{64}, the header says [0-9a-f]{64}$/);
  });

  test('truncated anywhere: in the prefix, the header, the payload', () => {
    expect(errorOf(good.subarray(0, 0))).toMatchObject({ code: 'truncated', message: 'truncated in the header: got 0 of 96 bytes', offset: 0 });
    expect(errorOf(good.subarray(0, 50))).toMatchObject({ code: 'truncated', message: 'truncated in the header: got 50 of 96 bytes', offset: 50 });
    expect(errorOf(good.subarray(0, 100))).toMatchObject({ code: 'truncated', message: 'truncated in the payload: got 4 of 14 bytes', offset: 100 });
  });

  test('trailing bytes after the payload', () => {
    const e = errorOf(Buffer.concat([good, Buffer.from('xx')]), [7]);
    expect(e).toMatchObject({ code: 'trailing-data', offset: good.length });
  });

  test('push after finish is misuse, and nothing at all follows an error', () => {
    const p = new BinParser();
    p.push(good);
    expect(p.finish()).toEqual([{ type: 'end', verified: true, payloadLength: 14 }]);
    expect(p.push(new Uint8Array(1))).toEqual([expect.objectContaining({ code: 'misuse' })]);
    expect(p.push(new Uint8Array(1))).toEqual([]);
  });

  test('a throwing hasher becomes an internal error event, not an exception', () => {
    const p = new BinParser({ createHash: () => ({ update: () => { throw new Error('boom'); }, digest: () => new Uint8Array(32) }) });
    expect(p.push(good)).toEqual([expect.objectContaining({ type: 'error', code: 'internal', message: 'parser fault: boom' })]);
  });
});

/** Pads a short prefix to a full header length so the prefix error, not truncation, is what is seen. */
function concatTail(prefix: Uint8Array): Uint8Array {
  return new Uint8Array(Buffer.concat([prefix, Buffer.alloc(120)]));
}

describe('[OTA .bin] compatibility with the running device', () => {
  const header = parseBin(packBin(bytes('x'), { ...OPTS, board: 'auto' })).header!;
  test.each([
    ['auto', 'ESP32', '2v29', null],
    ['auto', 'ESP32C3', '2v30.12', null],
    ['esp32', 'ESP32', '3v00', null],
    ['esp32', 'ESP32C3', '2v29', 'package is built for board esp32, this device is ESP32C3'],
    ['esp32c3', 'ESP32', '2v29', 'package is built for board esp32c3, this device is ESP32'],
    ['auto', 'ESP32', '2v28', 'package needs interpreter 2v29 or newer, this device runs 2v28'],
    ['auto', 'ESP32', 'garbage', 'package needs interpreter 2v29 or newer, this device runs garbage'],
    ['esp8266', 'ESP32', '2v29', 'unknown board "esp8266"'],
  ])('board %s on %s %s', (board, devBoard, version, expected) => {
    expect(binIncompatibility({ ...header, board }, devBoard, version)).toBe(expected);
  });
});

test('[OTA .bin] chunksOf covers the input exactly', () => {
  expect(chunksOf(bytes('abcdef'), [0, 4]).map((c) => c.length)).toEqual([0, 4, 0, 2]);
});
