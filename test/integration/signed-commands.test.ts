// Issue 11, attacks 1 and 2 replayed against a PAIRED module (the firmware's App in-process on the Node host, a real
// aedes broker, a real MQTT client as the attacker): unsigned, forged, edited, moved and replayed commands are
// refused with their reason on cmd/result and never executed; the add-on's signed commands (addon/src/pairing
// signer.ts, the real thing) run once; the MBK key travels encrypted and is decrypted by the module; results are
// signed; updates only from the paired host. A module not paired takes unsigned commands as before.
import { commandKeys } from '../../discovery/command-mac';
import { startApp } from '../../device/src/app';
import { FLOOR_BLOCK, FLOOR_FILE, SECRET_FILE } from '../../device/src/security/store';
import { SETTINGS_FILE } from '../../device/src/settings/schema';
import { MeterSimulator } from '../../device/sim/meter-sim/meter';
import { acceleratedMeter } from '../helpers/meter-sim';
import { encryptSecretFields, nodeSha256, openSignedResult, signCommand } from '../../addon/src/pairing/signer';
import { Broker, startAedes } from '../helpers/brokers';
import { createAppHal } from '../helpers/app-hal';
import { watcher, Watcher } from '../helpers/mqtt-watch';

const KEY = 'ABCDEFGHIJKLMNOPQRST';
const WRONG_KEY = 'ZYXWVUTSRQPONMLKJIHG';
const DEVICE = 'mep_240ac4123456';
const BASE = `mep/${DEVICE}`;
const SECRET = Buffer.from('5a'.repeat(32), 'hex');
const OTHER_SECRET = Buffer.from('a5'.repeat(32), 'hex');
const HOST = '192.168.1.20';

function settings(port: number) {
  return JSON.stringify({
    name: 'Hall meter',
    mqtt: { host: '127.0.0.1', port, baseTopic: '', discoveryPrefix: 'homeassistant' },
    meter: { key: WRONG_KEY, pollIntervalS: 1 },
    wifi: { ssid: 'home', password: 'wifi-secret-xyz' },
  });
}

const text = (hal: ReturnType<typeof createAppHal>, name: string) => (hal.files.has(name) ? Buffer.from(hal.files.get(name)!).toString('latin1') : null);

