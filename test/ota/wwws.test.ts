// [OTA .wwws v2] The web bundle (layout: device/src/ota/format.ts): golden bytes, pack -> parse round trips in
// device-sized random chunkings (gzip carried as a flag), folder packing, and each way an entry can be wrong.
import { createHash } from 'crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { gunzipSync } from 'zlib';
import fc from 'fast-check';
import { MAX_BUNDLE_BYTES, MAX_FILES } from '../../device/src/ota/format';
import { createSha256 } from '../../device/src/ota/sha256';
import { packWwws, PackError, wwwsFilesFromDir } from '../../ota/pack';
import { parseWwws, rawWwws } from './helpers';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const sha = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());

const GOLDEN_HELLO = [
  '894d4557', '02', '10', '0001', '00000005', 'd61bfab5', // magic "\x89MEW", format 2, header 16, 1 file, 5 bytes, check
  '7777775f612e747874' + '00'.repeat(19), // name "www_a.txt"
  '00', '000000', '00000005', '00000005', // flags, reserved, stored, original
  '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824', // SHA-256("hello")
  '68656c6c6f', // "hello"
  '0d6bf56a4278787d160a3639cbd13381c29c078150792540d1eee530b21932cd', // bundle checksum
].join('');

describe('[OTA .wwws v2] layout', () => {
  test('golden bytes of a one-file bundle; the trailer is SHA-256 of everything before it', () => {
    const w = packWwws([{ name: 'www_a.txt', data: bytes('hello') }]);
    expect(Buffer.from(w).toString('hex')).toBe(GOLDEN_HELLO);
    expect(Buffer.from(sha(w.subarray(0, w.length - 32)))).toEqual(Buffer.from(w.subarray(w.length - 32)));
    expect(Buffer.from(sha(w.subarray(0, 12)).subarray(0, 4))).toEqual(Buffer.from(w.subarray(12, 16)));
  });

  test('the raw test builder writes the same bytes as the packer (two encodings of one layout)', () => {
    expect(Buffer.from(rawWwws([{ name: 'www_a.txt', data: bytes('hello') }])).toString('hex')).toBe(GOLDEN_HELLO);
  });
});

const fileArb = fc.record({
  name: fc.stringMatching(/^[A-Za-z0-9._-]{1,23}$/).map((s) => 'www_' + s),
  data: fc.uint8Array({ maxLength: 1500 }),
  gzip: fc.boolean(),
});

describe('[OTA .wwws v2] round trips', () => {
  test('random file sets in random chunkings, JS SHA-256: every file, flag and hash comes back', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fileArb, { minLength: 1, maxLength: 6, selector: (f) => f.name }),
        fc.array(fc.integer({ min: 0, max: 536 }), { minLength: 1, maxLength: 8 }).filter((s) => s.some((n) => n > 0)),
        (files, sizes) => {
          const r = parseWwws(packWwws(files), sizes, createSha256);
          expect(r.error).toBeUndefined();
          expect(r.end).toMatchObject({ verified: true, files: files.length });
          expect(r.bundle).toMatchObject({ version: 2, integrity: true, fileCount: files.length });
          for (const f of files) {
            const got = r.files.find((p) => p.file.name === f.name)!;
            expect(got.verified).toBe(true);
            const plain = got.file.gzip ? new Uint8Array(gunzipSync(got.data)) : got.data;
            expect(Buffer.from(plain).equals(Buffer.from(f.data))).toBe(true);
            expect(got.file.originalLength).toBe(f.data.length);
            expect(got.file.sha256).toEqual(sha(got.data));
          }
          expect(r.maxPiece).toBeLessThanOrEqual(Math.max(...sizes));
        },
      ),
      { numRuns: 120 },
    );
  });

  test('gzip is kept only when it is smaller; the device gets the flag, not the inflated bytes', () => {
    const html = bytes('<p>hello</p>\n'.repeat(200));
    const r = parseWwws(packWwws([{ name: 'www_big.html', data: html, gzip: true }, { name: 'www_tiny.js', data: bytes('1'), gzip: true }]));
    const [big, tiny] = r.files;
    expect(big!.file).toMatchObject({ gzip: true, originalLength: html.length });
    expect(big!.data.length).toBeLessThan(html.length);
    expect(big!.data.subarray(0, 2)).toEqual(new Uint8Array([0x1f, 0x8b]));
    expect(tiny!.file).toMatchObject({ gzip: false, storedLength: 1, originalLength: 1 });
  });

  test('empty files are allowed', () => {
    const r = parseWwws(packWwws([{ name: 'www_empty.txt', data: new Uint8Array(0) }, { name: 'www_x', data: bytes('x') }]), [1]);
    expect(r.end).toMatchObject({ verified: true, files: 2, storedBytes: 1 });
    expect(r.files.map((f) => f.length)).toEqual([0, 1]);
  });
});

