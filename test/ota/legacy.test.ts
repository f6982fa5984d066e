// [OTA .wwws legacy] The reference's text bundle (mep-protocol.md §16), built the way Generate_wwws.cmd builds it,
// must still install: the streaming parser gives, in any chunking, exactly what the reference consumer writes.
import fc from 'fast-check';
import { LEGACY_NOTE, MAX_BUNDLE_BYTES, nameProblem } from '../../device/src/ota/format';
import { inspectPackage } from '../../ota/inspect';
import { legacyBundle, legacyModel, parseWwws } from './helpers';

const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

// The reference bundle order (§16), with the line-ending mixes real folders have.
const SAMPLE = [
  { name: 'www_dashIndex.html', data: '<html>\r\n<body>dash</body>\r\n</html>\r\n' }, // CRLF, ends with a newline
  { name: 'www_homeIndex.html', data: '<p>home</p>\n<p>###Version###</p>\n' }, // LF only
  { name: 'www_menu-include.html', data: '<a href="/">menu</a>' }, // no final newline
  { name: 'www_sevenSeg.js', data: 'var a=1;\r\r\nvar b="/www_x";\n' }, // CR CR LF; "/www_" inside a line is content
  { name: 'www_style.css', data: 'body{color:red}\n\n\n' }, // empty lines
];

describe('[OTA .wwws legacy] the reference text format', () => {
  test('a §16 sample: files, names and CRLF-converted contents, each with the extra empty line', () => {
    const r = parseWwws(legacyBundle(SAMPLE, 'junk before the first header\r\n'));
    expect(r.error).toBeUndefined();
    expect(r.bundle).toEqual({ version: 1, integrity: false, fileCount: null, storedBytes: null });
    expect(r.end).toEqual({ type: 'end', verified: false, files: 5, storedBytes: r.files.reduce((n, f) => n + f.data.length, 0) });
    expect(r.files.map((f) => [f.file.name, text(f.data)])).toEqual([
      ['www_dashIndex.html', '<html>\r\n<body>dash</body>\r\n</html>\r\n\r\n'],
      ['www_homeIndex.html', '<p>home</p>\r\n<p>###Version###</p>\r\n\r\n'],
      ['www_menu-include.html', '<a href="/">menu</a>\r\n'],
      ['www_sevenSeg.js', 'var a=1;\r\r\nvar b="/www_x";\r\n\r\n'],
      ['www_style.css', 'body{color:red}\r\n\r\n\r\n\r\n'],
    ]);
    expect(r.files.every((f) => f.verified === false && f.file.sha256 === null && f.file.storedLength === null)).toBe(true);
  });

  test('inspect reports it as "legacy text format, no integrity data"', () => {
    const report = inspectPackage(legacyBundle(SAMPLE));
    expect(report).toMatchObject({ kind: 'wwws-legacy', ok: true, verified: false, format: `MEP web bundle (.wwws), ${LEGACY_NOTE}` });
    expect(report.files.map((f) => f.verified)).toEqual([false, false, false, false, false]);
  });

  test('streaming equals the whole-file reference consumer for random text in random chunkings', () => {
    const piece = fc.constantFrom('\r', '\n', '\r\n', '/', '/www', '/www_', '/www_a.js', '/www_b.css\r', 'x', 'abc', ' ', '\r\r');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 }), (pieces, sizes) => {
        const input = bytes('/www_first.html\n' + pieces.join(''));
        const model = legacyModel(input);
        const r = parseWwws(input, sizes);
        // The first header the device refuses (a bad name, or one seen before) is the error; else no error.
        const seen: string[] = [];
        for (const f of model) {
          const code = nameProblem(f.name) ? 'bad-name' : seen.includes(f.name) ? 'duplicate-name' : null;
          if (code) return void expect(r.error).toMatchObject({ code });
          seen.push(f.name);
        }
        expect(r.error).toBeUndefined();
        expect(r.files.map((f) => [f.file.name, text(f.data)])).toEqual(model.map((f) => [f.name, f.data]));
      }),
      { numRuns: 400 },
    );
  });

  test('valid bundles of random lines (headers, look-alikes, CR/LF mixes, no final newline) in random chunkings', () => {
    const content = fc.stringMatching(/^[a/w_ \r.x]{0,30}$/).filter((c) => !c.startsWith('/www_'));
    const line = fc.oneof(fc.constant('H'), content, fc.constantFrom('/', '/www', '/ww_', '/wwwx', '/WWW_a'));
    const ending = fc.constantFrom('\n', '\r\n', '\r\r\n');
    fc.assert(
      fc.property(fc.array(fc.tuple(line, ending), { maxLength: 40 }), fc.boolean(), fc.array(fc.integer({ min: 1, max: 536 }), { minLength: 1, maxLength: 6 }), (lines, cutLast, sizes) => {
        let n = 0;
        let input = '/www_0.html\n' + lines.map((l) => (l[0] === 'H' ? `/www_f${++n}.js` + (l[1] === '\r\r\n' ? '\n' : l[1]) : l[0] + l[1])).join('');
        if (cutLast && input.endsWith('\n')) input = input.slice(0, -1);
        const r = parseWwws(bytes(input), sizes);
        expect(r.error).toBeUndefined();
        expect(r.files.map((f) => [f.file.name, text(f.data)])).toEqual(legacyModel(bytes(input)).map((f) => [f.name, f.data]));
      }),
      { numRuns: 300 },
    );
  });

  test('the last line: a header at EOF is an empty file; an unterminated line still gets CRLF, its CR dropped', () => {
    expect(parseWwws(bytes('/www_a\n/www_b')).files.map((f) => [f.file.name, f.length])).toEqual([['www_a', 0], ['www_b', 0]]);
    expect(text(parseWwws(bytes('/www_a\nx\r')).files[0]!.data)).toBe('x\r\n');
    expect(text(parseWwws(bytes('/www_a\n/ww')).files[0]!.data)).toBe('/ww\r\n');
  });

  test('a minified line far longer than any buffer streams through in bounded pieces', () => {
    const line = 'x'.repeat(200000);
    const r = parseWwws(bytes(`/www_app.js\r\n${line}\r\n`), [536]);
    expect(r.files[0]!.length).toBe(line.length + 2);
    expect(r.maxPiece).toBeLessThanOrEqual(2 * 536 + 7);
  });

  test('refused: no header line, bad or duplicate names, an over-long header line, too much data', () => {
    expect(parseWwws(bytes('just some text\n')).error).toMatchObject({ code: 'no-files', message: 'no "/www_" header line: not a web bundle' });
    expect(parseWwws(bytes('x\n/www_a b\n')).error).toMatchObject({ code: 'bad-name', offset: 2 });
    expect(parseWwws(bytes('/www_a\n/www_a\n')).error).toMatchObject({ code: 'duplicate-name', offset: 7 });
    const long = parseWwws(bytes('/www_' + 'a'.repeat(100) + '\n'), [7]).error!;
    expect(long).toMatchObject({ code: 'bad-name', offset: 29 });
    expect(long.message).toMatch(/^header line "\/www_a+\.\.\." is longer than 27 characters$/);
    expect(parseWwws(bytes('/www_' + 'a'.repeat(23) + '\r\n')).error).toBeUndefined(); // 27 chars + CR is fine
    const big = parseWwws(bytes('/www_a\n' + 'y'.repeat(MAX_BUNDLE_BYTES + 10)));
    expect(big.error).toMatchObject({ code: 'too-large' });
  });
});
