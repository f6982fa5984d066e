// ESLint flat config. Two dialects:
//   * Node code (cli/, bench/, addon/, device/sim/, test/, tools/): eslint + typescript-eslint recommended.
//   * Espruino code (device/src/**, discovery/**): additionally the Espruino 2v29 dialect from
//     ../shared/docs/espruino.md ("Constraints for our firmware (checklist)", §1.2–§1.5) and
//     architecture-and-style.md C3. Espruino parses a function body only when it first runs, so anything unsupported
//     must be rejected here, at build time, not found on the device.
// Proof of every rule: test/tooling/eslint-espruino.test.ts (`npx jest test/tooling`).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import espruino from './tools/eslint/espruino-plugin.mjs';

const TS_FILES = ['**/*.ts', '**/*.mts', '**/*.cts', '**/*.tsx'];
/** Code that runs on the Espruino interpreter (bundled by esbuild). device/sim is Node-only and not in here. */
const ESPRUINO_FILES = ['device/src/**/*.ts', 'discovery/**/*.ts'];
/** The only code allowed to touch Espruino natives and raw timers (C3). */
const HAL_ESPRUINO_FILES = ['device/src/hal/espruino/**/*.ts'];
const TEST_FILES = ['test/**/*.ts', '**/*.test.ts'];

// ---------------------------------------------------------------------------------------------------------------
// no-restricted-syntax: syntax Espruino cannot parse or runs wrongly (espruino.md §1.1, §1.2, §1.3, §1.5;
// checklist "Language – forbidden"). esbuild's `supported` overrides turn some of these into build errors too;
// the rest (computed keys, tagged templates, labels, #private, extends, regex, arguments, …) only lint catches.
// ---------------------------------------------------------------------------------------------------------------

/** TS-only nodes whose parameters never exist at run time (function types, overloads, `declare`, abstract). */
const TYPE_ONLY =
  ':matches(TSFunctionType, TSConstructorType, TSMethodSignature, TSCallSignatureDeclaration, ' +
  'TSConstructSignatureDeclaration, TSDeclareFunction, TSEmptyBodyFunctionExpression, TSIndexSignature)';
const runtime = (node) => `${node}:not(${TYPE_ONLY} ${node})`;

/** Built-ins that cannot be subclassed on Espruino (instances are not `instanceof` them, `message` lost; §1.2). */
const BUILTIN_CLASSES = [
  'Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError', 'AggregateError',
  'Array', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Promise', 'RegExp', 'Date', 'Function', 'Object', 'String', 'Number',
  'Boolean', 'ArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array',
];

/** Prototype methods Espruino lacks (§1.2 "Runtime API gaps"), with the replacement to use. */
const MISSING_METHODS = {
  finally: 'Promise.prototype.finally is missing: use .then(onDone, onDone)',
  search: 'String.prototype.search is missing (and regexes are unreliable): use indexOf',
  lastIndexOf: 'Array/TypedArray.prototype.lastIndexOf is missing: loop backwards',
  flat: 'Array.prototype.flat is missing: concat in a loop',
  flatMap: 'Array.prototype.flatMap is missing: map, then concat in a loop',
  at: '.at() is missing: use a[i] / a[a.length - 1]',
  codePointAt: 'String.prototype.codePointAt is missing (strings are 8-bit): use charCodeAt',
  matchAll: 'String.prototype.matchAll is missing: parse with indexOf/charCodeAt',
  trimStart: 'String.prototype.trimStart is missing: use trim() or a charCodeAt loop',
  trimEnd: 'String.prototype.trimEnd is missing: use trim() or a charCodeAt loop',
  localeCompare: 'String.prototype.localeCompare is missing: compare with < / >',
  normalize: 'String.prototype.normalize is missing (no Unicode support on the ESP32 build)',
  copyWithin: 'copyWithin is missing: use TypedArray.set(subarray) or a loop',
  findLast: 'Array.prototype.findLast is missing: loop backwards',
  findLastIndex: 'Array.prototype.findLastIndex is missing: loop backwards',
  reduceRight: 'Array.prototype.reduceRight is missing: loop backwards',
  replaceAll: 'String.prototype.replaceAll is missing: use split(x).join(y)',
  toPrecision: 'Number.prototype.toPrecision is missing: use toFixed(n) (§1.4)',
  toExponential: 'Number.prototype.toExponential is missing: use toFixed(n) (§1.4)',
  toLocaleString: 'toLocaleString is missing: format by hand (toFixed, padStart)',
};
const ARRAY_ITERATOR_METHODS = 'Array.prototype.keys/values/entries are missing (no iterators): use an index loop or forEach';

