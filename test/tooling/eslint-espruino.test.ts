// Proves the Espruino dialect in eslint.config.mjs (../shared/docs/espruino.md checklist, §1.2–§1.5;
// architecture-and-style.md C3): every forbidden construct is an error in device/src and discovery, the allowed
// subset lints clean, and Node code (test/, device/sim/, cli/, bench/, addon/) is not affected.
// The snippets are linted with the real config through the ESLint Node API in one child process (eslint-runner.mjs):
// jest's sandbox cannot import() the .mjs config.
import { execFileSync } from 'child_process';
import { join } from 'path';

const repoRoot = join(__dirname, '..', '..');
const RUNNER = join(__dirname, 'eslint-runner.mjs');

interface LintMessage {
  ruleId: string | null;
  message: string;
  line: number;
  column: number;
  severity: number;
}
interface LintResult {
  filePath: string;
  messages: LintMessage[];
}

const DEVICE_FILE = 'device/src/meter/example.ts';
const DISCOVERY_FILE = 'discovery/example.ts';
const HAL_FILE = 'device/src/hal/espruino/example.ts';
const HAL_TYPES_FILE = 'device/src/hal/types.ts';
const NODE_FILES = [
  'test/device/meter/example.test.ts',
  'device/sim/example.ts',
  'cli/example.ts',
  'bench/example.ts',
  'addon/src/example.ts',
];

/** Rules that make up the Espruino dialect; none of them may fire on Node code. */
const ESPRUINO_RULES = new Set([
  'no-restricted-syntax',
  'no-restricted-globals',
  'no-restricted-properties',
  'no-labels',
  '@typescript-eslint/no-use-before-define',
  'espruino/no-loop-head-closure',
  'espruino/no-non-ascii-strings',
]);

interface Forbidden {
  name: string;
  code: string;
  rule: string;
  message: RegExp;
}

const SYNTAX = 'no-restricted-syntax';
const syntax = (name: string, code: string, message: RegExp): Forbidden => ({ name, code, rule: SYNTAX, message });