describe('[OTA .wwws v2] packing a folder', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'wwws-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('top-level files, "www_" added unless present, dotfiles skipped, --gzip by extension', () => {
    writeFileSync(join(dir, 'index.html'), '<html>'.repeat(100));
    writeFileSync(join(dir, 'www_style.css'), 'a{}'.repeat(100));
    writeFileSync(join(dir, 'logo.png'), Buffer.alloc(300));
    writeFileSync(join(dir, '.DS_Store'), 'x');
    const files = wwwsFilesFromDir(dir, { gzip: true });
    expect(files.map((f) => [f.name, f.gzip])).toEqual([['www_index.html', true], ['www_logo.png', false], ['www_style.css', true]]);
    const r = parseWwws(packWwws(files));
    expect(r.files.map((f) => [f.file.name, f.file.gzip])).toEqual([['www_index.html', true], ['www_logo.png', false], ['www_style.css', true]]);
  });

  test('refused: subfolders, names too long for Storage, empty folders, too much data', () => {
    mkdirSync(join(dir, 'img'));
    expect(() => wwwsFilesFromDir(dir, { gzip: false })).toThrow(/img is a folder: Storage is flat/);
    rmSync(join(dir, 'img'), { recursive: true });
    expect(() => wwwsFilesFromDir(dir, { gzip: false })).toThrow(/has no files/);
    expect(() => packWwws([{ name: 'www_' + 'a'.repeat(24), data: bytes('x') }])).toThrow('is longer than 27 characters');
    expect(() => packWwws([{ name: 'www_a b', data: bytes('x') }])).toThrow(PackError);
    expect(() => packWwws([{ name: 'www_a', data: bytes('x') }, { name: 'www_a', data: bytes('y') }])).toThrow('appears twice');
    expect(() => packWwws([{ name: 'www_a', data: new Uint8Array(MAX_BUNDLE_BYTES + 1) }])).toThrow(/at most/);
  });
});

