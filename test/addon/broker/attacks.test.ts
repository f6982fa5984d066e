// Issue 11's attacks on the embedded broker, replayed with real MQTT.js clients against the add-on's BrokerService
// (aedes, add-on mode, in its own process): each one is refused.
//   2. the shared device password: an impostor logging in as module A, and reusing A's client id to kick A off
//   3. a discovery message of module B that reads A's cmd/config (or commands A)
//   4. online guessing of the device password (back-off per address and per user, quiet log)
//   5. retained messages without a quota
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as net from 'node:net';
import { IClientOptions, MqttClient } from 'mqtt';
import { brokerPassword } from '../../../discovery/command-mac';
import { nodeSha256 } from '../../../addon/src/pairing/signer';
import { RETAINED_QUOTA } from '../../../addon/src/broker/retained-quota';
import { baseOptions, RunningBroker, startRunner } from './runner-process';
import { closedWithin, collect, connect, loginCode, sleep, until } from './mqtt-clients';

const ADMIN = { username: 'ha-admin', password: 'Admin-Pw-7f3a9c' };
const SHARED = 'Shared-Device-Pw-4411';
const MBK = 'ABCDEFGHIJKLMNOPQRST';
const A = 'mep_240ac4123456';
const B = 'mep_240ac4abcdef';
const SECRET_A = 'a1'.repeat(32);
const A_PASSWORD = brokerPassword(nodeSha256, Buffer.from(SECRET_A, 'hex'));

/** An MQTT.js client whose connection leaves from `localAddress` (another address of this machine). */
function fromAddress(localAddress: string, options: IClientOptions): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = new MqttClient(() => net.connect({ host: '127.0.0.1', port: currentPort, localAddress }), { reconnectPeriod: 0, connectTimeout: 5000, ...options });
    client.once('connect', () => resolve(client));
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
  });
}
let currentPort = 0;

