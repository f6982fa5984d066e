// Home Assistant's own Restart and Poll buttons on a PAIRED module, on the whole product as `npm start` runs it
// (test/helpers/product.ts: the add-on with its embedded aedes broker, the PRODUCTION firmware on the Node host,
// paired locally). A client of the broker presses the buttons as Home Assistant does (a plain unsigned PRESS on
// <base>/cmd/poll and cmd/restart): the module refuses the PRESS itself, the add-on sends the command signed and the
// module executes it, once per rate-limit window; the refused PRESS is not counted in the module's "refused
// commands". An unsigned JSON restart or a PRESS on cmd/config is refused, counted, and never relayed.
import { join } from 'path';
import { openSignedResult } from '../../addon/src/pairing/signer';
import { SecretStore } from '../../addon/src/pairing/secret-store';
import { startProduct, Product } from '../helpers/product';
import { watcher, Watcher } from '../helpers/mqtt-watch';

const DEVICE = 'mep_240ac4000001';
const BASE = `mep/${DEVICE}`;
const RESULT = `${BASE}/cmd/result`;
const KEY = 'Tg5#Rf3$Ed1!Ws9%Qa7&';

let product: Product;
let w: Watcher;
let secret: Buffer;

/** The module's results (all signed by it: it is paired) from position `after` on, opened. */
function results(after: number): { id: string | null; command: string; ok: boolean; error?: string }[] {
  return w.seen.slice(after).filter((s) => s.topic === RESULT).map((s) => {
    const body = openSignedResult(secret, RESULT, Buffer.from(s.text, 'latin1'));
    expect(body).not.toBeNull();
    return JSON.parse(body!.toString());
  });
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  product = await startProduct({ args: ['--meter-key', KEY, '--device-key', KEY] });
  secret = new SecretStore(SecretStore.fileIn(join(product.dataDir, 'addon'))).secretOf(DEVICE)!;
  expect(secret).not.toBeNull();
  w = await watcher(product.brokerUrl);
  await w.next(`${BASE}/state`, (t) => t.includes('energy_import'), { ms: 90000 });
}, 180000);

afterAll(async () => {
  await w?.client.endAsync();
  await product?.stop();
});

test('Poll now: the module refuses the unsigned PRESS, the add-on sends it signed and the module polls; a second press within 10 s is not relayed', async () => {
  const at = w.mark();
  await w.client.publishAsync(`${BASE}/cmd/poll`, 'PRESS', { qos: 1 });
  await w.next(RESULT, (t) => t.includes('"poll"') && t.includes('"ok":true'), { after: at });
  await w.client.publishAsync(`${BASE}/cmd/poll`, 'PRESS', { qos: 1 });
  await settle(2500);
  const seen = results(at);
  expect(seen.filter((r) => r.ok)).toEqual([{ id: expect.any(String), command: 'poll', ok: true }]);
  expect(seen.filter((r) => !r.ok)).toEqual([
    { id: null, command: 'poll', ok: false, error: 'unsigned' },
    { id: null, command: 'poll', ok: false, error: 'unsigned' },
  ]);
  expect(product.output()).toContain(`${DEVICE}: Home Assistant's poll press sent signed`);
  expect(product.output()).toContain(`${DEVICE}: Home Assistant's poll press ignored (one every 10 s)`);
}, 60000);

test('never relayed: an unsigned JSON restart and a PRESS on cmd/config are refused by the module (the JSON one counted), nothing executed', async () => {
  const at = w.mark();
  await w.client.publishAsync(`${BASE}/cmd/restart`, JSON.stringify({ id: 'evil-1' }), { qos: 1 });
  await w.client.publishAsync(`${BASE}/cmd/config`, 'PRESS', { qos: 1 });
  await w.next(RESULT, (t) => t.includes('"config"'), { after: at });
  await settle(2500);
  expect(results(at)).toEqual([
    { id: 'evil-1', command: 'restart', ok: false, error: 'unsigned' },
    { id: null, command: 'config', ok: false, error: 'unsigned' },
  ]);
  expect(w.seen.slice(at).filter((s) => s.topic === `${BASE}/availability` && s.text === 'offline')).toEqual([]);
  // The module's next diagnostics (every minute): its "refused commands" counts the JSON restart only; the three
  // PRESSes it refused (two polls, one config) are Home Assistant's buttons, not an attack.
  const diagnostics = await w.next(`${BASE}/diagnostics`, () => true, { after: at, ms: 70000 });
  expect((JSON.parse(diagnostics.text) as { refused_commands?: number }).refused_commands).toBe(1);
}, 120000);

test('Restart: the PRESS is relayed signed and the module restarts', async () => {
  const at = w.mark();
  await w.client.publishAsync(`${BASE}/cmd/restart`, 'PRESS', { qos: 1 });
  await w.next(RESULT, (t) => t.includes('"restart"') && t.includes('"ok":true'), { after: at, ms: 30000 });
  await w.next(`${BASE}/availability`, (t) => t === 'online', { after: at + 1, ms: 60000 });
  await w.next(`${BASE}/state`, (t) => t.includes('energy_import'), { after: at + 1, ms: 60000 });
  expect(results(at).filter((r) => r.command === 'restart')).toEqual([
    { id: null, command: 'restart', ok: false, error: 'unsigned' },
    { id: expect.any(String), command: 'restart', ok: true },
  ]);
}, 120000);