const espruinoSyntax = [
  // Destructuring, default/rest parameters, spread (§1.1 "only plain identifiers are parsed", §1.2, §1.5).
  { selector: runtime('ObjectPattern'), message: 'Espruino: no destructuring ({a} = o, ({a}) => …, catch ({message})). Read the properties one by one (espruino.md §1.2).' },
  { selector: runtime('ArrayPattern'), message: 'Espruino: no array destructuring ([a, b] = x, ([k, v]) => …). Index the array instead (espruino.md §1.2).' },
  { selector: 'AssignmentPattern', message: 'Espruino: no default values for parameters or destructuring. Use an optional parameter and `x === undefined ? d : x` in the body (espruino.md §1.2).' },
  { selector: runtime('RestElement'), message: 'Espruino: no rest parameters/elements (...args). Pass an array (espruino.md §1.2).' },
  { selector: 'SpreadElement:not(ObjectExpression > SpreadElement)', message: 'Espruino: no array/call spread (...). Use concat/loops or fn.apply(null, arr) (≤256 elements); only object spread {...o} is allowed because esbuild lowers it (espruino.md §1.2, §1.5).' },
  // Computed keys, string-named class members (§1.2: SyntaxError or silently wrong).
  { selector: 'Property[computed=true]', message: 'Espruino: no computed object keys {[k]: v}. Create the object, then assign o[k] = v (espruino.md §1.2).' },
  { selector: 'MethodDefinition[computed=true], PropertyDefinition[computed=true], AccessorProperty[computed=true]', message: 'Espruino: no computed class member names [k]() {} (espruino.md §1.2).' },
  { selector: "MethodDefinition[computed=false][key.type='Literal']", message: "Espruino: a class method named by a string/number literal ('x'() {}) is a SyntaxError. Use an identifier name (espruino.md §1.2)." },
  // Other unsupported syntax (§1.2).
  { selector: 'TaggedTemplateExpression', message: 'Espruino: no tagged templates (tag`…`, String.raw`…`); esbuild lowers them with Object.freeze, which is missing (espruino.md §1.2, §1.5).' },
  { selector: 'LabeledStatement', message: 'Espruino: labels are parsed as expressions (ReferenceError). Use a flag or a helper function with return (espruino.md §1.2).' },
  { selector: 'MetaProperty', message: 'Espruino: no new.target / import.meta (espruino.md §1.2).' },
  { selector: 'PrivateIdentifier', message: 'Espruino: no #private members; esbuild lowers them to WeakMap, which is missing. Use TypeScript `private` (espruino.md §1.2, C3).' },
  { selector: 'AccessorProperty', message: 'Espruino: no `accessor` fields; esbuild lowers them to WeakMap, which is missing. Write a getter/setter pair (espruino.md §1.2).' },
  { selector: 'Decorator', message: 'Espruino: no decorators (the lowering needs Symbol/WeakMap/Object.freeze) (espruino.md checklist).' },
  { selector: "VariableDeclaration[kind='using'], VariableDeclaration[kind='await using']", message: 'Espruino: no `using` declarations (need Symbol.dispose) (espruino.md §1.2).' },
  // Generators and async (§1.1: no tokens for yield/async/await).
  { selector: ':function[generator=true]', message: 'Espruino: no generators (function*). Return an array or use a callback (espruino.md §1.2).' },
  { selector: 'YieldExpression', message: 'Espruino: no yield (espruino.md §1.2).' },
  { selector: ':function[async=true]', message: 'Espruino: no async functions. Return a Promise and chain .then/.catch (espruino.md §1.2).' },
  { selector: 'AwaitExpression', message: 'Espruino: no await. Chain .then/.catch (espruino.md §1.2).' },
  { selector: 'ForOfStatement[await=true]', message: 'Espruino: no for await…of (espruino.md §1.2).' },
  // Classes (§1.2: `extends` must be an identifier; built-ins cannot be subclassed).
  { selector: ":matches(ClassDeclaration, ClassExpression)[superClass][superClass.type!='Identifier']", message: 'Espruino: `class X extends <expression>` is a ReferenceError; extend a plain identifier only (espruino.md §1.2).' },
  { selector: `:matches(ClassDeclaration, ClassExpression)[superClass.type='Identifier'][superClass.name=/^(${BUILTIN_CLASSES.join('|')})$/]`, message: 'Espruino: built-ins cannot be subclassed (instances are not instanceof Error/Array/…, message is lost). For errors use `new Error(msg)` plus a `code` property (espruino.md §1.2).' },
  // Regular expressions (§1.3: tiny engine, silent non-matches).
  { selector: 'Literal[regex]', message: 'Espruino: no regex literals; its engine silently fails on ?, {n}, (?:…), lookarounds, \\b … Parse with indexOf/charCodeAt (espruino.md §1.3).' },
  { selector: "NewExpression[callee.name='RegExp'], CallExpression[callee.name='RegExp']", message: 'Espruino: no RegExp objects; its engine silently fails on most patterns. Parse with indexOf/charCodeAt (espruino.md §1.3).' },
  // `arguments` (§1.2: arguments.length counts declared params).
  {
    selector:
      "Identifier[name='arguments']:not(MemberExpression[computed=false] > .property, :matches(Property, MethodDefinition, PropertyDefinition, TSPropertySignature, TSMethodSignature)[computed=false] > .key)",
    message: 'Espruino: `arguments` is wrong (arguments.length counts declared parameters). Declare the parameters or pass an array (espruino.md §1.2).',
  },
  // `arr.length = n` throws (§1.2). `this.length` is exempt: a class's own field, since extending Array is banned.
  { selector: "AssignmentExpression > MemberExpression.left[computed=false][property.name='length']:not([object.type='ThisExpression'])", message: 'Espruino: assigning arr.length throws "Assignment to a constant". Use arr.splice(n) (espruino.md §1.2).' },
  { selector: "UpdateExpression > MemberExpression.argument[computed=false][property.name='length']:not([object.type='ThisExpression'])", message: 'Espruino: changing arr.length throws "Assignment to a constant". Use push/pop/splice (espruino.md §1.2).' },
  // `**` is lowered to Math.pow, which is imprecise (§1.4).
  { selector: "BinaryExpression[operator='**'], AssignmentExpression[operator='**=']", message: 'Espruino: ** becomes Math.pow, which is imprecise (Math.pow(2,53) = 9007199254740986). Use multiplication or shifts (espruino.md §1.4).' },
  // Missing prototype methods (§1.2 "Runtime API gaps").
  ...Object.keys(MISSING_METHODS).map((name) => ({
    selector: `CallExpression > MemberExpression.callee[property.name='${name}']`,
    message: `Espruino: ${MISSING_METHODS[name]} (espruino.md §1.2).`,
  })),
  {
    selector: "CallExpression > MemberExpression.callee[property.name=/^(keys|values|entries)$/][object.name!='Object']",
    message: `Espruino: ${ARRAY_ITERATOR_METHODS} (espruino.md §1.2). Object.keys/values/entries are fine.`,
  },
];