describe('issue 11 attacks on the embedded broker', () => {
  let dataDir: string;
  let broker: RunningBroker;
  let url: string;
  const clients: MqttClient[] = [];
  const open = async (o: Parameters<typeof connect>[1]): Promise<MqttClient> => {
    const c = await connect(url, o);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mep-attacks-'));
    const options = baseOptions({ embedded_broker: { port: 0, ...ADMIN, device_password: SHARED } });
    broker = await startRunner({ options, mode: 'addon', dataDir, paired: { [A]: SECRET_A } });
    url = `mqtt://127.0.0.1:${broker.port}`;
    currentPort = broker.port!;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  });
  afterAll(async () => {
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('attack 2: a paired module logs in with its own password; the shared one, or its client id on another login, is refused and A stays connected', async () => {
    const a = await open({ username: A, password: A_PASSWORD, clientId: A });
    const commands = collect(a);
    await a.subscribeAsync(`mep/${A}/cmd/+`, { qos: 1 });
    // The impostor with the shared device password, as A with A's client id: refused (before it could kick A).
    expect(await loginCode(url, { username: A, password: SHARED, clientId: A })).toBe(4);
    // The full-access login reusing A's client id: refused too.
    expect(await loginCode(url, { ...ADMIN, clientId: A })).toBe(4);
    // Another module's login with A's client id: refused.
    expect(await loginCode(url, { username: B, password: SHARED, clientId: A })).toBe(4);
    expect(a.connected).toBe(true);
    expect(await closedWithin(a, 300)).toBe(false);
    // A key sent by the add-on reaches A (the only client that can subscribe to A's commands).
    const tool = await open({ ...ADMIN, clientId: 'panel' });
    await tool.publishAsync(`mep/${A}/cmd/config`, JSON.stringify({ id: 'k1', meter: { key: MBK } }), { qos: 1 });
    await until(() => commands.length === 1, 3000, 'the command at A');
    // A module not paired yet still logs in with the shared password (it keeps working until it is paired).
    expect(await loginCode(url, { username: B, password: SHARED, clientId: B })).toBe(0);
  });

  test('attack 2 before pairing: with the shared password an impostor cannot take over a module online from another address', async () => {
    const b = await open({ username: B, password: SHARED, clientId: B });
    const commands = collect(b);
    await b.subscribeAsync(`mep/${B}/cmd/+`, { qos: 1 });
    // The impostor comes from another address of this machine (127.0.0.2).
    const impostor = await fromAddress('127.0.0.2', { username: B, password: SHARED, clientId: B }).catch((err: { code?: number }) => err.code);
    expect(impostor).toBe(4);
    expect(b.connected).toBe(true);
    expect(await closedWithin(b, 300)).toBe(false);
    const tool = await open({ ...ADMIN, clientId: 'panel-2' });
    await tool.publishAsync(`mep/${B}/cmd/poll`, '{"id":"p1"}', { qos: 1 });
    await until(() => commands.length === 1, 3000, 'the command at B');
    expect(broker.log()).toMatch(/mep_240ac4abcdef is online from another address/);
    // The module itself reconnecting from its own address takes its session over, as MQTT says.
    const again = await open({ username: B, password: SHARED, clientId: B });
    expect(again.connected).toBe(true);
  });

  test('attack 1 at the broker: no module may publish a command, to another module or to itself', async () => {
    const b = await open({ username: B, password: SHARED, clientId: B });
    const update = JSON.stringify({ id: 'x', kind: 'bin', url: 'http://10.0.0.66/evil.bin', size: 1, sha256: '0'.repeat(64), version: '6.6.6', token: 't' });
    b.publish(`mep/${A}/cmd/update`, update, { qos: 1 });
    expect(await closedWithin(b, 3000)).toBe(true);
    const b2 = await open({ username: B, password: SHARED, clientId: B });
    b2.publish(`mep/${B}/cmd/update`, update, { qos: 1 });
    expect(await closedWithin(b2, 3000)).toBe(true);
  });

  test('attack 3: B\'s discovery message reading A\'s cmd/config is dropped (and B disconnected); B\'s own discovery passes', async () => {
    const watcher = await open({ ...ADMIN, clientId: 'watcher' });
    const seen = collect(watcher);
    await watcher.subscribeAsync('homeassistant/device/+/config');
    const b = await open({ username: B, password: SHARED, clientId: B });
    const evil = {
      dev: { ids: [B], name: 'B' }, o: { name: 'x' },
      cmps: { key: { p: 'sensor', uniq_id: `${B}_k`, stat_t: `mep/${A}/cmd/config`, val_tpl: '{{ value_json.meter.key }}' } },
    };
    b.publish(`homeassistant/device/${B}/config`, JSON.stringify(evil), { qos: 1, retain: true });
    expect(await closedWithin(b, 3000)).toBe(true);
    const b2 = await open({ username: B, password: SHARED, clientId: B });
    const button = { dev: { ids: [B] }, o: { name: 'x' }, cmps: { r: { p: 'button', uniq_id: `${B}_r`, cmd_t: `mep/${A}/cmd/restart` } } };
    b2.publish(`homeassistant/device/${B}/config`, JSON.stringify(button), { qos: 1, retain: true });
    expect(await closedWithin(b2, 3000)).toBe(true);
    const b3 = await open({ username: B, password: SHARED, clientId: B });
    const good = { dev: { ids: [B] }, o: { name: 'x' }, '~': `mep/${B}`, cmps: { s: { p: 'sensor', uniq_id: `${B}_s`, stat_t: '~/state' } } };
    await b3.publishAsync(`homeassistant/device/${B}/config`, JSON.stringify(good), { qos: 1, retain: true });
    await until(() => seen.length === 1, 3000, 'the good discovery');
    expect(JSON.parse(seen[0]!.payload)).toEqual(good);
    expect(broker.log()).toMatch(/dropped the discovery message of mep_240ac4abcdef: cmps\.key\.stat_t lies outside/);
    await b3.publishAsync(`homeassistant/device/${B}/config`, '', { qos: 1, retain: true });
  });

  test('attack 5: a module\'s retained messages stop at its quota (count and bytes); the store stays small', async () => {
    const b = await open({ username: B, password: SHARED, clientId: B });
    let stored = 0;
    for (let i = 0; i < RETAINED_QUOTA.perModule.messages + 10 && b.connected; i++) {
      b.publish(`mep/${B}/junk/${i}`, Buffer.alloc(1000, 0x41), { qos: 1, retain: true });
      await sleep(5);
      stored = i;
    }
    expect(await closedWithin(b, 3000)).toBe(true);
    expect(stored).toBeLessThanOrEqual(RETAINED_QUOTA.perModule.messages + 1);
    const b2 = await open({ username: B, password: SHARED, clientId: B });
    b2.publish(`mep/${B}/diagnostics`, Buffer.alloc(200 * 1024, 0x42), { qos: 1, retain: true }); // one message over the byte quota
    expect(await closedWithin(b2, 3000)).toBe(true);
    const watcher = await open({ ...ADMIN, clientId: 'counter' });
    const seen = collect(watcher);
    await watcher.subscribeAsync(`mep/${B}/#`);
    await sleep(500);
    expect(seen.filter((m) => m.retain).length).toBeLessThanOrEqual(RETAINED_QUOTA.perModule.messages);
    expect(seen.some((m) => m.topic === `mep/${B}/diagnostics`)).toBe(false);
    expect(broker.log()).toMatch(/refused a retained message on mep\/mep_240ac4abcdef\/junk\/\d+: mep_240ac4abcdef is over its quota/);
    await sleep(1200); // the store writes at most once a second
    expect(statSync(join(dataDir, 'retained.json')).size).toBeLessThan(RETAINED_QUOTA.perModule.bytes * 1.5);
  });

  test('attack 4: guessing the device password runs at a few attempts per second at most, and logs quietly', async () => {
    const before = broker.log().split('\n').length;
    const started = Date.now();
    const codes = await Promise.all(
      Array.from({ length: 60 }, (_, i) => loginCode(url, { username: A, password: `guess-${i}`, clientId: A })),
    );
    const seconds = (Date.now() - started) / 1000;
    expect(codes.every((c) => c === 4)).toBe(true);
    const lines = broker.log().split('\n').slice(before - 1);
    const checked = lines.filter((l) => /wrong password for the paired module/.test(l)).length;
    const throttled = lines.filter((l) => /too many failed logins/.test(l)).length;
    expect(checked).toBeLessThanOrEqual(5 + Math.ceil(2 * seconds) + 1);
    expect(checked + throttled).toBe(60);
    expect(lines.filter((l) => / WARNING \[/.test(l) && /login refused/.test(l)).length).toBeLessThanOrEqual(1);
    // While the source address is throttled even the right password waits; a few seconds later it works again.
    expect(await loginCode(url, { ...ADMIN, clientId: 'right-password' })).toBe(4);
    await sleep(3000);
    expect(await loginCode(url, { ...ADMIN, clientId: 'right-password' })).toBe(0);
  });

  test('the log never contains a password or a pairing secret', () => {
    const log = broker.log();
    for (const secret of [ADMIN.password, SHARED, A_PASSWORD, SECRET_A, MBK]) expect(log).not.toContain(secret);
    expect(readFileSync(join(dataDir, 'pairing.json'), 'utf8')).toContain(SECRET_A);
    expect(statSync(join(dataDir, 'pairing.json')).mode & 0o777).toBe(0o600);
  });
});
