// Pairing end to end on the PRODUCTION firmware bundle (Node host: the web pages and the 'sec' module loaded from the
// app slot as on the device, Espruino-like crypto with AES-ECB): the owner logs in on the module's page and presses
// "Pair"; the add-on's real pairing client (addon/src/pairing/pair-client.ts) fetches the secret over HTTP with the
// code; then the add-on's signed, encrypted key command (signer.ts) is executed, an unsigned one refused, the results
// signed; the module's secret never appears on the broker, in an HTTP answer or in its console.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pairModule } from '../../addon/src/pairing/pair-client';
import { SecretStore } from '../../addon/src/pairing/secret-store';
import { encryptSecretFields, openSignedResult, signCommand } from '../../addon/src/pairing/signer';
import { MeterSimulator } from '../../device/sim/meter-sim/meter';
import { acceleratedMeter } from '../helpers/meter-sim';
import { HostHandle, startHost } from '../../device/sim/host';
import { Broker, startAedes } from '../helpers/brokers';
import { productionBundle } from '../device/host/helpers';
import { watcher, Watcher } from '../helpers/mqtt-watch';

const KEY = 'ABCDEFGHIJKLMNOPQRST';
const MAC = '24:0a:c4:00:00:43';
const DEVICE = 'mep_240ac4000043';
const BASE = `mep/${DEVICE}`;

describe('[production bundle on the host] pairing with the code, then signed commands', () => {
  let broker: Broker;
  let sim: MeterSimulator;
  let host: HostHandle;
  let w: Watcher;
  let dir: string;
  let secrets: SecretStore;
  const consoleLines: string[] = [];
  const answers: string[] = [];
  let cookie = '';
  let csrf = '';

  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const r = await fetch(`http://127.0.0.1:${host.httpPort()}${path}`, {
      method,
      headers: { ...(cookie ? { Cookie: cookie } : {}), ...(csrf ? { 'X-CSRF-Token': csrf } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = r.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0]!;
    const text = await r.text();
    answers.push(text);
    const json = JSON.parse(text) as Record<string, unknown>;
    if (typeof json.csrf === 'string') csrf = json.csrf;
    return { status: r.status, json };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mep-pairing-host-'));
    secrets = new SecretStore(SecretStore.fileIn(dir));
    broker = await startAedes();
    w = await watcher(broker.url);
    sim = acceleratedMeter({ key: KEY, seed: 7 });
    const settings = { name: 'Attic meter', wifi: { ssid: 'home', password: 'wifi-secret-xyz' }, mqtt: { host: '127.0.0.1', port: broker.port }, meter: { key: 'ZYXWVUTSRQPONMLKJIHG', pollIntervalS: 1 } };
    host = await startHost({ bundlePath: await productionBundle(), meter: sim, settings, wifi: { mac: MAC }, log: (l) => consoleLines.push(l) });
    await w.next(`${BASE}/availability`, (t) => t === 'online', { ms: 20000 });
  }, 60000);

  afterAll(async () => {
    await host.stop();
    sim.close();
    await w.client.endAsync();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the owner opens pairing behind the login; the add-on pairs with the code', async () => {
    await api('GET', '/api/session');
    expect((await api('POST', '/api/login', { user: 'owner', password: 'owner-password-1' })).status).toBe(200);
    const opened = await api('POST', '/api/pairing', {});
    expect(opened.status).toBe(200);
    const code = opened.json.code as string;
    const outcome = await pairModule({ deviceId: DEVICE, address: '127.0.0.1', code, otaHost: '127.0.0.1' }, { secrets, port: host.httpPort() });
    expect(outcome).toEqual({ ok: true });
    expect(secrets.secretOf(DEVICE)).not.toBeNull();
    expect((await api('GET', '/api/pairing')).json).toMatchObject({ paired: true, host: '127.0.0.1' });
  }, 30000);

  test('an unsigned key command is refused; the signed, encrypted one is executed once; results are signed', async () => {
    const secret = secrets.secretOf(DEVICE)!;
    const open = (t: string) => JSON.parse(openSignedResult(secret, `${BASE}/cmd/result`, Buffer.from(t, 'latin1'))!.toString());
    let at = w.mark();
    await w.client.publishAsync(`${BASE}/cmd/config`, JSON.stringify({ id: 'k0', meter: { key: KEY } }), { qos: 1 });
    expect(open((await w.next(`${BASE}/cmd/result`, (t) => t.includes('"k0"'), { after: at })).text)).toEqual({ id: 'k0', command: 'config', ok: false, error: 'unsigned' });
    at = w.mark();
    const payload = signCommand(secret, `${BASE}/cmd/config`, Date.now(), JSON.stringify(encryptSecretFields(secret, { id: 'k1', meter: { key: KEY } })));
    await w.client.publishAsync(`${BASE}/cmd/config`, payload, { qos: 1 });
    expect(open((await w.next(`${BASE}/cmd/result`, (t) => t.includes('"k1"'), { after: at })).text)).toMatchObject({ id: 'k1', ok: true, applied: ['meter.key'] });
    await w.next(`${BASE}/state`, (t) => t.includes('energy_import'), { after: at, ms: 30000 });
    at = w.mark();
    await w.client.publishAsync(`${BASE}/cmd/config`, payload, { qos: 1 });
    expect(open((await w.next(`${BASE}/cmd/result`, (t) => t.includes('"k1"'), { after: at })).text)).toMatchObject({ ok: false, error: 'stale-counter' });
    const everywhere = w.seen.filter((s) => !s.text.includes('"k0"')).map((s) => s.text).join('\n') + answers.join('\n') + consoleLines.join('\n');
    expect(everywhere).not.toContain(KEY);
    expect(everywhere).not.toContain(secret.toString('hex'));
  }, 60000);
});
