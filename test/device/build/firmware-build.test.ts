// The firmware build (device/build/build.ts): the production bundle builds per the espruino.md checklist, passes
// the bundle check, fits the 80 KB budget and contains nothing Espruino lacks; broken inputs fail with a clear
// message. Bundles go to a temporary directory (dist/ is left alone).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { buildFirmware, FirmwareBuildError, REPO_ROOT, SIZE_BUDGET_BYTES } from '../../../device/build/build';
import { globalCollisions, topLevelNames } from '../../../device/build/top-level-names';
import { SLOT_DATA } from '../../../device/build/modules';
import { checkSource } from '../../../tools/espruino-check';

const dir = mkdtempSync(join(tmpdir(), 'mep-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function entry(name: string, code: string): string {
  const path = join(dir, name);
  writeFileSync(path, code);
  return path;
}

describe('production bundle', () => {
  const out = join(dir, 'firmware.js');
  let result: Awaited<ReturnType<typeof buildFirmware>>;
  let code: string;
  // Built without the budget so that every other property is checked even when the size is over; the budget has
  // its own test below.
  beforeAll(async () => {
    result = await buildFirmware({ out, budgetBytes: Infinity });
    code = readFileSync(out, 'utf8');
  });

  test('fits the size budget', () => {
    expect(result.bytes).toBeLessThanOrEqual(SIZE_BUDGET_BYTES);
  });

  test('reports size and function count', () => {
    expect(result.bytes).toBe(Buffer.byteLength(code));
    expect(result.functions).toBeGreaterThan(10);
    const info = JSON.parse(readFileSync(join(dir, 'firmware.json'), 'utf8'));
    expect(info).toMatchObject({ bytes: result.bytes, functions: result.functions, buildId: result.buildId, version: result.version });
  });

  test('passes the bundle check (object spread must be lowered too)', () => {
    expect(checkSource(code, { objectSpread: 'reject' }).violations).toEqual([]);
  });

  test('is a global-code core (no iife: no scope link per function), then the lazy modules inside if(0){…} that the boot eval skips: no exports, no esbuild module shims, no require shim', () => {
    expect(code).not.toMatch(/^("use strict";)?\(\(\)=>\{/);
    const split = code.indexOf('\nif(0){\n');
    expect(split).toBeGreaterThan(0);
    expect(globalCollisions(code.substring(0, split))).toEqual([]);
    expect(topLevelNames(code.substring(0, split)).length).toBeGreaterThan(100);
    expect(code.trimEnd()).toMatch(/\}$/);
    // Every module range in the patched table is one statement that hands its exports over in MEPM.
    const table = /"((?:[a-z]+:\d+:\d+;?)+) *"/.exec(code.substring(0, split));
    expect(table).not.toBeNull();
    const bytes = Buffer.from(code, 'utf8');
    for (const entry of table![1]!.split(';')) {
      const [name, offset, length] = entry.split(':');
      const text = bytes.subarray(Number(offset), Number(offset) + Number(length)).toString('utf8');
      const data = SLOT_DATA.find((d) => d.name === name);
      if (data) {
        // A data range (entity rows, field tables, built-in pages), inside a comment the boot eval skips.
        expect(text).toBe(data.text());
        expect(code.substring(0, code.indexOf(text))).toMatch(/\/\*$/);
        continue;
      }
      expect(`${name}: ${text.substring(0, 6)}`).toBe(`${name}: (()=>{`);
      expect(text).toMatch(/global\.MEPM=\{[^}]*\};\}\)\(\)$/);
    }
    for (const shim of ['__require', '__toESM', '__commonJS', '__esm', '__export', '__toCommonJS', 'module.exports']) expect(code).not.toContain(shim);
    expect(code).toContain('global.require(');
  });

  test('contains no forbidden globals', () => {
    for (const name of ['Map', 'Set', 'WeakMap', 'Symbol', 'Proxy', 'Reflect', 'BigInt', 'TextEncoder', 'globalThis', 'setImmediate', 'queueMicrotask', 'arguments']) {
      // A quote before the name is text (e.g. the "Set-Cookie" header name), not a reference to the global.
      expect(code).not.toMatch(new RegExp(`(^|[^\\w$."'\`])${name}\\b`));
    }
  });

  test('stamps the package version and a deterministic build id', async () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(result.version).toBe(pkg.version);
    expect(code).toContain(JSON.stringify(pkg.version));
    expect(code).toContain(JSON.stringify(result.buildId));
    const again = await buildFirmware({ out: join(dir, 'again.js'), budgetBytes: Infinity });
    expect(again.buildId).toBe(result.buildId);
    expect(again.sha256).toBe(result.sha256);
  });

  test('bakes the board choice in', async () => {
    const c3 = await buildFirmware({ out: join(dir, 'c3.js'), board: 'esp32c3', budgetBytes: Infinity });
    expect(c3.buildId).not.toBe(result.buildId);
    expect(readFileSync(join(dir, 'c3.js'), 'utf8')).toContain('"esp32c3"');
  });
});

describe('build failures', () => {
  test('a missing API in the output fails the build, naming it and the fix', async () => {
    const bad = entry('uses-map.ts', 'const m = new Map<string, number>(); m.set("a", 1);\n');
    await expect(buildFirmware({ entry: bad, out: join(dir, 'bad.js') })).rejects.toThrow(/Map does not exist on the device \[missing-global\]\. Instead: use a plain object/);
  });

  test('destructuring is an esbuild error (supported overrides)', async () => {
    const bad = entry('destructure.ts', 'const o = { a: 1 }; const { a } = o; (globalThis as any).x = a;\n');
    await expect(buildFirmware({ entry: bad, out: join(dir, 'bad2.js') })).rejects.toThrow(/esbuild failed:[\s\S]*destructuring/);
  });

  test('going over the budget fails', async () => {
    const small = entry('small.ts', 'declare const console: { log(s: string): void }; console.log("hi");\n');
    const failure = buildFirmware({ entry: small, out: join(dir, 'small.js'), budgetBytes: 10 });
    await expect(failure).rejects.toThrow(FirmwareBuildError);
    await expect(failure).rejects.toThrow(/the bundle is [\d.]+ KB \(\d+ functions\), over the 0 KB budget/);
  });

  test('an unknown board is refused', async () => {
    await expect(buildFirmware({ board: 'esp8266', out: join(dir, 'x.js') })).rejects.toThrow(/unknown board "esp8266"/);
  });
});
