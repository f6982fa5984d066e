// Removes from a fresh vm context everything Espruino 2v29 lacks (../shared/docs/espruino.md §1.2 table and "Runtime
// API gaps"; checklist "Testing/simulation in Node"), so firmware using them fails in tests as it would on the device.
// The lists are shared with the bundle check (tools/espruino-check/rules.ts), plus V8 extras newer than ES2015.
import * as vm from 'vm';
import { MISSING_GLOBALS, MISSING_METHODS, MISSING_STATICS } from '../../../tools/espruino-check/rules';

/** Globals a vm context has and Espruino does not, beyond the checker's list. */
const EXTRA_GLOBALS = [
  'BigInt64Array', 'BigUint64Array', 'EvalError', 'URIError', 'SharedArrayBuffer', 'Atomics', 'WebAssembly', 'Iterator',
  'SuppressedError', 'DisposableStack', 'AsyncDisposableStack', 'clearImmediate',
];

/** Prototype methods Espruino lacks, per built-in (String.prototype.lastIndexOf exists on Espruino; keep it). */
const EXTRA_METHODS: Record<string, string[]> = {
  Array: ['keys', 'values', 'entries', 'toSorted', 'toReversed', 'toSpliced', 'with', 'toLocaleString'],
  TypedArray: ['keys', 'values', 'entries', 'toSorted', 'toReversed', 'with', 'toLocaleString'],
  Date: ['toLocaleString', 'toLocaleDateString', 'toLocaleTimeString'],
  Number: ['toLocaleString'],
  String: ['at', 'isWellFormed', 'toWellFormed'],
  Object: [],
};
const EXTRA_STATICS: Record<string, string[]> = {
  Object: ['groupBy', 'hasOwn'],
  Promise: ['withResolvers'],
  TypedArray: ['from', 'of'],
  Array: ['fromAsync'],
};

/** Number's constants (MAX_SAFE_INTEGER, EPSILON, …) cannot be deleted (non-configurable), so the global Number is
 *  replaced by a function that converts and constructs like it, shares its prototype and has only ES5's statics. */
const NUMBER_SCRIPT = `(function (N) {
  function Number(value) {
    // Espruino: trailing white space makes a string NaN (Number('12 '), Number(' ')), leading white space does not.
    var n = arguments.length === 0 ? 0 : typeof value === 'string' && /\\s$/.test(value) ? NaN : N(value);
    return this instanceof Number ? new N(n) : n;
  }
  Number.prototype = N.prototype;
  Object.defineProperty(N.prototype, 'constructor', { value: Number, writable: true, configurable: true, enumerable: false });
  ['MAX_VALUE', 'MIN_VALUE', 'NaN', 'NEGATIVE_INFINITY', 'POSITIVE_INFINITY'].forEach(function (k) {
    Object.defineProperty(Number, k, { value: N[k], writable: false, configurable: false, enumerable: false });
  });
  return Number;
})`;

function remove(owner: Record<string, unknown> | undefined, key: string): void {
  if (!owner || !Object.prototype.hasOwnProperty.call(owner, key)) return;
  if (!Reflect.deleteProperty(owner, key)) {
    throw new Error(`cannot remove ${key} from the Espruino context`);
  }
}

export function stripEspruinoGlobals(context: vm.Context): void {
  const g = vm.runInContext('this', context) as Record<string, Record<string, unknown>>;
  g.Number = (vm.runInContext(NUMBER_SCRIPT, context) as (n: unknown) => Record<string, unknown>)(g.Number);
  const typedArray = Object.getPrototypeOf(g.Uint8Array) as Record<string, unknown>;
  const holder = (name: string): Record<string, unknown> | undefined => (name === 'TypedArray' ? typedArray : g[name]);

  for (const name of [...Object.keys(MISSING_GLOBALS), ...EXTRA_GLOBALS]) remove(g, name);
  for (const [object, props] of Object.entries(MISSING_STATICS)) for (const p of Object.keys(props)) remove(g[object], p);
  for (const [object, props] of Object.entries(EXTRA_STATICS)) for (const p of props) remove(holder(object), p);

  const prototypes: Record<string, Record<string, unknown>> = {
    Array: g.Array!.prototype as Record<string, unknown>,
    TypedArray: typedArray.prototype as Record<string, unknown>,
    String: g.String!.prototype as Record<string, unknown>,
    Number: g.Number!.prototype as Record<string, unknown>,
    Date: g.Date!.prototype as Record<string, unknown>,
    Promise: g.Promise!.prototype as Record<string, unknown>,
    Object: g.Object!.prototype as Record<string, unknown>,
  };
  for (const method of Object.keys(MISSING_METHODS)) {
    for (const [owner, proto] of Object.entries(prototypes)) {
      if (owner === 'Object' || (owner === 'String' && method === 'lastIndexOf')) continue;
      remove(proto, method);
    }
  }
  for (const [owner, methods] of Object.entries(EXTRA_METHODS)) for (const m of methods) remove(prototypes[owner], m);
  (vm.runInContext(ESPRUINO_SEMANTICS_SCRIPT, context) as (typedArray: unknown) => void)(typedArray);
}