describe('[OTA .wwws v2] malformed bundles are one error event with its offset', () => {
  const DATA = bytes('hello');
  const ENTRY = 16;
  const errorOf = (b: Uint8Array, sizes = [536]) => {
    const r = parseWwws(b, sizes);
    expect(r.end).toBeUndefined();
    return r.error!;
  };

  test.each([
    ['a name without the www_ prefix', { name: 'index.html' }, 'bad-name', ENTRY, 'does not start with "www_"'],
    ['the bare prefix', { name: 'www_' }, 'bad-name', ENTRY, 'does not start with "www_" plus at least one character'],
    ['a 28-character name (no NUL left)', { name: 'www_' + 'a'.repeat(24) }, 'bad-name', ENTRY, 'longer than 27'],
    ['a non-ASCII name', { name: Buffer.from('www_caf\xe9', 'latin1') }, 'bad-name', ENTRY, 'not NUL-padded printable ASCII'],
    ['a slash in the name', { name: 'www_a/b' }, 'bad-name', ENTRY, 'outside A-Z'],
    ['text after the NUL padding', { name: Buffer.from('www_a\0b') }, 'bad-name', ENTRY, 'NUL-padded'],
    ['unknown flags', { flags: 2 }, 'bad-entry', ENTRY + 28, 'unknown flags 0x02000000'],
    ['reserved bytes', { reserved: [0, 1, 0] }, 'bad-entry', ENTRY + 28, 'unknown flags'],
    ['original != stored without gzip', { original: 6 }, 'bad-entry', ENTRY + 36, 'differs from stored length 5'],
    ['a gzip original over 16 MiB', { flags: 1, original: 0xffffffff }, 'bad-entry', ENTRY + 36, 'over 16777216'],
    ['a stored length over the declared total', { stored: 0xffffffff }, 'too-large', ENTRY + 32, 'exceeds the 5 byte(s)'],
    ['a file hash mismatch', { sha256: new Uint8Array(32) }, 'hash-mismatch', ENTRY + 72, 'www_a: SHA-256 of the stored bytes is'],
  ])('%s', (_n, entry, code, offset, message) => {
    const e = errorOf(rawWwws([{ name: 'www_a', data: DATA, ...(entry as object) }], { total: 5 }));
    expect(e).toMatchObject({ code, offset });
    expect(e.message).toContain(message);
  });

  test('bundle header problems', () => {
    expect(errorOf(rawWwws([{ name: 'www_a', data: DATA }], { count: 0 }))).toMatchObject({ code: 'no-files', offset: 6 });
    expect(errorOf(rawWwws([{ name: 'www_a', data: DATA }], { count: MAX_FILES + 1 }))).toMatchObject({ code: 'too-large', offset: 6 });
    expect(errorOf(rawWwws([{ name: 'www_a', data: DATA }], { total: MAX_BUNDLE_BYTES + 1 }))).toMatchObject({ code: 'too-large', offset: 8 });
    expect(errorOf(rawWwws([{ name: 'www_a', data: DATA }], { version: 3 }))).toMatchObject({ code: 'unknown-version', offset: 4 });
    const flipped = rawWwws([{ name: 'www_a', data: DATA }]);
    flipped[9] = flipped[9]! ^ 4;
    expect(errorOf(flipped)).toMatchObject({ code: 'header-check', offset: 12 });
  });

  test('a firmware package given as a web bundle, and a PNG', () => {
    expect(errorOf(bytes('\x89MEB\x01\x60' + '\0'.repeat(90)))).toMatchObject({ code: 'wrong-format', message: 'this is a firmware package (.bin), not a MEP web bundle (.wwws)' });
    expect(errorOf(bytes('\x89PNG\r\n\x1a\n'))).toMatchObject({ code: 'bad-magic', offset: 1 });
  });

  test('duplicates, a declared total the files do not fill, a second file past the total', () => {
    const two = [{ name: 'www_a', data: DATA }, { name: 'www_a', data: DATA }];
    expect(errorOf(rawWwws(two))).toMatchObject({ code: 'duplicate-name', offset: ENTRY + 72 + 5 });
    expect(errorOf(rawWwws([{ name: 'www_a', data: DATA }], { total: 6 }))).toMatchObject({ code: 'bad-entry', message: 'files hold 5 stored bytes, the bundle header declares 6' });
    const over = rawWwws([{ name: 'www_a', data: DATA }, { name: 'www_b', data: DATA }], { total: 7 });
    expect(errorOf(over)).toMatchObject({ code: 'too-large', message: 'www_b: stored length 5 exceeds the 2 byte(s) the bundle header leaves' });
  });

  test('a wrong bundle checksum, trailing bytes, truncation in every part', () => {
    const good = packWwws([{ name: 'www_a', data: DATA }]);
    const badTrailer = Uint8Array.from(good);
    badTrailer[good.length - 1] = badTrailer[good.length - 1]! ^ 1;
    expect(errorOf(badTrailer)).toMatchObject({ code: 'hash-mismatch', offset: good.length - 32 });
    expect(errorOf(new Uint8Array(Buffer.concat([good, Buffer.from([0])])), [3])).toMatchObject({ code: 'trailing-data', offset: good.length });
    const cut = (n: number) => errorOf(good.subarray(0, n)).message;
    expect(cut(3)).toBe('truncated in the bundle header: got 3 of 16 bytes');
    expect(cut(10)).toBe('truncated in the bundle header: got 10 of 16 bytes');
    expect(cut(20)).toBe('truncated in the entry of file 1 of 1: got 4 of 72 bytes');
    expect(cut(90)).toBe('truncated in file www_a: got 2 of 5 bytes');
    expect(cut(good.length - 1)).toBe('truncated in the bundle checksum: got 31 of 32 bytes');
    expect(errorOf(good.subarray(0, 90))).toMatchObject({ code: 'truncated', offset: 90 });
  });
});