describe('[firmware ↔ aedes] a paired module executes only what its add-on signed', () => {
  let broker: Broker;
  let sim: MeterSimulator;
  let hal: ReturnType<typeof createAppHal>;
  let app: ReturnType<typeof startApp>;
  let w: Watcher;
  let counter = 1764760000000;
  /** The first counter the module accepted: its floor is stored one block above it. */
  let firstAccepted = 0;
  const downloads: string[] = [];

  /** Publishes `payload` on cmd/<command> and returns the body of the result answering `id` (checked signed). */
  async function command(name: string, payload: string, id: string | null, topicDevice = DEVICE): Promise<{ [k: string]: unknown }> {
    const at = w.mark();
    await w.client.publishAsync(`mep/${topicDevice}/cmd/${name}`, payload, { qos: 1 });
    const seen = await w.next(`${BASE}/cmd/result`, (t) => t.includes(`"command":"${name}"`) && (id === null || t.includes(`"id":"${id}"`)), { after: at });
    const body = openSignedResult(SECRET, `${BASE}/cmd/result`, Buffer.from(seen.text, 'latin1'));
    expect(body).not.toBeNull(); // every result of a paired module is signed, refusals included
    return JSON.parse(body!.toString());
  }
  const signed = (name: string, body: object, c = ++counter, secret = SECRET, topicDevice = DEVICE) =>
    signCommand(secret, `mep/${topicDevice}/cmd/${name}`, c, JSON.stringify(body));

  beforeAll(async () => {
    broker = await startAedes();
    w = await watcher(broker.url);
    sim = acceleratedMeter({ key: KEY, seed: 5 });
    hal = createAppHal(sim, new Map([
      [SETTINGS_FILE, new Uint8Array(Buffer.from(settings(broker.port)))],
      [SECRET_FILE, new Uint8Array(Buffer.from(SECRET.toString('hex') + ' ' + HOST))],
    ]));
    hal.httpClient = {
      get: (url, _headers, _onResponse, onError) => {
        downloads.push(url);
        setTimeout(() => onError('no server in this test'), 0);
        return { abort: () => undefined };
      },
    };
    app = startApp(hal);
    await w.next(`${BASE}/availability`, (t) => t === 'online');
  }, 30000);

  afterAll(async () => {
    app.stop();
    sim.close();
    await w.client.endAsync();
    await broker.stop();
  });

  test('attack 1: unsigned, forged, moved and edited update commands are refused; nothing is downloaded', async () => {
    const update = { id: 'u1', kind: 'bin', url: 'http://10.6.6.6:8125/evil.bin', size: 1000, sha256: 'ab'.repeat(32), version: '6.6.6', token: 't' };
    expect(await command('update', JSON.stringify(update), 'u1')).toEqual({ id: 'u1', command: 'update', ok: false, error: 'unsigned' });
    expect(await command('update', signed('update', update, ++counter, OTHER_SECRET), 'u1')).toMatchObject({ ok: false, error: 'bad-mac' });
    // Signed by the add-on for another module (or another command) and moved here.
    const forB = signed('update', update, ++counter, SECRET, 'mep_240ac4abcdef');
    expect(await command('update', forB, 'u1')).toMatchObject({ ok: false, error: 'bad-mac' });
    expect(await command('update', signed('config', { id: 'u1' }).replace(/^MEP1/, 'MEP1'), 'u1')).toMatchObject({ ok: false, error: 'bad-mac' });
    // A signed command with its URL edited.
    const genuine = signed('update', { ...update, url: `http://${HOST}:8125/fw.bin` });
    expect(await command('update', genuine.replace(`http://${HOST}:8125/fw.bin`, 'http://10.6.6.6:8125/fw.bin'), 'u1')).toMatchObject({ ok: false, error: 'bad-mac' });
    // Even a correctly signed update must come from the host the module was paired with.
    expect(await command('update', signed('update', update), 'u1')).toMatchObject({ ok: false, error: "updates come only from the paired add-on's host" });
    expect(downloads).toEqual([]);
    expect(hal.logs.filter((l) => l.includes('update command refused'))).toHaveLength(6);
  });

  test('a signed update from the paired host is executed (the download starts)', async () => {
    const update = { id: 'u2', kind: 'bin', url: `http://${HOST}:8125/fw.bin`, size: 1000, sha256: 'ab'.repeat(32), version: '9.9.9', token: 't' };
    await w.client.publishAsync(`${BASE}/cmd/update`, signed('update', update), { qos: 1 });
    firstAccepted = counter - 1; // the update refused for its host was authentic: its counter was taken
    for (let i = 0; i < 50 && downloads.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(downloads).toEqual([`http://${HOST}:8125/fw.bin`]);
  });

  test('attack 2 / key secrecy: the MBK key travels encrypted, is decrypted by the module and brings the meter online; a replay is refused', async () => {
    const cmd = encryptSecretFields(SECRET, { id: 'k1', meter: { key: KEY } });
    expect(JSON.stringify(cmd)).not.toContain(KEY);
    const payload = signed('config', cmd);
    const c = counter;
    const result = await command('config', payload, 'k1');
    expect(result).toEqual({ id: 'k1', command: 'config', ok: true, applied: ['meter.key'], restart: false });
    expect(JSON.parse(text(hal, SETTINGS_FILE)!).meter.key).toBe(KEY);
    // The floor was stored a block ahead of the first accepted command (before it ran); this one was below it.
    expect(text(hal, FLOOR_FILE)).toBe(String(firstAccepted + FLOOR_BLOCK));
    expect(firstAccepted + FLOOR_BLOCK).toBeGreaterThan(c);
    await w.next(`${BASE}/state`, (t) => t.includes('energy_import'), { ms: 20000 });
    // The meter came online: the diagnostics count the six refusals of attack 1.
    expect(JSON.parse((await w.next(`${BASE}/diagnostics`, (t) => t.includes('"online"'))).text).refused_commands).toBe(6);
    // The very same message again (a replay): refused, with the floor the module holds.
    const replay = await command('config', payload, 'k1');
    expect(replay).toEqual({ id: 'k1', command: 'config', ok: false, error: 'stale-counter', counter_floor: c });
    expect(hal.logs.filter((l) => l.includes('settings changed')).length).toBe(1);
    // Nothing on the broker ever carried the key in clear.
    expect(w.seen.map((s) => s.text).join('\n')).not.toContain(KEY);
    expect(hal.logs.join('\n')).not.toContain(KEY);
  }, 40000);

  test('an unsigned or forged configuration changes nothing', async () => {
    expect(await command('config', JSON.stringify({ id: 'k2', meter: { key: WRONG_KEY } }), 'k2')).toMatchObject({ ok: false, error: 'unsigned' });
    expect(await command('config', signed('config', { id: 'k3', meter: { key: WRONG_KEY } }, ++counter, OTHER_SECRET), 'k3')).toMatchObject({ ok: false, error: 'bad-mac' });
    // A signed command whose encrypted field was damaged: refused, nothing applied.
    const cmd = encryptSecretFields(SECRET, { id: 'k4', meter: { key: WRONG_KEY } }) as { meter: { key_enc: string } };
    cmd.meter.key_enc = cmd.meter.key_enc.substring(0, 32) + 'zz';
    expect(await command('config', signed('config', cmd), 'k4')).toMatchObject({ ok: false, error: 'meter.key_enc cannot be decrypted' });
    expect(JSON.parse(text(hal, SETTINGS_FILE)!).meter.key).toBe(KEY);
  });

  test('commands within one floor block write no Storage; an older counter is stale', async () => {
    const floor = text(hal, FLOOR_FILE);
    const p1 = await command('poll', signed('poll', { id: 'p1' }), 'p1');
    expect(p1).toMatchObject({ id: 'p1', command: 'poll' });
    expect(String(p1.error)).not.toMatch(/unsigned|bad-mac|stale-counter/); // executed (ok, or the meter was busy)
    expect(text(hal, FLOOR_FILE)).toBe(floor);
    expect(await command('poll', signed('poll', { id: 'p2' }, counter - 5), 'p2')).toMatchObject({ ok: false, error: 'stale-counter' });
  });

  test('restart: Home Assistant\'s unsigned PRESS and a forged one do not restart; the signed one does, once', async () => {
    expect(await command('restart', 'PRESS', null)).toMatchObject({ id: null, ok: false, error: 'unsigned' });
    expect(await command('restart', signed('restart', { id: 'r1' }, ++counter, OTHER_SECRET), 'r1')).toMatchObject({ ok: false, error: 'bad-mac' });
    await new Promise((r) => setTimeout(r, 1300));
    expect(hal.reboots).toBe(0);
    const payload = signed('restart', { id: 'r2' });
    expect(await command('restart', payload, 'r2')).toEqual({ id: 'r2', command: 'restart', ok: true });
    expect(await command('restart', payload, 'r2')).toMatchObject({ ok: false, error: 'stale-counter' });
    await new Promise((r) => setTimeout(r, 1300));
    expect(hal.reboots).toBe(1);
  });

  test('refusals are counted; the secret is never logged or published', () => {
    expect(hal.logs.filter((l) => l.includes(' command refused: ')).length).toBe(14);
    const all = w.seen.map((s) => s.text).join('\n') + hal.logs.join('\n');
    for (const k of [SECRET.toString('hex'), Buffer.from(commandKeys(nodeSha256, SECRET).mac).toString('hex')]) expect(all).not.toContain(k);
  });
});