// ---------------------------------------------------------------------------------------------------------------
// no-restricted-globals: globals Espruino does not have (§1.2 table and "Runtime API gaps"), and — outside
// device/src/hal/espruino/** — the Espruino natives and raw timers (architecture-and-style.md C3: time comes from the
// injected Clock, hardware from the HAL).
// ---------------------------------------------------------------------------------------------------------------
const missingGlobal = (name, hint) => ({ name, message: `Espruino: ${name} does not exist on the device${hint ? `; ${hint}` : ''} (espruino.md §1.2).` });
const MISSING_GLOBALS = [
  missingGlobal('Map', 'use a plain object keyed by string'),
  missingGlobal('Set', 'use a plain object or an array'),
  missingGlobal('WeakMap', 'store the value on the object'),
  missingGlobal('WeakSet', 'store a flag on the object'),
  missingGlobal('WeakRef'),
  missingGlobal('FinalizationRegistry'),
  missingGlobal('Symbol'),
  missingGlobal('Proxy'),
  missingGlobal('Reflect', 'use Object.* / fn.apply'),
  missingGlobal('BigInt', 'split into 32-bit halves'),
  missingGlobal('TextEncoder', 'strings are byte strings: use charCodeAt'),
  missingGlobal('TextDecoder', 'strings are byte strings: use String.fromCharCode'),
  missingGlobal('setImmediate', 'use the injected Clock'),
  missingGlobal('queueMicrotask', 'use Promise.resolve().then(fn)'),
  missingGlobal('RangeError', 'throw new Error(msg) with a `code` property'),
  missingGlobal('AggregateError', 'throw new Error(msg) with a `code` property'),
  missingGlobal('structuredClone', 'copy explicitly'),
  missingGlobal('globalThis'),
  missingGlobal('Intl', 'format by hand'),
  missingGlobal('encodeURI', 'use encodeURIComponent on ASCII only (espruino.md §1.4)'),
  missingGlobal('decodeURI', 'use decodeURIComponent'),
  missingGlobal('Buffer', 'Node-only: use Uint8Array'),
];
const halOnly = (name, hint) => ({ name, message: `Only device/src/hal/espruino/** may use ${name}; ${hint} (architecture-and-style.md C3).` });
const HAL_ONLY_GLOBALS = [
  halOnly('require', 'import the module, natives come through the HAL'),
  halOnly('Serial1', 'use the Uart from the HAL'),
  halOnly('Serial2', 'use the Uart from the HAL'),
  halOnly('Serial3', 'use the Uart from the HAL'),
  halOnly('E', 'use the System/Crypto HAL'),
  halOnly('ESP32', 'use the System HAL'),
  halOnly('Wifi', 'use the Wifi HAL'),
  halOnly('setTimeout', 'get time through the injected Clock'),
  halOnly('setInterval', 'get time through the injected Clock'),
  halOnly('clearTimeout', 'get time through the injected Clock'),
  halOnly('clearInterval', 'get time through the injected Clock'),
];

