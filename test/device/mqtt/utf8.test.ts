// UTF-8 without TextEncoder/Buffer (Espruino has neither), checked against Node's Buffer.
import fc from 'fast-check';
import { utf8Decode, utf8Encode, utf8Length } from '../../../device/src/mqtt/utf8';

/** Any UTF-16 string, lone surrogates included. */
const utf16 = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 300 }).map((units) => String.fromCharCode(...units));

describe('[MQTT 3.1.1 §1.5.3] UTF-8 strings', () => {
  test('encoding equals Buffer.from(s, "utf8") for any string (lone surrogates become U+FFFD)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 300 }), utf16), (s) => {
        const expected = Buffer.from(s, 'utf8');
        expect(utf8Length(s)).toBe(expected.length);
        expect(Buffer.from(utf8Encode(s)).equals(expected)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  test('decoding valid UTF-8 gives the string back, also past the 128-unit batches', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 600 }), (s) => {
        expect(utf8Decode(utf8Encode(s))).toBe(s);
      }),
      { numRuns: 500 },
    );
    const long = 'a'.repeat(1000) + '\u00e9\u20ac\ud83d\ude00';
    expect(utf8Decode(utf8Encode(long))).toBe(long);
  });

  test('decoding a range of a buffer', () => {
    const b = utf8Encode('xxhello\u00e9yy');
    expect(utf8Decode(b, 2, b.length - 2)).toBe('hello\u00e9');
  });

  test('invalid bytes become U+FFFD one by one, never an exception', () => {
    expect(utf8Decode(new Uint8Array([0x61, 0xff, 0x62]))).toBe('a\ufffdb');
    expect(utf8Decode(new Uint8Array([0xc0, 0x80]))).toBe('\ufffd\ufffd'); // overlong NUL
    expect(utf8Decode(new Uint8Array([0xed, 0xa0, 0x80]))).toBe('\ufffd\ufffd\ufffd'); // encoded surrogate
    expect(utf8Decode(new Uint8Array([0xe2, 0x82]))).toBe('\ufffd\ufffd'); // truncated
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const s = utf8Decode(bytes);
        if (Buffer.from(bytes).toString('utf8').indexOf('\ufffd') === -1) expect(s).toBe(Buffer.from(bytes).toString('utf8'));
      }),
      { numRuns: 1000 },
    );
  });
});
