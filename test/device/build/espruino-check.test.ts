// The bundle check (tools/espruino-check) rejects every construct and API Espruino 2v29 lacks
// (../shared/docs/espruino.md §1.2, §1.3, checklist "Language – forbidden"), one snippet per rule, and accepts the
// allowed alternative next to it.
import { checkSource, formatViolation, regexProblems } from '../../../tools/espruino-check';

const rulesOf = (code: string, objectSpread: 'allow' | 'reject' = 'allow'): string[] =>
  checkSource(code, { objectSpread }).violations.map((v) => v.rule);

// [name, forbidden snippet, expected rule, allowed alternative]
const CASES: [string, string, string, string][] = [
  ['object destructuring', 'var {a} = o;', 'destructuring', 'var a = o.a;'],
  ['array destructuring', 'var [a, b] = x;', 'destructuring', 'var a = x[0], b = x[1];'],
  ['destructuring callback', 'xs.forEach(([k, v]) => k);', 'destructuring', 'xs.forEach((kv) => kv[0]);'],
  ['catch destructuring', 'try {} catch ({message}) {}', 'destructuring', 'try {} catch (e) { e.message; }'],
  ['default parameter', 'function f(a = 1) { return a; }', 'default-value', 'function f(a) { return a === undefined ? 1 : a; }'],
  ['rest parameter', 'function f(...a) { return a; }', 'rest', 'function f(a) { return a; }'],
  ['call spread', 'f(...xs);', 'spread', 'f.apply(null, xs);'],
  ['array spread', 'var a = [...xs];', 'spread', 'var a = xs.slice();'],
  ['computed key', 'var o = {[k]: 1};', 'computed-key', 'var o = {}; o[k] = 1;'],
  ['computed class member', 'class A { [k]() {} }', 'computed-key', 'class A { k() {} }'],
  ['string-named method', "class A { 'x'() {} }", 'string-method-name', 'class A { x() {} }'],
  ['tagged template', 'var s = tag`a${b}`;', 'tagged-template', 'var s = `a${b}`;'],
  ['String.raw', 'var s = String.raw`a`;', 'tagged-template', "var s = 'a';"],
  ['label', 'outer: for (;;) { break outer; }', 'label', 'for (;;) { break; }'],
  ['new.target', 'function F() { return new.target; }', 'new-target', 'function F() { return this; }'],
  ['extends expression', 'class A extends mixin(B) {}', 'class-extends', 'class A extends B {}'],
  ['extends parenthesised', 'class A extends (B) {}', 'class-extends', 'class A extends B {}'],
  ['extends Error', 'class E extends Error {}', 'class-extends', "var e = new Error('x'); e.code = 1;"],
  ['generator', 'function* g() { yield 1; }', 'generator', 'function g() { return [1]; }'],
  ['async function', 'async function f() { return 1; }', 'async', 'function f() { return Promise.resolve(1); }'],
  ['await', 'async function f() { await p; }', 'async', 'function f() { return p.then(function () {}); }'],
  ['async arrow', 'var f = async () => 1;', 'async', 'var f = () => Promise.resolve(1);'],
  ['for await', 'async function f() { for await (const x of xs) {} }', 'for-await', 'xs.forEach(function (x) {});'],
  ['arguments', 'function f() { return arguments.length; }', 'arguments', 'function f(a, b) { return b === undefined ? 1 : 2; }'],
  ['exponent', 'var x = 2 ** 8;', 'exponent', 'var x = 2 * 2 * 2 * 2 * 2 * 2 * 2 * 2;'],
  ['exponent assignment', 'x **= 2;', 'exponent', 'x = x * x;'],
  ['optional chaining', 'var x = a?.b;', 'optional-chaining', 'var x = a && a.b;'],
  ['logical assignment', 'a ??= 1;', 'logical-assignment', 'a = a == null ? 1 : a;'],
  ['private field', 'class A { #p = 1; }', 'private-field', 'class A { constructor() { this.p = 1; } }'],
  ['class field', 'class A { x = []; }', 'class-field', 'class A { constructor() { this.x = []; } }'],
  ['static block', 'class A { static { init(); } }', 'static-block', 'class A {} init();'],
  ['bigint literal', 'var x = 10n;', 'bigint', 'var x = 10;'],
  ['unicode escape > 0xFF', "var s = '\\u20AC';", 'unicode-escape', "var s = '\\xA4';"],
  ['dynamic import', "import('x');", 'dynamic-import', "require('x');"],
  // Globals
  ['Map', 'var m = new Map();', 'missing-global', 'var m = {};'],
  ['Set', 'var s = new Set();', 'missing-global', 'var s = [];'],
  ['WeakMap', 'var m = new WeakMap();', 'missing-global', 'o._x = 1;'],
  ['WeakSet', 'var s = new WeakSet();', 'missing-global', 'o._seen = true;'],
  ['Symbol', 'var s = Symbol.iterator;', 'missing-global', "var s = 'iterator';"],
  ['Proxy', 'var p = new Proxy(o, {});', 'missing-global', 'var p = o;'],
  ['Reflect', 'Reflect.apply(f, null, []);', 'missing-global', 'f.apply(null, []);'],
  ['BigInt', 'var b = BigInt(1);', 'missing-global', 'var b = 1;'],
  ['TextEncoder', 'new TextEncoder();', 'missing-global', 'E.toUint8Array(s);'],
  ['TextDecoder', 'new TextDecoder();', 'missing-global', 'E.toString(b);'],
  ['setImmediate', 'setImmediate(f);', 'missing-global', 'setTimeout(f, 0);'],
  ['queueMicrotask', 'queueMicrotask(f);', 'missing-global', 'Promise.resolve().then(f);'],
  ['globalThis', 'globalThis.x = 1;', 'missing-global', 'global.x = 1;'],
  ['structuredClone', 'var c = structuredClone(o);', 'missing-global', 'var c = JSON.parse(JSON.stringify(o));'],
  // Statics
  ['Object.freeze', 'Object.freeze(o);', 'missing-static', 'Object.keys(o);'],
  ['Object.seal', 'Object.seal(o);', 'missing-static', 'Object.assign({}, o);'],
  ['Object.is', 'Object.is(a, b);', 'missing-static', 'a === b;'],
  ['Array.from', 'Array.from(s);', 'missing-static', 'Array.isArray(s);'],
  ['Array.of', 'Array.of(1);', 'missing-static', '[1];'],
  ['Promise.race', 'Promise.race(ps);', 'missing-static', 'Promise.all(ps);'],
  ['Promise.allSettled', 'Promise.allSettled(ps);', 'missing-static', 'Promise.all(ps);'],
  ['Promise.any', 'Promise.any(ps);', 'missing-static', 'Promise.resolve(1);'],
  ['finally', 'p.finally(done);', 'missing-method', 'p.then(done, done);'],
  ['Number.isInteger', 'Number.isInteger(x);', 'missing-static', '(x | 0) === x;'],
  ['Number.isNaN', 'Number.isNaN(x);', 'missing-static', 'isNaN(x);'],
  ['Number.isFinite', 'Number.isFinite(x);', 'missing-static', 'isFinite(x);'],
  ['Number.MAX_SAFE_INTEGER', 'var m = Number.MAX_SAFE_INTEGER;', 'missing-static', 'var m = Number.MAX_VALUE;'],
  ['Number.EPSILON', 'var e = Number.EPSILON;', 'missing-static', 'var e = 2.220446049250313e-16;'],
  ['Math.trunc', 'Math.trunc(x);', 'missing-static', 'Math.floor(x);'],
  ['Math.log10', 'Math.log10(x);', 'missing-static', 'Math.log(x) / Math.LN10;'],
  ['Math.log2', 'Math.log2(x);', 'missing-static', 'Math.log(x) / Math.LN2;'],
  ['Math.hypot', 'Math.hypot(a, b);', 'missing-static', 'Math.sqrt(a * a + b * b);'],
  ['Math.imul', 'Math.imul(a, b);', 'missing-static', 'a * b;'],
  ['Math.clz32', 'Math.clz32(x);', 'missing-static', 'Math.abs(x);'],
  ['Math.fround', 'Math.fround(x);', 'missing-static', 'new Float32Array([x])[0];'],
  ['Math.cbrt', 'Math.cbrt(x);', 'missing-static', 'Math.pow(x, 1 / 3);'],
  ['Date.UTC', 'Date.UTC(2024, 0, 1);', 'missing-static', 'Date.parse("2024-01-01T00:00:00Z");'],
  ['String.fromCodePoint', 'String.fromCodePoint(65);', 'missing-static', 'String.fromCharCode(65);'],
  ['computed static access', "Object['freeze'](o);", 'missing-static', "Object['keys'](o);"],
  ['array iterator', 'a.entries();', 'missing-method', 'Object.entries(o);'],
  // Regex (§1.3)
  ['regex ?', 'var r = /\\r?\\n/;', 'regex', 'var r = /\\n/;'],
  ['regex {n}', 'var r = /\\d{2}/;', 'regex', 'var r = /\\d\\d/;'],
  ['regex (?:', 'var r = /(?:ab)c/;', 'regex', 'var r = /(ab)c/;'],
  ['regex lazy', 'var r = /a*?b/;', 'regex', 'var r = /a*b/;'],
  ['regex \\b', 'var r = /\\bword/;', 'regex', 'var r = /word/;'],
  ['regex lookahead', 'var r = /a(?=b)/;', 'regex', 'var r = /ab/;'],
  ['regex lookbehind', 'var r = /(?<=a)b/;', 'regex', 'var r = /ab/;'],
  ['regex m flag', 'var r = /^a/m;', 'regex', 'var r = /^a/;'],
  ['regex \\u', 'var r = /\\u0041/;', 'regex', 'var r = /\\x41/;'],
  ['RegExp constructor', "var r = new RegExp('a?b');", 'regex', "var r = new RegExp('ab');"],
  // Semantics the interpreter gets wrong (shared/espruino/README.md known differences; test/espruino/semantics.test.ts)
  ['arrow loses this', 'var f = x => this.log.debug(() => x);', 'arrow-this', 'var log = this.log; var f = x => log.debug(() => x);'],
  ['arrow loses this (function literal)', 'var f = x => [this.v, function () { return x; }][0];', 'arrow-this', 'var f = x => [function () { return x; }, this.v][1];'],
  ['closure over a for-let variable', 'for (let i = 0; i < 3; i++) fs.push(() => i);', 'loop-closure', 'for (let i = 0; i < 3; i++) { const v = i; fs.push(() => v); }'],
  ['closure over a for-of const', 'for (const k of ks) o[k] = { get: () => from[k] };', 'loop-closure', 'ks.forEach(function (k) { o[k] = { get: () => from[k] }; });'],
  ['Array.prototype method', 'var s = Array.prototype.slice.call(a, 1);', 'builtin-prototype', 'var s = [].slice.call(a, 1);'],
  ['Object.prototype.toString', 'var t = Object.prototype.toString.call(x);', 'builtin-prototype', 'var h = Object.prototype.hasOwnProperty.call(x, "a");'],
  ['call in the index of a property target', 'this.buf[this.room(1)] = v;', 'evaluation-order', 'var i = this.room(1); this.buf[i] = v;'],
  ['use before a function declaration', 'var x = later(); function later() { return 1; }', 'hoisting', 'function later() { return 1; } var x = later();'],
];