/** Behaviour of Espruino 2v29 that differs from V8 and that the realm reproduces, so that host tests fail (or print)
 *  where the device would (shared/espruino/README.md "Known behaviour differences from V8/Node", and what
 *  test/espruino/semantics.test.ts found by running the same snippet on the real interpreter and here). Differences
 *  the realm cannot reproduce are rejected by the bundle check instead (tools/espruino-check: arrow-this, loop-let
 *  closures, built-in prototype methods). Installed inside the context with the %TypedArray% constructor. */
const ESPRUINO_SEMANTICS_SCRIPT = `(function (TypedArray) {
  function define(owner, name, fn) { Object.defineProperty(owner, name, { value: fn, writable: true, configurable: true, enumerable: false }); }
  function isTyped(x) { return x instanceof TypedArray; }
  var apply = Function.prototype.apply;
  var arraySlice = Array.prototype.slice;
  var subarray = TypedArray.prototype.subarray;
  var split = String.prototype.split;
  var replace = String.prototype.replace;
  var fromCharCode = String.fromCharCode;
  var assign = Object.assign;
  var stringify = JSON.stringify;
  var parseDate = Date.parse;
  // (a) typed-array .slice() returns a plain Array (no .subarray, not a Uint8Array).
  define(TypedArray.prototype, 'slice', function slice(begin, end) { return arraySlice.call(this, begin, end); });
  // filter() on a typed array returns a plain Array too (map() keeps the type).
  var arrayFilter = Array.prototype.filter;
  define(TypedArray.prototype, 'filter', function filter(fn, self) { return arrayFilter.call(this, fn, self); });
  // subarray() does not clamp: an end past the length reads past the data, a begin before the start throws.
  define(TypedArray.prototype, 'subarray', function (begin, end) {
    var n = this.length;
    if (begin < -n) throw new Error('byteOffset too large (or negative)');
    // A view's byte offset is 16 bits (jswrap_arraybuffer.c: "Maximum 65535"): no view more than 64 KB in.
    if (this.byteOffset + (begin < 0 ? n + begin : begin || 0) * this.BYTES_PER_ELEMENT > 65535) throw new Error('byteOffset too large (or negative)');
    if (end > n) throw new Error('subarray(' + begin + ', ' + end + ') of ' + n + ' elements: Espruino does not clamp the end (reads past the data)');
    return subarray.call(this, begin, end);
  });
  // String indexOf/includes match a needle whose start runs off the end of the string ('abc'.indexOf('cd') is 2):
  // jswrap_string_indexOf compares with equalAtEndOfString (src/jswrap_string.c). The device once took its own
  // cmd/result for a config command this way (semantics.test.ts). Native search first (full matches come earlier
  // than any such tail), then the tails; an empty string or a start at its end finds nothing, not even ''.
  var nativeIndexOf = String.prototype.indexOf;
  define(String.prototype, 'indexOf', function indexOf(needle, fromIndex) {
    var s = String(this), sub = String(needle), i = 0;
    if (sub.length > s.length) return -1;
    if (typeof fromIndex === 'number') { // a start given as text is ignored (jsvIsNumeric)
      i = (fromIndex < 0 ? Math.ceil(fromIndex) : Math.floor(fromIndex)) || 0;
      if (i < 0) i = 0;
      if (i > s.length - sub.length + 1) i = s.length - sub.length + 1;
    }
    if (i >= s.length) return -1;
    var r = nativeIndexOf.call(s, sub, i);
    if (r >= 0) return r;
    for (var t = Math.max(i, s.length - sub.length + 1); t < s.length; t++) {
      if (s.substring(t) === sub.substring(0, s.length - t)) return t;
    }
    return -1;
  });
  define(String.prototype, 'includes', function includes(needle, fromIndex) { return this.indexOf(needle, fromIndex) >= 0; });
  // Strings are 8-bit: String.fromCharCode keeps the low byte.
  define(String, 'fromCharCode', function () {
    var codes = [];
    for (var i = 0; i < arguments.length; i++) codes.push(Number(arguments[i]) & 255);
    return apply.call(fromCharCode, String, codes);
  });
  // Function.prototype.apply takes at most 256 arguments.
  define(Function.prototype, 'apply', function (self, args) {
    if (args && args.length > 256) throw new Error('Array passed to Function.apply is too big! Maximum 256 arguments, got ' + args.length);
    return apply.call(this, self, args);
  });
  // Math.round rounds halves away from zero (x + 0.5 or x - 0.5, truncated; src/jswrap_math.c).
  define(Math, 'round', function round(x) {
    x = +x;
    if (!isFinite(x) || (x === 0 && 1 / x < 0)) return x;
    x += x < 0 ? -0.5 : 0.5;
    var i = x < 0 ? Math.ceil(x) : Math.floor(x);
    return i === 0 && x < 0 ? -0 : i;
  });
  // toFixed truncates every digit but the last, rounds the last one without carrying (9.96.toFixed(1) is "9.9") and
  // toFixed(0) truncates: a port of ftoa_bounded_extra (src/jsutils.c) for radix 10 and fractionalDigits >= 0.
  define(Number.prototype, 'toFixed', function toFixed(digits) {
    var val = +this.valueOf();
    var decimals = digits === undefined ? 0 : digits | 0;
    if (decimals < 0) decimals = 0;
    if (decimals > 20) decimals = 20;
    if (val !== val) return 'NaN';
    if (!isFinite(val)) return val < 0 ? '-Infinity' : 'Infinity';
    var out = '';
    if (val < 0) { out = '-'; val = -val; }
    var int = function (x) { return x < 2147483648 ? Math.floor(x) : -2147483648; };
    if (int(val + 0.0000001) === 1 + int(val)) val = 1 + int(val);
    var d = 1;
    while (d * 10 <= val) d *= 10;
    while (d >= 1) {
      var v = Math.floor(val / d);
      val -= v * d;
      out += String(v);
      d /= 10;
    }
    if (decimals > 0) {
      out += '.';
      val *= 10;
      while (decimals > 0) {
        var w = Math.floor(val + (decimals === 1 ? 0.5 : 0.00000001));
        val = (val - w) * 10;
        if (w === 10) w = 9;
        out += String(w);
        decimals--;
      }
    }
    return out;
  });
  // split() ignores its limit.
  define(String.prototype, 'split', function (separator) { return split.call(this, separator); });
  // replace() with a string: only $1..$9 (regex groups) are expanded; $&, $$ and the like stay as written.
  define(String.prototype, 'replace', function (pattern, replacement) {
    if (typeof replacement === 'function') return replace.call(this, pattern, replacement);
    var text = String(replacement);
    var isRegExp = pattern instanceof RegExp;
    return replace.call(this, pattern, function () {
      var groups = arguments;
      return isRegExp ? replace.call(text, /\\$([1-9])/g, function (m, n) { var g = groups[+n]; return g === undefined ? '' : g; }) : text;
    });
  });
  // toUpperCase/toLowerCase change ASCII letters only.
  function changeCase(upper) {
    return function () {
      var s = String(this);
      var out = '';
      for (var i = 0; i < s.length; i++) {
        var c = s.charCodeAt(i);
        if (upper ? c >= 97 && c <= 122 : c >= 65 && c <= 90) c += upper ? -32 : 32;
        out += fromCharCode(c);
      }
      return out;
    };
  }
  define(String.prototype, 'toUpperCase', changeCase(true));
  define(String.prototype, 'toLowerCase', changeCase(false));
  // Object.assign only takes objects: a typed array or a string as a source throws.
  define(Object, 'assign', function (target) {
    for (var i = 1; i < arguments.length; i++) {
      var source = arguments[i];
      if (typeof source === 'string' || isTyped(source)) throw new Error('Expecting Object, got ' + (typeof source === 'string' ? 'String' : source.constructor.name));
    }
    return apply.call(assign, Object, arraySlice.call(arguments));
  });
  // JSON.stringify writes typed arrays and ArrayBuffers as arrays, and escapes every character from 0x7F up (hex in upper case).
  define(JSON, 'stringify', function (value, replacer, space) {
    var user = typeof replacer === 'function' ? replacer : null;
    var text = stringify.call(JSON, value, function (key, v) {
      if (user) v = user.call(this, key, v);
      if (isTyped(v)) return arraySlice.call(v);
      if (v instanceof ArrayBuffer) return arraySlice.call(new Uint8Array(v));
      return v;
    }, space);
    return text === undefined ? text : replace.call(text, /\\\\\\\\|\\\\u00[01][0-9a-f]|[\\x7f-\\xff]/g, function (m) {
      if (m.length === 1) return '\\\\u00' + m.charCodeAt(0).toString(16).toUpperCase();
      return m.length === 2 ? m : m.substr(0, 2) + m.substr(2).toUpperCase();
    });
  });
  // An invalid Date (time NaN) crashes the interpreter when written as text (String(d), toUTCString: segmentation
  // fault) and gives garbage from toISOString and the getters: the realm throws instead.
  ['toString', 'toUTCString', 'toISOString', 'toJSON'].forEach(function (name) {
    var native = Date.prototype[name];
    define(Date.prototype, name, function () {
      if (this.getTime() !== this.getTime()) throw new Error('Date.' + name + '() of an invalid Date: Espruino crashes or writes garbage');
      return native.call(this);
    });
  });
  // Date.parse of text it cannot read gives 0, not NaN.
  define(Date, 'parse', function (text) { var t = parseDate.call(Date, text); return t !== t ? 0 : t; });
})`;