// ---------------------------------------------------------------------------------------------------------------
// no-restricted-properties: static APIs Espruino lacks (§1.2 "Runtime API gaps", checklist). JSON.stringify stays
// allowed (format numbers with toFixed first, §1.4).
// ---------------------------------------------------------------------------------------------------------------
const missingStatic = (object, properties, hint) =>
  properties.map((property) => ({
    object,
    property,
    message: `Espruino: ${object}.${property} does not exist on the device${hint ? `; ${hint}` : ''} (espruino.md §1.2).`,
  }));
const MISSING_STATICS = [
  ...missingStatic('Object', ['freeze', 'seal', 'isFrozen', 'isSealed', 'preventExtensions', 'is', 'getOwnPropertySymbols'], 'rely on readonly types / ==='),
  ...missingStatic('Array', ['from', 'of'], 'build the array with a loop'),
  ...missingStatic('Promise', ['race', 'allSettled', 'any'], 'use Promise.all or chain .then'),
  ...missingStatic('Number', ['isInteger', 'isNaN', 'isFinite', 'isSafeInteger', 'parseFloat', 'parseInt'], 'use the global isNaN/isFinite/parseInt/parseFloat or (x | 0) === x'),
  ...missingStatic('Number', ['MAX_SAFE_INTEGER', 'MIN_SAFE_INTEGER', 'EPSILON'], 'write the constant'),
  ...missingStatic('Math', ['trunc', 'cbrt', 'log2', 'log10', 'hypot', 'imul', 'clz32', 'fround', 'sign'], 'use floor/ceil, Math.log(x) / Math.LN10, comparisons'),
  ...missingStatic('Date', ['UTC'], 'compute epoch milliseconds by hand'),
  ...missingStatic('String', ['fromCodePoint', 'raw'], 'use String.fromCharCode (8-bit strings)'),
  ...missingStatic('ArrayBuffer', ['isView'], 'use instanceof Uint8Array'),
];

