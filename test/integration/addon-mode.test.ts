// The add-on as the Supervisor runs it: the production bundle (dist/addon/main.mjs built by addon/build/build.ts) in
// add-on mode with SUPERVISOR_TOKEN, its options in an options.json, the Supervisor's services/mqtt pointing at
// Mosquitto (the broker Home Assistant users run), Home Assistant Core's websocket (stand-in), and the production
// firmware on the Node host reading a simulated meter with the wrong MBK key. The add-on must pick the Supervisor's
// broker, learn the device, publish the latest firmware version for its update entity, and raise (then clear) a
// persistent notification for the wrong key — without a secret in its log.
import { ChildProcess, spawn } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { buildAddon } from '../../addon/build/build';
import { buildArtefacts } from '../../device/build/artefacts';
import { buildFirmware } from '../../device/build/build';
import { startHost, HostHandle } from '../../device/sim/host';
import { MeterSimulator } from '../../device/sim/meter-sim/meter';
import { acceleratedMeter } from '../helpers/meter-sim';
import { Broker, freePort, startMosquitto } from '../helpers/brokers';
import { HaStandin } from '../helpers/ha-standin';
import { startSupervisorStandIn, SupervisorStandIn } from '../helpers/supervisor-standin';
import { retained, watcher, Watcher } from '../helpers/mqtt-watch';
import { waitFor } from '../helpers/wait';

const METER_KEY = 'Gh4!Jk8@Lm2#Np6$Qr0%';
const WRONG_KEY = 'WrongKey-0123456789A';
const SUPERVISOR_TOKEN = 'supervisor-token-5b1e9d';
const MQTT_PASSWORD = 'mosquitto-addons-pw-77';
const DEVICE = 'mep_240ac4000091';
const HOST_OTA_PORT = 18125;

let mosquitto: Broker;
let supervisor: SupervisorStandIn;
let ha: HaStandin;
let addon: ChildProcess;
let output = '';
let device: HostHandle;
let sim: MeterSimulator;
let w: Watcher;
const dir = mkdtempSync(join(tmpdir(), 'mep-addon-mode-'));

/** Waits with the add-on's output in the error. */
const waitUntil = (check: () => boolean, ms: number, what: string): Promise<void> => waitFor(what, check, ms, () => output);

beforeAll(async () => {
  mosquitto = await startMosquitto({ username: 'addons', password: MQTT_PASSWORD });
  supervisor = await startSupervisorStandIn({
    token: SUPERVISOR_TOKEN,
    mqtt: { host: '127.0.0.1', port: mosquitto.port, ssl: false, protocol: '3.1.1', username: 'addons', password: MQTT_PASSWORD, addon: 'core_mosquitto' },
    // The user mapped the download port to another host port in the add-on's network settings.
    addonInfo: { network: { '8125/tcp': HOST_OTA_PORT, '1883/tcp': 1884 } },
  });
  ha = await HaStandin.start({ token: SUPERVISOR_TOKEN, version: '2026.3.1', prefs: null });
  const { bundle, panelDir } = await buildAddon({ outDir: join(dir, 'app') });
  // The image's firmware catalog: this build's firmware.bin and update.wwws (device/build/artefacts.ts).
  const firmware = await buildFirmware({ out: join(dir, 'catalog', 'firmware.js'), budgetBytes: Infinity });
  await buildArtefacts(firmware);
  const options = join(dir, 'options.json');
  writeFileSync(options, JSON.stringify({ log_level: 'info', mqtt: {}, embedded_broker: { port: await freePort() }, ota: { port: 8125, host: '127.0.0.1' }, offline_notify_minutes: 10 }));
  addon = spawn(process.execPath, [bundle, 'addon', '--options', options, '--data-dir', dir, '--catalog-dir', join(dir, 'catalog'),
    '--panel-assets', panelDir as string, '--panel-port', String(await freePort())], {
    env: { PATH: process.env.PATH ?? '', SUPERVISOR_TOKEN, MEP_SUPERVISOR_URL: supervisor.url, MEP_HA_URL: ha.hassUrl },
  });
  addon.stdout!.on('data', (d) => (output += d));
  addon.stderr!.on('data', (d) => (output += d));
  await waitUntil(() => output.includes('MEP Bridge add-on running'), 30000, 'the add-on to start');

  w = await watcher(`mqtt://addons:${MQTT_PASSWORD}@127.0.0.1:${mosquitto.port}`);
  sim = acceleratedMeter({ key: METER_KEY });
  device = await startHost({
    bundlePath: firmware.out,
    meter: sim,
    settings: {
      name: 'Cellar meter',
      wifi: { ssid: 'home', password: 'wifi-secret-abc' },
      mqtt: { host: '127.0.0.1', port: mosquitto.port, username: 'addons', password: MQTT_PASSWORD },
      meter: { key: WRONG_KEY, pollIntervalS: 5 },
    },
    wifi: { mac: '24:0a:c4:00:00:91' },
  });
}, 120000);

