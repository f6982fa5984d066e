// The lazy 'sec' module (device/src/security/module.ts) on the REAL interpreter, as the firmware runs it: the module's
// bundle evaluated from Storage by `new Function` (device/src/lazy/modules.ts), the firmware's own Espruino HAL for
// Storage and crypto (SHA256, AES-ECB natively), a paired module's secret in Storage. It accepts what the add-on
// signed (addon/src/pairing/signer.ts) and decrypts the key, refuses an unsigned command and a replay, signs its
// result; prints the time of loading the module, of one command check (MAC + floor write) and the JsVars the loaded
// module costs, for the closing note (Linux build with the ESP32 memory model, not an ESP32).
import { buildSync } from 'esbuild';
import { join } from 'node:path';
import { encryptSecretFields, openSignedResult, signCommand } from '../../addon/src/pairing/signer';
import { moduleEntrySource } from '../../device/build/modules';
import { describeOnInterpreter, REPO_ROOT } from '../helpers/espruino-binary';
import { runInterpreter } from './run-snippet';
import { checkSource } from '../../tools/espruino-check';

const SECRET = Buffer.from('c3'.repeat(32), 'hex');
const BASE = 'mep/mep_240ac4123456';
const MBK = 'ABCDEFGHIJKLMNOPQRST';

function bundle(contents: string): string {
  const out = buildSync({
    stdin: { contents, resolveDir: REPO_ROOT, sourcefile: 'entry.ts', loader: 'ts' },
    bundle: true, write: false, format: 'iife', platform: 'neutral', target: 'es2015', minify: true,
    supported: { destructuring: false, 'default-argument': false, 'rest-argument': false, 'array-spread': false, generator: false, 'async-await': false },
    tsconfig: join(REPO_ROOT, 'tsconfig.device.json'), logLevel: 'silent',
  });
  return out.outputFiles[0]!.text.replace(/globalThis/g, 'global');
}

const moduleCode = () => bundle(moduleEntrySource('./device/src/security/module.ts', ['openCommand', 'sealResult', 'pairing']));
const halCode = () => bundle(`
import { createCrypto } from './device/src/hal/espruino/crypto';
import { createStorage } from './device/src/hal/espruino/storage';
declare const global: { HAL: unknown };
global.HAL = { storage: createStorage(), crypto: createCrypto() };`);

test('the module bundle passes the firmware\'s Espruino bundle check', () => {
  expect(checkSource(moduleCode()).violations).toEqual([]);
});

describeOnInterpreter('the sec module on the real interpreter', (binary) => {
  test('signed config accepted and decrypted, unsigned and replayed refused, result signed; times and JsVars printed', () => {
    const topic = `${BASE}/cmd/config`;
    const body = JSON.stringify(encryptSecretFields(SECRET, { id: 'k1', meter: { key: MBK } }));
    const signed = signCommand(SECRET, topic, 1764760000000, body);
    const code = `
${halCode()}
require('Storage').write('mep.sec', '${SECRET.toString('hex')} 127.0.0.1');
require('Storage').write('sec.js', ${JSON.stringify(moduleCode())});
var t0, t1, t2, t3, t4, m1, m2, r, sealed, sec;
var m0 = process.memory().usage;
t0 = getTime();
new Function(require('Storage').read('sec.js'))();
sec = global.MEPM; global.MEPM = undefined;
t1 = getTime();
m1 = process.memory().usage;
r = sec.openCommand(HAL, '${topic}', 'config', ${JSON.stringify(signed)}, -1);
t2 = getTime();
print(r.refused === null, r.counter, JSON.parse(r.text).meter.key, require('Storage').read('mep.ctr'));
print(JSON.stringify(sec.openCommand(HAL, '${topic}', 'config', ${JSON.stringify(signed)}, r.last).refused));
print(JSON.stringify(sec.openCommand(HAL, '${topic}', 'config', ${JSON.stringify(body)}, r.last).refused));
t3 = getTime();
sealed = sec.sealResult(HAL, '${BASE}/cmd/result', '{"id":"k1","command":"config","ok":true}', r.counter);
t4 = getTime();
print(btoa(sealed));
r = undefined; sealed = undefined; sec = undefined;
m2 = process.memory().usage;
// Ten more load → check → release rounds, as ten commands would: nothing may pile up.
var m3 = 0;
for (var i = 0; i < 10; i++) {
  new Function(require('Storage').read('sec.js'))();
  sec = global.MEPM; global.MEPM = undefined;
  r = sec.openCommand(HAL, '${topic}', 'config', ${JSON.stringify(body)}, 1);
  r = undefined; sec = undefined;
  if (i === 0) m3 = process.memory().usage;
}
var m4 = process.memory().usage;
print('rounds', m4 - m3);
print('load', Math.round((t1 - t0) * 10000) / 10, 'check', Math.round((t2 - t1) * 10000) / 10, 'seal', Math.round((t4 - t3) * 10000) / 10, 'vars', m1 - m0, 'after-release', m2 - m0);
`;
    const run = runInterpreter(binary, code);
    const lines = run.output.split('\n');
    expect(lines[0]).toBe(`true 1764760000000 ${MBK} ${1764760000000 + 60000}`);
    expect(JSON.parse(lines[1]!)).toEqual({ id: 'k1', command: 'config', ok: false, error: 'stale-counter', counter_floor: 1764760000000 });
    expect(JSON.parse(lines[2]!)).toEqual({ id: 'k1', command: 'config', ok: false, error: 'unsigned' });
    const sealed = Buffer.from(lines[3]!, 'base64');
    expect(openSignedResult(SECRET, `${BASE}/cmd/result`, sealed)!.toString()).toBe('{"id":"k1","command":"config","ok":true}');
    expect(Number(lines[4]!.replace('rounds ', ''))).toBeLessThanOrEqual(2); // nothing piles up per command
    const figures = lines[5] ?? '';
    expect(figures).toMatch(/^load [\d.]+ check [\d.]+ seal [\d.]+ vars \d+ after-release -?\d+$/);
    console.log(`sec module on the real interpreter (Linux build, ESP32 memory model): ${figures.replace(/^load /, 'load ').replace(' check ', ' ms, one command check (MAC, floor write, decryption) ').replace(' seal ', ' ms, signing the result ').replace(' vars ', ' ms; JsVars while loaded ').replace(' after-release ', ', left after release ')}`);
  });
});