export default defineConfig(
  { ignores: ['**/node_modules/**', 'dist/**', 'coverage/**', '.tmp/**'] },

  // Everything: eslint recommended; TypeScript files: typescript-eslint recommended (not type-checked: fast).
  js.configs.recommended,
  ...tseslint.configs.recommended.map((config) => ({ ...config, files: config.files || TS_FILES })),

  // Plain JS in the repo is Node tooling (jest.config.js, test/helpers/*.cjs, this file, tools/eslint/*.mjs).
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: globals.node },
  },

  // Ambient declarations (device/types/espruino.d.ts): `declare var X: XConstructor` is how a global value is typed.
  {
    files: ['**/*.d.ts'],
    rules: { 'no-var': 'off' },
  },

  // Node-side tests: `any` is fine for JSON fixtures and mocks.
  {
    files: TEST_FILES,
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },

  // ------------------------------ Espruino dialect: device/src/** and discovery/** ------------------------------
  {
    files: ESPRUINO_FILES,
    plugins: { espruino },
    rules: {
      // Syntax Espruino cannot run (espruino.md §1.1–§1.5, checklist "Language – forbidden").
      'no-restricted-syntax': ['error', ...espruinoSyntax],
      // Missing globals + HAL-only natives/timers (espruino.md §1.2; architecture-and-style.md C3).
      'no-restricted-globals': ['error', ...MISSING_GLOBALS, ...HAL_ONLY_GLOBALS],
      // Missing static APIs (espruino.md §1.2 "Runtime API gaps").
      'no-restricted-properties': ['error', ...MISSING_STATICS],
      // Labels are parsed as expressions (espruino.md §1.2).
      'no-labels': 'error',
      // No hoisting: a function/class/variable exists only once its statement has run (espruino.md §1.1, checklist).
      'no-use-before-define': 'off',
      '@typescript-eslint/no-use-before-define': [
        'error',
        { functions: true, classes: true, variables: true, typedefs: false, ignoreTypeReferences: true },
      ],
      // These recommend rest/spread/destructuring, which Espruino lacks (espruino.md checklist "Build").
      'prefer-rest-params': 'off',
      'prefer-spread': 'off',
      'prefer-destructuring': 'off',
      // Closures over for(let/const …) head variables see the last value (espruino.md §1.2; core no-loop-func
      // treats let heads as safe).
      'espruino/no-loop-head-closure': 'error',
      // 8-bit strings without UTF-8; JSON.stringify mojibakes non-ASCII (espruino.md §1.2, §1.4). Comments are fine.
      'espruino/no-non-ascii-strings': 'error',
    },
  },
  // The Espruino HAL implementation is the one place allowed to touch natives and raw timers (C3).
  {
    files: HAL_ESPRUINO_FILES,
    rules: {
      'no-restricted-globals': ['error', ...MISSING_GLOBALS],
    },
  },
);