afterAll(async () => {
  await device?.stop();
  sim?.close();
  await w?.client.endAsync();
  if (addon && addon.exitCode === null) {
    const exited = new Promise((r) => addon.once('exit', r));
    addon.kill('SIGTERM');
    await exited;
  }
  await ha?.close();
  await supervisor?.stop();
  await mosquitto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the add-on takes the Supervisor broker and asks for it with the Supervisor token', () => {
  expect(output).toMatch(new RegExp(`MQTT: Home Assistant's broker: mqtt://127\\.0\\.0\\.1:${mosquitto.port} .*provided by core_mosquitto`));
  expect(supervisor.requests.some((r) => r.path === '/services/mqtt' && r.authorized)).toBe(true);
  expect(ha.connectedClients).toBeGreaterThan(0);
});

test('it learns the device and publishes the latest firmware version for its update entity (retained)', async () => {
  const topic = `mep/${DEVICE}/update/latest`;
  await w.next(topic, (t) => t !== '', { ms: 60000 });
  // What Home Assistant's update entity reads after a restart: the retained version.
  expect(await retained(`mqtt://addons:${MQTT_PASSWORD}@127.0.0.1:${mosquitto.port}`, topic)).toMatch(/^\d+\.\d+\.\d+/);
}, 90000);

test('a wrong MBK key raises a persistent notification in Home Assistant; the right key clears it', async () => {
  await waitUntil(() => [...ha.notifications.keys()].some((id) => id.includes(DEVICE) && id.includes('wrong_key')), 90000, 'the wrong-key notification');
  const note = [...ha.notifications.entries()].find(([id]) => id.includes('wrong_key'))![1];
  expect(note.message).not.toContain(WRONG_KEY);

  // The fix, as the panel does it: a config command on the device's topic, not retained.
  w.client.publish(`mep/${DEVICE}/cmd/config`, JSON.stringify({ id: 'fix-1', meter: { key: METER_KEY } }), { qos: 1, retain: false });
  await waitUntil(() => ![...ha.notifications.keys()].some((id) => id.includes('wrong_key')), 90000, 'the notification to be dismissed');
}, 200000);

test("Home Assistant's Install button: the add-on sends the device an update command for the host's download port", async () => {
  const mark = w.mark();
  w.client.publish(`mep/${DEVICE}/update/install`, 'install', { qos: 1, retain: false });
  const cmd = await w.next(`mep/${DEVICE}/cmd/update`, () => true, { ms: 30000, after: mark });
  expect(cmd.retain).toBe(false);
  const body = JSON.parse(cmd.text) as { url: string; kind: string; size: number; sha256: string; token: string };
  expect(new URL(body.url).port).toBe(String(HOST_OTA_PORT));
  expect(body.kind).toBe('bin');
  expect(body.sha256).toMatch(/^[0-9a-f]{64}$/);
  expect(output).not.toContain(body.token);
}, 60000);

test('no secret in the add-on log', () => {
  for (const secret of [SUPERVISOR_TOKEN, MQTT_PASSWORD, METER_KEY, WRONG_KEY]) expect(output).not.toContain(secret);
});
