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
    var n = arguments.length === 0 ? 0 : N(value);
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
}

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
    if (n === 1) return new Native(a);
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
