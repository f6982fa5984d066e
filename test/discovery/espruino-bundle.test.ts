// discovery/ runs on the device (espruino.md checklist "Testing/simulation in Node"): bundle it the way the firmware
// is bundled and run it in a vm context stripped of what Espruino lacks. Any use of Map, Set, Symbol, Array.from,
// Object.freeze, Number.isInteger, ... then throws here instead of on the meter.
import { buildSync } from 'esbuild';
import { join } from 'path';
import { createContext, runInContext } from 'vm';
import * as node from '../../discovery';
import { CTX_1PHASE, CTX_3PHASE } from './helpers';

const ROOT = join(__dirname, '..', '..');

function bundle(): string {
  const out = buildSync({
    entryPoints: [join(ROOT, 'discovery', 'index.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'discovery',
    platform: 'neutral',
    target: 'es2015',
    charset: 'utf8',
    supported: {
      destructuring: false, 'default-argument': false, 'rest-argument': false, 'array-spread': false,
      generator: false, 'async-await': false, 'async-generator': false, 'for-await': false, 'new-target': false,
      bigint: false,
    },
  });
  return out.outputFiles[0]!.text;
}

/** A context whose globals are cut down to the Espruino 2v29 set (espruino.md §1.2 "Runtime API gaps"). */
function espruinoLikeContext(): { discovery: typeof node } {
  const ctx = createContext({});
  runInContext(
    `
    for (const g of ['Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'Symbol', 'Proxy', 'Reflect', 'BigInt',
      'TextEncoder', 'TextDecoder', 'queueMicrotask', 'RangeError', 'AggregateError', 'structuredClone',
      'encodeURI', 'decodeURI', 'Intl']) delete globalThis[g];
    for (const k of ['freeze', 'seal', 'isFrozen', 'isSealed', 'preventExtensions', 'is']) delete Object[k];
    for (const k of ['from', 'of']) delete Array[k];
    for (const k of ['isInteger', 'isNaN', 'isFinite', 'isSafeInteger', 'parseFloat', 'parseInt', 'EPSILON',
      'MAX_SAFE_INTEGER', 'MIN_SAFE_INTEGER']) delete Number[k];
    for (const k of ['trunc', 'cbrt', 'log2', 'log10', 'hypot', 'imul', 'clz32', 'fround', 'sign']) delete Math[k];
    for (const k of ['lastIndexOf', 'flat', 'flatMap', 'at', 'findLast', 'findLastIndex', 'reduceRight',
      'copyWithin', 'keys', 'values', 'entries']) delete Array.prototype[k];
    for (const k of ['codePointAt', 'matchAll', 'search', 'trimStart', 'trimEnd', 'localeCompare', 'normalize',
      'replaceAll', 'at']) delete String.prototype[k];
    for (const k of ['toPrecision', 'toExponential', 'toLocaleString']) delete Number.prototype[k];
    delete Promise.prototype.finally; delete Promise.race; delete Promise.allSettled; delete Promise.any;
    delete Date.UTC; delete String.raw; delete String.fromCodePoint;
    `,
    ctx,
  );
  runInContext(bundle() + '\nglobalThis.discovery = discovery;', ctx);
  return ctx as unknown as { discovery: typeof node };
}

describe('discovery/ on an Espruino-like runtime (espruino.md §1.2, C3)', () => {
  const context = espruinoLikeContext();
  const device = context.discovery;

  test('espruino.md §1.2: the context really lacks the missing APIs', () => {
    const probe = '[typeof Map, typeof Symbol, typeof Array.from, typeof Number.isInteger, typeof Object.freeze]';
    expect(runInContext(probe + '.join()', context as unknown as object)).toBe(
      'undefined,undefined,undefined,undefined,undefined',
    );
  });

  test('C5: discovery chunks are identical to the Node build', () => {
    for (const ctx of [CTX_3PHASE, CTX_1PHASE]) {
      expect(device.discoveryChunks(ctx)).toEqual(node.discoveryChunks(ctx));
      expect(device.discoveryLength(ctx)).toBe(node.discoveryLength(ctx));
    }
  });

  test('C4: state, diagnostics, topics and compat payloads are identical to the Node build', () => {
    const values = {
      energy_import: 1234.5678, energy_export: 0, power_net: -12, voltage_l1: 232.113, meter_clock: 'x',
      link_state: 'online', last_error: 'a"\u00e9\n', wifi_rssi: -61, polls: 0,
    };
    expect(device.buildStatePayload(values)).toBe(node.buildStatePayload(values));
    expect(device.buildDiagnosticsPayload(values)).toBe(node.buildDiagnosticsPayload(values));
    expect(device.buildTopics(device.deviceIdFromMac('24:0a:c4:12:34:56')!)).toEqual(
      node.buildTopics(node.deviceIdFromMac('24:0a:c4:12:34:56')!),
    );
    const compat = { L1_PF_Fac: -837, Fwd_Act_Wh: 5, Freq_mHz: 50000 };
    expect(device.buildCompatMessages('t', compat)).toEqual(node.buildCompatMessages('t', compat));
    expect(device.redactConfigCommand({ id: 'x', meter: { key: 'k' } })).toEqual({ id: 'x', meter: { key: '***' } });
  });
});
