// The module's half of signed commands on the REAL Espruino interpreter (2v29, Linux build, ESP32 memory model):
// discovery/command-mac.ts verifyCommand and ctrXor, bundled like the firmware (esbuild iife, es2015 with the
// firmware's restrictions), with Espruino's own crypto.SHA256 and crypto.AES (ECB) as primitives, check commands
// the add-on signed (signer.ts) and decrypt the MBK key it encrypted. Prints the time of one MAC check and the
// JsVars the code and one check take, for the closing note (figures of the Linux build, not of an ESP32).
import { buildSync } from 'esbuild';
import { join } from 'node:path';
import { commandKeys } from '../../discovery/command-mac';
import { encryptSecretFields, nodeSha256, signCommand } from '../../addon/src/pairing/signer';
import { describeOnInterpreter, REPO_ROOT } from '../helpers/espruino-binary';
import { runInterpreter } from '../espruino/run-snippet';
import { checkSource } from '../../tools/espruino-check';

const SECRET = Buffer.from('c3'.repeat(32), 'hex');
const TOPIC = 'mep/mep_240ac4123456/cmd/config';
const MBK = 'ABCDEFGHIJKLMNOPQRST';

function bundle(): string {
  const entry = `
import { commandKeys, ctrXor, splitEncryptedField, verifyCommand } from './discovery/command-mac';
(globalThis as any).MAC = { commandKeys: commandKeys, ctrXor: ctrXor, splitEncryptedField: splitEncryptedField, verifyCommand: verifyCommand };`;
  const out = buildSync({
    stdin: { contents: entry, resolveDir: REPO_ROOT, sourcefile: 'mac-entry.ts', loader: 'ts' },
    bundle: true, write: false, format: 'iife', platform: 'neutral', target: 'es2015', minify: true,
    supported: { destructuring: false, 'default-argument': false, 'rest-argument': false, 'array-spread': false, generator: false, 'async-await': false },
    tsconfig: join(REPO_ROOT, 'tsconfig.device.json'), logLevel: 'silent',
  });
  return out.outputFiles[0]!.text.replace(/globalThis/g, 'global');
}

test('the bundled MAC code passes the firmware\'s Espruino bundle check', () => {
  expect(checkSource(bundle()).violations).toEqual([]);
});

describeOnInterpreter('signed commands on the real interpreter', (binary) => {
  test('verifies what the add-on signed, refuses a replay and a forgery, decrypts the key; time and JsVars printed', () => {
    const body = JSON.stringify(encryptSecretFields(SECRET, { id: 'k1', meter: { key: MBK } }));
    const signed = signCommand(SECRET, TOPIC, 1764760000000, body);
    const mac = Buffer.from(commandKeys(nodeSha256, SECRET).mac).toString('hex');
    const code = `
var m0 = process.memory().usage;
${bundle()}
var m1 = process.memory().usage;
var crypto = require('crypto');
function sha(d) { return new Uint8Array(crypto.SHA256(d)); }
function hex(h) { var u = new Uint8Array(h.length / 2); for (var i = 0; i < u.length; i++) u[i] = parseInt(h.substr(i * 2, 2), 16); return u; }
var secret = hex('${SECRET.toString('hex')}');
var keys = MAC.commandKeys(sha, secret);
var payload = ${JSON.stringify(Buffer.from(signed, 'utf8').toString('latin1'))};
var m2 = process.memory().usage;
var t0 = getTime();
var r = MAC.verifyCommand(sha, keys.mac, '${TOPIC}', payload, 0);
var t1 = getTime();
var m3 = process.memory().usage;
print(r.ok, r.counter);
print(MAC.verifyCommand(sha, keys.mac, '${TOPIC}', payload, r.counter).error);
print(MAC.verifyCommand(sha, keys.mac, 'mep/mep_240ac4abcdef/cmd/config', payload, 0).error);
print(MAC.verifyCommand(sha, keys.mac, '${TOPIC}', payload.replace('k1', 'k2'), 0).error);
print(MAC.verifyCommand(sha, keys.mac, '${TOPIC}', '{"id":"x"}', 0).error);
var b = JSON.parse(r.body);
var parts = MAC.splitEncryptedField(b.meter.key_enc);
var encKey = keys.enc;
var key = MAC.ctrXor(function (blk) { return new Uint8Array(crypto.AES.encrypt(blk, encKey, { mode: 'ECB' })); }, parts.iv, parts.data);
print(E.toString(key));
var hexMac = ''; for (var i = 0; i < keys.mac.length; i++) hexMac += (keys.mac[i] < 16 ? '0' : '') + keys.mac[i].toString(16);
print(hexMac);
print('ms', Math.round((t1 - t0) * 1000 * 10) / 10, 'vars-code', m1 - m0, 'vars-check', m3 - m2);
`;
    const run = runInterpreter(binary, code);
    const lines = run.output.split('\n');
    expect(lines.slice(0, 7)).toEqual(['true 1764760000000', 'stale-counter', 'bad-mac', 'bad-mac', 'unsigned', MBK, mac]);
    const figures = lines[7] ?? '';
    expect(figures).toMatch(/^ms [\d.]+ vars-code \d+ vars-check -?\d+$/);
    console.log(`real interpreter (Linux build): one MAC check ${figures.replace(/^ms /, '').replace(/ vars-code.*/, '')} ms; ${figures.replace(/.*vars-code /, 'JsVars for the MAC code ').replace(' vars-check ', ', live after one check ')}`);
  });
});