/** Espruino extras every object has: on/emit/removeListener/removeAllListeners (espruino.md §1.2 "Present and useful").
 *  emit calls listeners synchronously, at most 4 arguments (src/jswrap_object.c). Installed inside the context. */
export const OBJECT_EVENTS_SCRIPT = `(function () {
  var KEY = '\\u00ffevents';
  function table(o) {
    if (!Object.prototype.hasOwnProperty.call(o, KEY)) Object.defineProperty(o, KEY, { value: {}, enumerable: false, configurable: true });
    return o[KEY];
  }
  function define(name, fn) { Object.defineProperty(Object.prototype, name, { value: fn, writable: true, configurable: true, enumerable: false }); }
  define('on', function (event, listener) { var t = table(this); (t[event] = t[event] || []).push(listener); return this; });
  define('addListener', Object.prototype.on);
  define('emit', function (event, a, b, c, d) {
    var list = (table(this)[event] || []).slice();
    for (var i = 0; i < list.length; i++) list[i].call(this, a, b, c, d);
  });
  define('removeListener', function (event, listener) {
    var list = table(this)[event] || [];
    var i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
  });
  define('removeAllListeners', function (event) {
    var t = table(this);
    if (event === undefined) { for (var k in t) delete t[k]; } else delete t[event];
  });
})();`;

