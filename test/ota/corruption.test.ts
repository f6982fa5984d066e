// [OTA] Corruption properties: every single-byte change and every truncation of a valid .bin or format-2 .wwws is
// rejected with an error event (never accepted, never thrown), in any device-sized chunking, with the device's own
// JS SHA-256. The legacy text format has no integrity data, so it is not part of this property (legacy.test.ts).
import fc from 'fast-check';
import { createSha256 } from '../../device/src/ota/sha256';
import { packBin, packWwws } from '../../ota/pack';
import { chunksOf, parseBin, parseWwws, run } from './helpers';
import { BinParser } from '../../device/src/ota/bin-parser';
import { WwwsParser } from '../../device/src/ota/wwws-parser';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

const BIN = packBin(bytes('(function(){var a=1;console.log(a)})();'.repeat(20)), { firmwareVersion: '0.2.0', buildId: 'abc123', board: 'auto' });
const WWWS = packWwws([
  { name: 'www_index.html', data: bytes('<html><body>hello</body></html>\n'.repeat(30)), gzip: true },
  { name: 'www_style.css', data: bytes('body{margin:0}') },
  { name: 'www_empty.txt', data: new Uint8Array(0) },
  { name: 'www_app.js', data: bytes('var x=1;\n'.repeat(40)) },
]);

const sizes = fc.array(fc.integer({ min: 1, max: 536 }), { minLength: 1, maxLength: 6 });

function flipped(original: Uint8Array, at: number, xor: number): Uint8Array {
  const b = Uint8Array.from(original);
  b[at] = b[at]! ^ xor;
  return b;
}

describe('[OTA] corruption is always rejected', () => {
  test('the valid packages themselves are accepted', () => {
    expect(parseBin(BIN, [536], createSha256).ended).toBe(true);
    expect(parseWwws(WWWS, [536], createSha256).end).toMatchObject({ verified: true, files: 4 });
  });

  test.each([
    ['.bin', BIN, (b: Uint8Array, s: number[]) => parseBin(b, s, createSha256)],
    ['.wwws', WWWS, (b: Uint8Array, s: number[]) => parseWwws(b, s, createSha256)],
  ])('%s: any single-byte flip', (_name, pkg, parse) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: pkg.length - 1 }), fc.integer({ min: 1, max: 255 }), sizes, (at, xor, s) => {
        const r = parse(flipped(pkg, at, xor), s) as { error?: { code: string; offset: number }; ended?: boolean; end?: unknown };
        expect(r.error).toBeDefined();
        expect(r.ended ?? r.end !== undefined).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  test.each([
    ['.bin', BIN, (b: Uint8Array) => parseBin(b, [536])],
    ['.wwws', WWWS, (b: Uint8Array) => parseWwws(b, [536])],
  ])('%s: exhaustively, the low bit and all bits of every byte', (_name, pkg, parse) => {
    for (let at = 0; at < pkg.length; at++) {
      for (const xor of [0x01, 0xff]) {
        const r = parse(flipped(pkg, at, xor)) as { error?: unknown; ended?: boolean; end?: unknown };
        if (!r.error || r.ended || r.end) throw new Error(`flip 0x${xor.toString(16)} at ${at} was accepted`);
      }
    }
  });

  test.each([
    ['.bin', BIN, (b: Uint8Array, s: number[]) => parseBin(b, s, createSha256)],
    ['.wwws', WWWS, (b: Uint8Array, s: number[]) => parseWwws(b, s, createSha256)],
  ])('%s: every truncation is "truncated" at the cut', (_name, pkg, parse) => {
    for (let n = 0; n < pkg.length; n++) {
      const r = parse(pkg.subarray(0, n), [n % 536 || 536]) as { error?: { code: string; offset: number } };
      expect(r.error).toMatchObject({ code: 'truncated', offset: n });
    }
  });

  test('every flip in a header is found before any data is handed out', () => {
    for (let at = 0; at < 96; at++) {
      const r = parseBin(flipped(BIN, at, 0x01), [536]);
      expect(r.payload.length).toBe(0);
      expect(r.error!.offset).toBeLessThan(96);
    }
  });

  test('arbitrary bytes never throw and keep the event contract (both parsers)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), fc.boolean(), sizes, (data, binaryStart, s) => {
        if (binaryStart && data.length > 0) data[0] = 0x89;
        run(new BinParser({ createHash: createSha256 }), chunksOf(data, s));
        run(new WwwsParser({ createHash: createSha256 }), chunksOf(data, s));
      }),
      { numRuns: 300 },
    );
  });
});