describe('espruino-check: each forbidden construct is reported, the allowed alternative is not', () => {
  test.each(CASES)('%s', (_name, bad, rule, good) => {
    expect(rulesOf(bad)).toContain(rule);
    expect(rulesOf(good)).toEqual([]);
  });
});

describe('espruino-check: scope and context', () => {
  test('a local binding named like a missing global is not a violation', () => {
    expect(rulesOf('function f(Map) { return new Map(); }')).toEqual([]);
    expect(rulesOf('function f() { var Set = g(); return new Set(); }')).toEqual([]);
    expect(rulesOf('function f() { let Symbol = 1; { return Symbol; } }')).toEqual([]);
    expect(rulesOf('try {} catch (Proxy) { Proxy.x; }')).toEqual([]);
    expect(rulesOf('var Object = {}; Object.freeze(o);')).toEqual([]);
  });

  test('a global is still reported outside the shadowing scope', () => {
    expect(rulesOf('function f(Map) {} new Map();')).toEqual(['missing-global']);
  });

  test('typeof feature tests are allowed; property names are not references', () => {
    expect(rulesOf("var has = typeof Symbol !== 'undefined';")).toEqual([]);
    expect(rulesOf('o.Map = 1; var x = { Set: 2, Proxy() {} }; class C { Reflect() {} }')).toEqual([]);
  });

  test('an explicit variable named arguments is not the arguments object', () => {
    expect(rulesOf('function f() { var arguments = [1]; return arguments; }')).toEqual([]);
    expect(rulesOf('var f = () => arguments;')).toEqual(['arguments']);
  });

  test('object spread is allowed in sources and rejected in bundles', () => {
    expect(rulesOf('var o = {...a};')).toEqual([]);
    expect(rulesOf('var o = {...a};', 'reject')).toEqual(['spread']);
  });

  test('a syntax error is reported, not thrown', () => {
    expect(rulesOf('var = ;')).toEqual(['parse-error']);
  });

  test('violations carry line, column, a hint and an excerpt', () => {
    const [v] = checkSource('var ok = 1;\n  var m = new Map();').violations;
    expect(v).toMatchObject({ rule: 'missing-global', line: 2, column: 15 });
    expect(formatViolation('bundle.js', v!)).toMatch(/^bundle\.js:2:15: Map does not exist on the device \[missing-global\]\. Instead: .*Near: …/);
  });

  test('arrow-this: block bodies, a this after the last nested function, and plain function `this` are fine', () => {
    expect(rulesOf('var f = x => { return this.a(() => x); };')).toEqual([]);
    expect(rulesOf('var f = () => this.h.set(() => this.h.reboot(), 1e3);')).toEqual([]);
    expect(rulesOf('var f = x => g(function () { return this; });')).toEqual([]);
    expect(rulesOf('var f = x => this.a(function () { this; return () => x; });')).toEqual([]);
    expect(rulesOf('var f = x => this.a(() => () => { return 1; });')).toEqual(['arrow-this']);
  });

  test('loop-closure and hoisting: only what really runs wrong', () => {
    expect(rulesOf('for (var i = 0; i < 3; i++) fs.push(() => i);')).toEqual([]);
    expect(rulesOf('for (let i = 0; i < 3; i++) { o.i = i; f(); }')).toEqual([]);
    expect(rulesOf('function a() { return b(); } function b() { return 1; } a();')).toEqual([]);
    expect(rulesOf('Array.prototype.foo = function () {};')).toEqual([]);
    expect(rulesOf('var t = []; t[n++] = 1; t[f()] = 2; o.b[n++] = 3;')).toEqual([]);
  });

  test('functions are counted', () => {
    expect(checkSource('function a() {} var b = () => 1; var c = { d() {}, get e() { return 1; } }; class F { g() {} }').functions).toBe(5);
  });
});

describe('regexProblems (Espruino regex engine, espruino.md §1.3)', () => {
  test('simple patterns pass', () => {
    for (const p of ['abc', '^a+$', '[0-9]+', '\\d+\\.\\d*', '(ab)', 'a|b', '[?{}]', '\\?', '\\{2\\}']) expect(regexProblems(p, 'gi')).toEqual([]);
  });

  test('each unsupported feature is named', () => {
    const messages = (p: string, f = '') => regexProblems(p, f).map((x) => x.message).join(' | ');
    expect(messages('a?')).toMatch(/\? quantifier/);
    expect(messages('a{1,3}')).toMatch(/counted quantifiers/);
    expect(messages('(?:a)')).toMatch(/non-capturing/);
    expect(messages('a+?')).toMatch(/lazy/);
    expect(messages('(ab)+')).toMatch(/on a group/);
    expect(messages('(a|b)')).toMatch(/alternation/);
    expect(messages('(a)\\1')).toMatch(/backreferences/);
    expect(messages('a', 'gms')).toMatch(/flag "m".*flag "s"/);
    expect(messages('\\u00e9')).toMatch(/\\u escapes/);
    expect(messages('\\B')).toMatch(/word boundary/);
  });
});