/** Espruino's Date follows getTime(): 1970 plus uptime until setTime (espruino.md §2.4). Installed inside the context
 *  with the host's getTime as argument. */
export const DATE_SCRIPT = `(function (getTime) {
  var Native = Date;
  function EspruinoDate(a, b, c, d, e, f, g) {
    var n = arguments.length;
    if (!(this instanceof EspruinoDate)) return new Native(getTime() * 1000).toString();
    if (n === 0) return new Native(getTime() * 1000);
    if (n === 1) {
      // Espruino: new Date(undefined) throws.
      if (a === undefined) throw new TypeError('Variables of type undefined are not supported in date constructor');
      return new Native(a);
    }
    return new Native(a, b, c === undefined ? 1 : c, d || 0, e || 0, f || 0, g || 0);
  }
  EspruinoDate.prototype = Native.prototype;
  Object.defineProperty(Native.prototype, 'constructor', { value: EspruinoDate, writable: true, configurable: true, enumerable: false });
  EspruinoDate.now = function () { return Math.floor(getTime() * 1000); };
  EspruinoDate.parse = Native.parse;
  return EspruinoDate;
})`;

/** Espruino reports a rejection nobody handles ("Unhandled promise rejection", src/jswrap_promise.c). The context's
 *  Promise is wrapped to track that itself, because in-process observers (jest) do not see process-level
 *  'unhandledRejection' events. Returns {Promise, sweep}: sweep() hands back the reasons of rejections still
 *  unhandled after a callback (and marks them handled so Node does not also complain). */
export const PROMISE_SCRIPT = `(function (Native) {
  var pending = [];
  var KEY = '\\u00ffstate';
  var nativeThen = Native.prototype.then;
  function noop() {}
  class Promise extends Native {
    constructor(executor) {
      var state = { rejected: false, handled: false, reason: undefined, promise: null };
      function rejected(reason) {
        if (state.rejected) return;
        state.rejected = true;
        state.reason = reason;
        pending.push(state);
      }
      super(function (resolve, reject) {
        executor(function (value) {
          if (value instanceof Native) nativeThen.call(value, undefined, rejected);
          resolve(value);
        }, function (reason) {
          rejected(reason);
          reject(reason);
        });
      });
      state.promise = this;
      Object.defineProperty(this, KEY, { value: state });
    }
    then(onFulfilled, onRejected) {
      var state = this[KEY];
      if (state) state.handled = true;
      return super.then(onFulfilled, onRejected);
    }
  }
  function sweep() {
    var out = [];
    var list = pending;
    pending = [];
    for (var i = 0; i < list.length; i++) {
      if (list[i].handled) continue;
      out.push(list[i].reason);
      nativeThen.call(list[i].promise, undefined, noop);
    }
    return out;
  }
  return { Promise: Promise, sweep: sweep };
})`;