const FORBIDDEN: Forbidden[] = [
  // Destructuring, defaults, rest, spread (§1.2).
  syntax('object destructuring', 'export function f(o: { a: number }) { const { a } = o; return a; }', /no destructuring/),
  syntax('object destructuring parameter', 'export const f = ({ a }: { a: number }) => a;', /no destructuring/),
  syntax('catch destructuring', 'export function f() { try { g(); } catch ({ message }) { return message; } }\nfunction g() {}', /no destructuring/),
  syntax('array destructuring', 'export function f(p: number[]) { const [a] = p; return a; }', /no array destructuring/),
  syntax('array destructuring callback', 'export const f = (o: { [k: string]: number }) => Object.entries(o).map(([k, v]) => k + v);', /no array destructuring/),
  syntax('for-of destructuring', 'export function f(ps: number[][]) { let s = 0; for (const [a] of ps) s += a; return s; }', /no array destructuring/),
  syntax('default parameter', 'export function f(a = 1) { return a; }', /no default values/),
  syntax('default in arrow', 'export const f = (a = 1) => a;', /no default values/),
  syntax('default in parameter property (TSParameterProperty)', 'export class C { constructor(private x = 1) {} get v() { return this.x; } }', /no default values/),
  syntax('rest parameter', 'export function f(...a: number[]) { return a; }', /no rest parameters/),
  syntax('rest in arrow', 'export const f = (...a: number[]) => a.length;', /no rest parameters/),
  syntax('call spread', 'export function f(a: number[]) { return Math.max(...a); }', /no array\/call spread/),
  syntax('array spread', 'export function f(a: number[]) { return [...a, 1]; }', /no array\/call spread/),
  syntax('new spread', 'export function f(a: [number]) { return new Date(...a); }', /no array\/call spread/),
  // Computed keys and literal-named class members (§1.2).
  syntax('computed object key', "export function f(k: string) { return { [k]: 1 }; }", /no computed object keys/),
  syntax('computed method name', "export class C { ['m']() { return 1; } }", /no computed class member names/),
  syntax('computed class field', "export class C { ['x'] = 1; }", /no computed class member names/),
  syntax('string-named class method', "export class C { 'm'() { return 1; } }", /named by a string\/number literal/),
  // Other syntax (§1.2).
  syntax('tagged template', 'export function tag(s: TemplateStringsArray) { return s.length; }\nexport const v = tag`x`;', /no tagged templates/),
  syntax('label', 'export function f() { outer: for (;;) { break outer; } }', /labels are parsed as expressions/),
  syntax('new.target', 'export function F() { return new.target; }', /no new\.target/),
  syntax('#private field', 'export class C { #x = 1; get v() { return this.#x; } }', /no #private/),
  syntax('#private method', 'export class C { #m() { return 1; } get v() { return this.#m(); } }', /no #private/),
  syntax('decorator', 'function dec(c: unknown) { return c; }\n@dec\nexport class C {}', /no decorators/),
  syntax('accessor field', 'export class C { accessor x = 1; }', /no `accessor` fields/),
  // Generators and async (§1.1, §1.2).
  syntax('generator', 'export function* g() { return 1; }', /no generators/),
  syntax('yield', 'export function* g() { yield 1; }', /no yield/),
  syntax('generator method', 'export class C { *g() { return 1; } }', /no generators/),
  syntax('async function', 'export async function f() { return 1; }', /no async functions/),
  syntax('async arrow', 'export const f = async () => 1;', /no async functions/),
  syntax('await', 'export async function f(p: Promise<number>) { return await p; }', /no await/),
  syntax('for await', 'export async function f(xs: Promise<number>[]) { let s = 0; for await (const x of xs) s += x; return s; }', /no for await/),
  // Classes (§1.2).
  syntax('extends call expression', 'class Base {}\nfunction mixin(b: typeof Base) { return b; }\nexport class C extends mixin(Base) {}', /extends <expression>/),
  syntax('extends member expression', 'const ns = { Base: class {} };\nexport class C extends ns.Base {}', /extends <expression>/),
  syntax('extends Error', 'export class MyError extends Error {}', /built-ins cannot be subclassed/),
  syntax('extends Array', 'export class List extends Array<number> {}', /built-ins cannot be subclassed/),
  syntax('class expression extends Uint8Array', 'export const B = class extends Uint8Array {};', /built-ins cannot be subclassed/),
  // Regexes (§1.3).
  syntax('regex literal', "export const ok = (s: string) => /^ab?c$/.test(s);", /no regex literals/),
  syntax('new RegExp', "export const re = new RegExp('a+');", /no RegExp objects/),
  syntax('RegExp()', "export const re = RegExp('a+');", /no RegExp objects/),
  // arguments, arr.length = n, ** (§1.2, §1.4).
  syntax('arguments', 'export function f(a: number) { return arguments.length + a; }', /`arguments` is wrong/),
  syntax('arr.length = n', 'export function clear(a: number[]) { a.length = 0; }', /Use arr\.splice/),
  syntax('arr.length -= n', 'export function drop(a: number[]) { a.length -= 1; }', /Use arr\.splice/),
  syntax('arr.length--', 'export function drop(a: number[]) { a.length--; }', /Use push\/pop\/splice/),
  syntax('exponent operator', 'export const big = 2 ** 53;', /Math\.pow, which is imprecise/),
  syntax('exponent assignment', 'export function f(x: number) { x **= 2; return x; }', /Math\.pow, which is imprecise/),
  // Missing prototype methods (§1.2 "Runtime API gaps").
  ...[
    'finally', 'search', 'lastIndexOf', 'flat', 'flatMap', 'at', 'codePointAt', 'matchAll', 'trimStart', 'trimEnd',
    'localeCompare', 'normalize', 'copyWithin', 'findLast', 'findLastIndex', 'reduceRight', 'replaceAll',
    'toPrecision', 'toExponential', 'toLocaleString',
  ].map((m) =>
    syntax(`.${m}()`, `export function f(x: any) { return x.${m}(); }`, new RegExp(`Espruino: [A-Za-z/.]*\\b${m}\\b.* is missing`)),
  ),
  syntax('optional call of a missing method', 'export function f(x?: number[]) { return x?.at(-1); }', /\.at\(\) is missing/),
  syntax('array .entries()', 'export function f(a: number[]) { return a.entries(); }', /keys\/values\/entries are missing/),
  // Closures over for-head variables (§1.2).
  ...([
    ['for (let …) body', 'for (let i = 0; i < 3; i++) fs.push(() => i);'],
    ['for (const … of) body', 'for (const x of xs) fs.push(function () { return x; });'],
    ['for (const … in) body', 'for (const k in xs) fs.push(() => Number(k));'],
    ['for (let …) test', 'for (let i = 0; xs.every(() => i < 3); i++) fs.push(() => 0);'],
    ['for (let …) update', 'for (let i = 0; i < 3; i = xs.reduce((a) => a + i, 1)) fs.push(() => 0);'],
    ['nested function inside the closure', 'for (let i = 0; i < 3; i++) fs.push(() => (() => i)());'],
    ['inner loop closure over outer head', 'for (let i = 0; i < 3; i++) { for (let j = 0; j < 3; j++) { const jj = j; fs.push(() => i + jj); } }'],
    ['object getter', 'for (let i = 0; i < 3; i++) { const o = { get v() { return i; } }; fs.push(() => o.v); }'],
    ['class method', 'for (let i = 0; i < 3; i++) { class K { m() { return i; } } fs.push(() => new K().m()); }'],
  ] as [string, string][]).map(([name, loop]): Forbidden => ({
    name: `loop-head closure: ${name}`,
    code: `export const fs: Array<() => number> = [];\nexport function f(xs: number[]) {\n  ${loop}\n}`,
    rule: 'espruino/no-loop-head-closure',
    message: /from this loop's head.*body-local const.*forEach/,
  })),
  // Non-ASCII strings (§1.2, §1.4).
  ...([
    ['raw non-ASCII string', "export const unit = '\u00b0C';"],
    ['\\u escape above 0x7E', "export const unit = '\\u00b0C';"],
    ['\\u escape above 0xFF', "export const euro = '\\u20ac';"],
    ['template literal', 'export const f = (v: number) => `${v} \u20ac`;'],
    ['object key', "export const o = { '\u00e9t\u00e9': 1 };"],
    ['enum value', "export enum Unit { Celsius = '\u00b0C' }"],
  ] as [string, string][]).map(([name, code]): Forbidden => ({
    name: `non-ASCII: ${name}`,
    code,
    rule: 'espruino/no-non-ascii-strings',
    message: /String contains U\+[0-9A-F]{4}.*Keep device text ASCII/,
  })),
  // no-labels, no-use-before-define (§1.1 "no hoisting").
  { name: 'label (no-labels)', code: 'export function f() { outer: for (;;) { break outer; } }', rule: 'no-labels', message: /labeled statement/ },
  { name: 'function used before its declaration', code: 'export const v = g();\nfunction g() { return 1; }', rule: '@typescript-eslint/no-use-before-define', message: /'g' was used before it was defined/ },
  { name: 'function used in a function before its declaration', code: 'export function f() { return g(); }\nfunction g() { return 1; }', rule: '@typescript-eslint/no-use-before-define', message: /'g' was used before it was defined/ },
  { name: 'class used before its declaration', code: 'export function f() { return new K(); }\nclass K {}', rule: '@typescript-eslint/no-use-before-define', message: /'K' was used before it was defined/ },
  { name: 'variable used before its declaration', code: 'export function f() { return v; }\nconst v = 1;', rule: '@typescript-eslint/no-use-before-define', message: /'v' was used before it was defined/ },
];

// Missing globals (§1.2) and HAL-only natives/timers (C3).
const MISSING_GLOBALS = [
  'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'Symbol', 'Proxy', 'Reflect', 'BigInt', 'TextEncoder', 'TextDecoder',
  'setImmediate', 'queueMicrotask', 'RangeError', 'structuredClone', 'globalThis', 'Buffer', 'Intl', 'encodeURI',
];
const HAL_ONLY_GLOBALS = [
  'require', 'Serial1', 'Serial2', 'Serial3', 'E', 'ESP32', 'Wifi', 'setTimeout', 'setInterval', 'clearTimeout',
  'clearInterval',
];
for (const name of MISSING_GLOBALS) {
  FORBIDDEN.push({
    name: `global ${name}`,
    code: `export const v = ${name};`,
    rule: 'no-restricted-globals',
    message: new RegExp(`Espruino: ${name} does not exist on the device`),
  });
}
for (const name of HAL_ONLY_GLOBALS) {
  FORBIDDEN.push({
    name: `HAL-only global ${name}`,
    code: `export const v = ${name};`,
    rule: 'no-restricted-globals',
    message: new RegExp(`Only device/src/hal/espruino/\\*\\* may use ${name}`),
  });
}
// Missing static APIs (§1.2 "Runtime API gaps").
const MISSING_STATICS: [string, string[]][] = [
  ['Object', ['freeze', 'seal', 'isFrozen', 'is', 'getOwnPropertySymbols']],
  ['Array', ['from', 'of']],
  ['Promise', ['race', 'allSettled', 'any']],
  ['Number', ['isInteger', 'isNaN', 'isFinite', 'isSafeInteger', 'parseFloat', 'parseInt', 'MAX_SAFE_INTEGER', 'MIN_SAFE_INTEGER', 'EPSILON']],
  ['Math', ['trunc', 'cbrt', 'log2', 'log10', 'hypot', 'imul', 'clz32', 'fround', 'sign']],
  ['Date', ['UTC']],
  ['String', ['fromCodePoint', 'raw']],
  ['ArrayBuffer', ['isView']],
];
for (const [object, properties] of MISSING_STATICS) {
  for (const property of properties) {
    FORBIDDEN.push({
      name: `${object}.${property}`,
      code: `export const v = ${object}.${property};`,
      rule: 'no-restricted-properties',
      message: new RegExp(`Espruino: ${object}\\.${property} does not exist on the device`),
    });
  }
}

/** The Espruino subset we rely on (espruino.md checklist "Language – allowed"): must lint without any message. */
const ALLOWED: { name: string; code: string }[] = [
  { name: 'arrow functions (lexical this)', code: 'export class C { n = 0; inc() { return [1, 2].map((x) => x + this.n); } }' },
  { name: 'class extending an identifier, super, static, getters/setters', code: 'export class Base { protected v = 1; static make() { return new Base(); } get value() { return this.v; } set value(x: number) { this.v = x; } }\nexport class Child extends Base { constructor() { super(); this.value = 2; } get value2() { return super.value; } }' },
  { name: 'generic base class', code: 'export class Base<T> { constructor(readonly v: T) {} }\nexport class Child extends Base<number> {}' },
  { name: 'abstract class, parameter properties without defaults, optional params', code: 'export abstract class A { constructor(protected readonly id: number, private name?: string) {} abstract run(): void; label() { return this.name || String(this.id); } }' },
  { name: 'untagged template literals', code: 'export const f = (a: number, b: string) => `a=${a.toFixed(2)}\nb=${b}`;' },
  { name: 'for-of over arrays and strings', code: 'export function sum(xs: number[], s: string) { let t = 0; for (const x of xs) t += x; for (const c of s) t += c.charCodeAt(0); return t; }' },
  { name: 'for-in', code: 'export function count(o: { [k: string]: number }) { let n = 0; for (const k in o) n += o[k] || 0; return n; }' },
  { name: 'object spread (lowered by esbuild)', code: 'export const f = (o: { a: number }) => ({ ...o, b: 2 });' },
  { name: '?? and ?. and ??=', code: 'export function f(o?: { a?: { b?: number } }, d?: number) { let x = o?.a?.b ?? 0; x ??= d ?? 1; return x; }' },
  { name: 'optional call', code: 'export const f = (cb?: () => number) => cb?.() ?? 0;' },
  { name: 'let in loop body captured by closure', code: 'export const fs: Array<() => number> = [];\nexport function f(xs: number[]) { for (let i = 0; i < xs.length; i++) { const x = xs[i] as number; let y = x; fs.push(() => x + y++); } }' },
  { name: 'closure in a for-head without let/const or in the iterated expression', code: 'export const fs: Array<() => number> = [];\nexport function f(xs: number[]) { let i; for (i = 0; i < 3; i++) fs.push(() => i); for (const x of xs.map((v) => v * 2)) { const y = x; fs.push(() => y); } }' },
  { name: 'forEach instead of a for-head closure', code: 'export const fs: Array<() => number> = [];\nexport function f(xs: number[]) { xs.forEach((x) => fs.push(() => x)); }' },
  { name: 'Promise then/catch/all/resolve/reject', code: 'export function f(p: Promise<number>) { return Promise.all([p, Promise.resolve(1)]).then((v) => v.length).catch(() => Promise.reject(new Error("x"))); }' },
  { name: 'Object.keys/values/entries/assign, Array.isArray, String.fromCharCode, JSON.stringify', code: 'export function f(o: { [k: string]: number }) { return JSON.stringify([Object.keys(o), Object.values(o), Object.entries(o), Object.assign({}, o), Array.isArray(o), String.fromCharCode(65)]); }' },
  { name: 'present prototype methods', code: "export function f(s: string, a: number[]) { return s.padStart(4, '0').startsWith('0') && a.includes(1) && a.indexOf(2) > 0 && s.trim().split(',').join(';').indexOf('x') < 0; }" },
  { name: 'global isNaN/parseInt/parseFloat and Math.floor/pow-free arithmetic', code: "export const f = (s: string) => (isNaN(parseFloat(s)) ? Math.floor(parseInt(s, 10) * 256) : 0);" },
  { name: 'fn.apply and plain property reads (prefer-spread/prefer-destructuring/prefer-rest-params are off)', code: 'export function f(fn: (...a: number[]) => number, xs: number[], o: { a: number }) { const a = o.a; return fn.apply(null, xs) + a; }' },
  { name: 'enums and type-level features', code: 'export enum Kind { A, B = 5 }\nexport const enum Flag { X = "x" }\nexport type Fn = (...args: number[]) => void;\nexport interface I { m(...a: number[]): void; [k: string]: unknown }\nexport declare function over(...a: string[]): void;\nexport const k = Kind.B satisfies number;' },
  { name: 'optional catch binding, try/finally', code: 'export function f(g: () => number) { try { return g(); } catch { return -1; } finally { g(); } }' },
  { name: 'a class own `length` field', code: 'export class W { length = 0; grow(n: number) { this.length += n; this.length--; } }' },
  { name: 'properties named like restricted things', code: 'export const o = { arguments: 1, Map: 2, search: 3 };\nexport function f(x: { arguments: number }) { return x.arguments + o.Map + o.search; }' },
  { name: 'locals shadowing restricted globals', code: 'export function f(E: number, Map: number) { return E + Map; }' },
  { name: 'type-only use of HAL-only and missing globals', code: 'export type Timer = ReturnType<typeof setTimeout>;\nexport type M = Map<string, number>;' },
  { name: 'non-ASCII text in comments and in types', code: "// Température in \u00b0C, price in \u20ac\n/** \u00e9 */\nexport type Unit = '\u00b0C';\nexport const unit = 'C';" },
  { name: 'functions declared before use', code: 'function g() { return 1; }\nexport function f() { return g(); }\nexport class K { m() { return f(); } }\nexport const v = new K().m();' },
  { name: 'type used before its declaration', code: 'export function f(x: T): T { return x; }\ntype T = number;' },
];

/** Snippets for the HAL folder, which alone may use Espruino natives and raw timers (C3). */
const HAL_ALLOWED =
  "const load = require;\nexport const Storage = load('Storage');\n" +
  'export function start(cb: () => void) { Serial2.setup(9600); E.kickWatchdog(); const t = setTimeout(cb, 10); clearTimeout(t); return setInterval(cb, 10); }';

type Job = { key: string; code: string; filePath: string };
const jobs: Job[] = [];
FORBIDDEN.forEach((c, i) => {
  jobs.push({ key: `forbidden:${i}:device`, code: c.code, filePath: DEVICE_FILE });
  NODE_FILES.forEach((filePath) => jobs.push({ key: `forbidden:${i}:${filePath}`, code: c.code, filePath }));
});
ALLOWED.forEach((c, i) => jobs.push({ key: `allowed:${i}`, code: c.code, filePath: DEVICE_FILE }));
jobs.push({ key: 'discovery:Map', code: 'export const m = new Map();', filePath: DISCOVERY_FILE });
jobs.push({ key: 'discovery:loop', code: FORBIDDEN.find((c) => c.name.startsWith('loop-head closure'))!.code, filePath: DISCOVERY_FILE });
jobs.push({ key: 'discovery:ascii', code: "export const unit = '\u00b0C';", filePath: DISCOVERY_FILE });
jobs.push({ key: 'hal:allowed', code: HAL_ALLOWED, filePath: HAL_FILE });
jobs.push({ key: 'hal:Map', code: 'export const m = new Map();', filePath: HAL_FILE });
jobs.push({ key: 'hal:destructuring', code: 'export function f(o: { a: number }) { const { a } = o; return a; }', filePath: HAL_FILE });
jobs.push({ key: 'hal-types:setTimeout', code: 'export const t = setTimeout;', filePath: HAL_TYPES_FILE });

function runEslint(input: unknown): LintResult[] {
  const out = execFileSync(process.execPath, [RUNNER], {
    cwd: repoRoot,
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as LintResult[];
}

const results = new Map<string, LintMessage[]>();
function messagesOf(key: string): LintMessage[] {
  const m = results.get(key);
  if (!m) throw new Error(`no lint result for ${key}`);
  return m;
}
const fatal = (ms: LintMessage[]) => ms.filter((m) => m.ruleId === null);
const show = (ms: LintMessage[]) => ms.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`).join('\n');

beforeAll(() => {
  const out = runEslint(jobs.map((j) => ({ code: j.code, filePath: j.filePath })));
  jobs.forEach((j, i) => results.set(j.key, (out[i] as LintResult).messages));
});

describe('Espruino dialect: forbidden constructs are errors in device/src', () => {
  FORBIDDEN.forEach((c, i) => {
    test(`${c.name} -> ${c.rule}`, () => {
      const ms = messagesOf(`forbidden:${i}:device`);
      expect(show(fatal(ms))).toBe('');
      const hit = ms.filter((m) => m.ruleId === c.rule && m.severity === 2 && c.message.test(m.message));
      if (hit.length === 0) throw new Error(`expected ${c.rule} matching ${c.message} for:\n${c.code}\ngot:\n${show(ms)}`);
    });
  });
});

describe('Espruino dialect: Node code is not affected', () => {
  FORBIDDEN.forEach((c, i) => {
    test(`${c.name} is fine in ${NODE_FILES.join(', ')}`, () => {
      for (const filePath of NODE_FILES) {
        const ms = messagesOf(`forbidden:${i}:${filePath}`);
        expect(show(fatal(ms))).toBe('');
        expect(show(ms.filter((m) => m.ruleId !== null && ESPRUINO_RULES.has(m.ruleId)))).toBe('');
      }
    });
  });
});

describe('Espruino dialect: the allowed subset lints clean in device/src', () => {
  ALLOWED.forEach((c, i) => {
    test(c.name, () => {
      expect(show(messagesOf(`allowed:${i}`))).toBe('');
    });
  });
});

describe('Espruino dialect: scopes', () => {
  test('discovery/** gets the same rules', () => {
    expect(messagesOf('discovery:Map').map((m) => m.ruleId)).toContain('no-restricted-globals');
    expect(messagesOf('discovery:loop').map((m) => m.ruleId)).toContain('espruino/no-loop-head-closure');
    expect(messagesOf('discovery:ascii').map((m) => m.ruleId)).toContain('espruino/no-non-ascii-strings');
  });

  test('device/src/hal/espruino/** may use natives, require and raw timers', () => {
    expect(show(messagesOf('hal:allowed'))).toBe('');
  });

  test('device/src/hal/espruino/** still may not use missing globals or unsupported syntax', () => {
    expect(messagesOf('hal:Map').map((m) => m.ruleId)).toContain('no-restricted-globals');
    expect(messagesOf('hal:destructuring').map((m) => m.ruleId)).toContain('no-restricted-syntax');
  });

  test('the rest of device/src/hal/ may not use raw timers', () => {
    const ms = messagesOf('hal-types:setTimeout');
    expect(ms.map((m) => m.ruleId)).toContain('no-restricted-globals');
    expect(ms[0]!.message).toMatch(/injected Clock/);
  });
});

describe('tooling files lint clean', () => {
  test('eslint.config.mjs, tools/eslint/**, test/tooling/**', () => {
    const out = runEslint({ files: ['eslint.config.mjs', 'tools/eslint', 'test/tooling'] });
    expect(out.length).toBeGreaterThanOrEqual(4);
    for (const r of out) expect(`${r.filePath}\n${show(r.messages)}`).toBe(`${r.filePath}\n`);
  });
});
