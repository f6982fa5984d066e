// [OTA] The parsers as they will ship: bundled by the firmware build (esbuild per espruino.md §1.5, member-name
// mangling, the acorn bundle check) and run in a vm context stripped to Espruino's globals (no Map, Set, Symbol,
// Array.from, ...). Same verdicts as in Node.
import { createHash } from 'crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as vm from 'vm';
import { buildFirmware, REPO_ROOT } from '../../device/build/build';
import { stripEspruinoGlobals } from '../../device/sim/host/strip';
import { BinParser } from '../../device/src/ota/bin-parser';
import { WwwsParser } from '../../device/src/ota/wwws-parser';
import { packBin, packWwws } from '../../ota/pack';
import { legacyBundle } from './helpers';

const OTA = join(REPO_ROOT, 'device', 'src', 'ota');
// Runs inside the bundle: the firmware build renames class members (member-names.ts) consistently only there.
const DRIVER = `
function fromHex(h: string) { const b = new Uint8Array(h.length / 2); for (let i = 0; i < b.length; i++) b[i] = parseInt(h.substr(2 * i, 2), 16); return b; }
function feed(kind: string, hex: string, n: number) {
  const b = fromHex(hex);
  const p = kind === 'bin' ? new BinParser() : new WwwsParser();
  const out: string[] = [];
  const add = (evs: any[]) => evs.forEach((e) => out.push(e.type + (e.code ? ':' + e.code : '') + (e.verified !== undefined ? ':' + e.verified : '')));
  for (let at = 0; at < b.length; at += n) add(p.push(b.subarray(at, Math.min(at + n, b.length))));
  add(p.finish());
  return out.join(' ');
}
function sha(hex: string) { const d = sha256(fromHex(hex)); let s = ''; for (let i = 0; i < d.length; i++) s += (d[i] < 16 ? '0' : '') + d[i].toString(16); return s; }
`;

/** The driver's summary, from the TypeScript sources in Node. */
function feedNode(kind: string, b: Uint8Array, n: number): string {
  const p = kind === 'bin' ? new BinParser() : new WwwsParser();
  const out: string[] = [];
  const add = (evs: any[]) => evs.forEach((e) => out.push(e.type + (e.code ? ':' + e.code : '') + (e.verified !== undefined ? ':' + e.verified : '')));
  for (let at = 0; at < b.length; at += n) add(p.push(b.subarray(at, Math.min(at + n, b.length))));
  add(p.finish());
  return out.join(' ');
}

describe('[OTA] bundled for Espruino and run in an Espruino-shaped context', () => {
  let dir: string;
  let ctx: vm.Context;
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  const feed = (kind: string, b: Uint8Array, n: number) => vm.runInContext(`feed(${JSON.stringify(kind)}, ${JSON.stringify(hex(b))}, ${n})`, ctx) as string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ota-bundle-'));
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      [
        `import { BinParser } from ${JSON.stringify(join(OTA, 'bin-parser'))};`,
        `import { WwwsParser } from ${JSON.stringify(join(OTA, 'wwws-parser'))};`,
        `import { sha256 } from ${JSON.stringify(join(OTA, 'sha256'))};`,
        'declare const global: { [name: string]: unknown };',
        DRIVER,
        // Quoted: the build mangles member names that firmware classes use (e.g. a feed() method), quoted ones never.
        'global["feed"] = feed;',
        'global["sha"] = sha;',
      ].join('\n'),
    );
    // Throws on any esbuild error, any construct the acorn check rejects, or a blown size budget.
    const built = await buildFirmware({ entry, out: join(dir, 'ota.js') });
    expect(built.bytes).toBeLessThan(16 * 1024);
    ctx = vm.createContext({});
    stripEspruinoGlobals(ctx);
    vm.runInContext('var global = this;', ctx);
    vm.runInContext(readFileSync(built.out, 'utf8'), ctx);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('really stripped: Map and Array.from are absent in there', () => {
    expect(vm.runInContext('typeof Map + typeof Array.from + typeof Symbol', ctx)).toBe('undefinedundefinedundefined');
  });

  test('SHA-256 matches Node', () => {
    const data = new Uint8Array(1000).map((_, i) => (i * 7) & 0xff);
    expect(vm.runInContext(`sha(${JSON.stringify(hex(data))})`, ctx)).toBe(createHash('sha256').update(data).digest('hex'));
  });

  test('.bin, .wwws v2 and legacy text: the same events as in Node, for good and corrupted input', () => {
    const bin = packBin(new Uint8Array(Buffer.from('var a=1;'.repeat(100))), { firmwareVersion: '1.0.0', buildId: 'x', board: 'auto' });
    const badBin = Uint8Array.from(bin);
    badBin[500] = badBin[500]! ^ 1;
    const wwws = packWwws([{ name: 'www_a.html', data: new Uint8Array(Buffer.from('<p>x</p>'.repeat(50))), gzip: true }, { name: 'www_b', data: new Uint8Array(3) }]);
    const legacy = legacyBundle([{ name: 'www_x.html', data: 'a\nb\r\n' }]);
    const cases: [string, Uint8Array, number, RegExp][] = [
      ['bin', bin, 536, /^header (data )+end:true$/],
      ['bin', badBin, 64, / error:hash-mismatch$/],
      ['wwws', wwws, 100, /^bundle file-start (file-data )+file-end:true file-start file-data file-end:true end:true$/],
      ['wwws', wwws.subarray(0, 50), 100, /^bundle error:truncated$/],
      ['wwws', legacy, 5, /^bundle file-start (file-data )+file-end:false end:false$/],
    ];
    for (const [kind, b, n, shape] of cases) {
      const there = feed(kind, b, n);
      expect(there).toMatch(shape);
      expect(there).toBe(feedNode(kind, b, n));
    }
  });
});
