// What the Espruino 2v29 interpreter lacks, as data for the bundle check (../shared/docs/espruino.md §1.2 feature matrix
// and "Runtime API gaps", §1.3 regex engine, checklist "Language – forbidden"). Mirrors eslint.config.mjs, which
// guards the TypeScript sources; this list guards the bundled output (esbuild helpers and anything lint missed).

/** Globals that do not exist on the device, with what to do instead. */
export const MISSING_GLOBALS: Record<string, string> = {
  Map: 'use a plain object keyed by string',
  Set: 'use a plain object or an array',
  WeakMap: 'store the value on the object (TS `private`, not #private)',
  WeakSet: 'store a flag on the object',
  WeakRef: 'keep a normal reference',
  FinalizationRegistry: 'release resources explicitly',
  Symbol: 'use string keys',
  Proxy: 'write explicit accessors',
  Reflect: 'use Object.* or fn.apply',
  BigInt: 'split values into 32-bit halves',
  TextEncoder: 'strings are byte strings: use charCodeAt / E.toUint8Array',
  TextDecoder: 'strings are byte strings: use String.fromCharCode / E.toString',
  setImmediate: 'use setTimeout(fn, 0) through the Clock',
  queueMicrotask: 'use Promise.resolve().then(fn)',
  globalThis: 'Espruino has `global`; better pass what you need explicitly',
  structuredClone: 'copy explicitly',
  RangeError: 'throw new Error(msg) with a `code` property',
  AggregateError: 'throw new Error(msg) with a `code` property',
  Intl: 'format by hand (toFixed, padStart)',
  encodeURI: 'use encodeURIComponent on ASCII text',
  decodeURI: 'use decodeURIComponent',
  Buffer: 'Node-only: use Uint8Array',
};

/** Static members that do not exist: object → property → what to do instead. */
export const MISSING_STATICS: Record<string, Record<string, string>> = {
  Object: {
    freeze: 'rely on readonly types',
    seal: 'rely on readonly types',
    isFrozen: 'rely on readonly types',
    isSealed: 'rely on readonly types',
    preventExtensions: 'rely on readonly types',
    is: 'use === (and x !== x for NaN)',
    getOwnPropertySymbols: 'there are no symbols',
  },
  Array: { from: 'build the array with a loop', of: 'use an array literal' },
  Promise: { race: 'use Promise.all or chain .then', allSettled: 'chain .then/.catch per promise', any: 'chain .then/.catch' },
  Number: {
    isInteger: 'use (x | 0) === x or Math.floor(x) === x',
    isNaN: 'use the global isNaN or x !== x',
    isFinite: 'use the global isFinite',
    isSafeInteger: 'compare against 9007199254740991',
    parseFloat: 'use the global parseFloat',
    parseInt: 'use the global parseInt',
    MAX_SAFE_INTEGER: 'write the constant 9007199254740991',
    MIN_SAFE_INTEGER: 'write the constant -9007199254740991',
    EPSILON: 'write the constant 2.220446049250313e-16',
  },
  Math: {
    trunc: 'use x < 0 ? Math.ceil(x) : Math.floor(x)',
    log10: 'use Math.log(x) / Math.LN10',
    log2: 'use Math.log(x) / Math.LN2',
    hypot: 'use Math.sqrt(a*a + b*b)',
    imul: 'multiply in 16-bit halves',
    clz32: 'count with a shift loop',
    fround: 'use a Float32Array',
    cbrt: 'use Math.pow(x, 1/3) with the sign handled',
    sign: 'compare with 0',
  },
  Date: { UTC: 'compute epoch milliseconds by hand' },
  String: { fromCodePoint: 'use String.fromCharCode (8-bit strings)', raw: 'write the escaped string' },
  ArrayBuffer: { isView: 'use instanceof Uint8Array' },
};

/** Prototype methods that do not exist, flagged when called as `x.name(…)`. */
export const MISSING_METHODS: Record<string, string> = {
  finally: 'Promise.prototype.finally is missing: use .then(onDone, onDone)',
  search: 'String.prototype.search is missing: use indexOf',
  lastIndexOf: 'Array/TypedArray.prototype.lastIndexOf is missing: loop backwards',
  flat: 'Array.prototype.flat is missing: concat in a loop',
  flatMap: 'Array.prototype.flatMap is missing: map, then concat in a loop',
  at: '.at() is missing: use a[i] / a[a.length - 1]',
  codePointAt: 'String.prototype.codePointAt is missing: use charCodeAt',
  matchAll: 'String.prototype.matchAll is missing: parse with indexOf/charCodeAt',
  trimStart: 'String.prototype.trimStart is missing: use trim() or a charCodeAt loop',
  trimEnd: 'String.prototype.trimEnd is missing: use trim() or a charCodeAt loop',
  localeCompare: 'String.prototype.localeCompare is missing: compare with < / >',
  normalize: 'String.prototype.normalize is missing (8-bit strings)',
  copyWithin: 'copyWithin is missing: use TypedArray.set(subarray) or a loop',
  findLast: 'findLast is missing: loop backwards',
  findLastIndex: 'findLastIndex is missing: loop backwards',
  reduceRight: 'reduceRight is missing: loop backwards',
  replaceAll: 'String.prototype.replaceAll is missing: use split(x).join(y)',
  toPrecision: 'Number.prototype.toPrecision is missing: use toFixed(n)',
  toExponential: 'Number.prototype.toExponential is missing: use toFixed(n)',
  toLocaleString: 'toLocaleString is missing: format by hand',
};

/** `x.keys()/values()/entries()` (no iterators); Object.keys/values/entries are fine. */
export const ITERATOR_METHODS = ['keys', 'values', 'entries'];

/** Built-ins that cannot be subclassed on Espruino (espruino.md §1.2). */
export const BUILTIN_CLASSES = [
  'Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError', 'AggregateError',
  'Array', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Promise', 'RegExp', 'Date', 'Function', 'Object', 'String', 'Number',
  'Boolean', 'ArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array',
];

/** Built-ins whose methods are not reachable through X.prototype on Espruino 2v29 (`Array.prototype.slice` is
 *  undefined: methods are looked up by the value's type; test/espruino/semantics.test.ts). */
export const PROTOTYPE_LOOKUP_BROKEN = [
  'Array', 'String', 'Number', 'Boolean', 'Date', 'Promise', 'RegExp', 'Function', 'ArrayBuffer', 'DataView', 'Int8Array',
  'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array',
];
