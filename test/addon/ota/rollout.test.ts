// [add-on OTA rollouts] Rollouts over a real broker (aedes) with scripted MQTT devices that follow the update
// contract and really download from the add-on's server: success (.bin with reboot, .wwws), a device error, a
// silent device (timeout), a device that comes back with its old version, "update all" with bounded concurrency,
// cancellation, and the update entity's latest version + HA's Install button.
import { mkdirSync, writeFileSync } from 'fs';
import mqtt, { MqttClient } from 'mqtt';
import { join } from 'path';
import { RolloutDeviceStatus, RolloutView } from '../../../addon/src/backend';
import { PackageCatalog } from '../../../addon/src/ota/catalog';
import { LatestVersionPublisher } from '../../../addon/src/ota/latest-version';
import { RolloutManager } from '../../../addon/src/ota/rollout';
import { DownloadServer } from '../../../addon/src/ota/server';
import { Broker, startAedes } from '../../helpers/brokers';
import { retained } from '../../helpers/mqtt-watch';
import { firmwarePackage, recordingLogger, RecordingLogger, tempDir, testBus, uploadStream, webPackage } from './fixtures';
import { fetchUrl } from './http-client';
import { bridgeDeviceTopics, MemoryRegistry, meterView, publisherOf } from './registry-stand-in';
import { Behaviour, ScriptedDevice } from './scripted-device';

const OLD = '1.0.0';
const NEW = '1.5.0';
const STALL_MS = 2000;
const REBOOT_MS = 3000;

interface World {
  broker: Broker;
  log: RecordingLogger;
  registry: MemoryRegistry;
  catalog: PackageCatalog;
  server: DownloadServer;
  rollouts: RolloutManager;
  latest: LatestVersionPublisher;
  devices: ScriptedDevice[];
  /** Every status each device went through, per rollout (from rolloutChanged). */
  history: Map<string, RolloutDeviceStatus[]>;
  /** Most devices active at once, seen at any rolloutChanged. */
  maxActive: number;
  addDevice(n: number, behaviour: Behaviour, options?: { version?: string; online?: boolean; stepMs?: number; connect?: boolean }): Promise<ScriptedDevice>;
  finished(id: string, ms?: number): Promise<RolloutView>;
  close(): Promise<void>;
}

const ACTIVE: RolloutDeviceStatus[] = ['sent', 'downloading', 'installing', 'rebooting', 'trial'];

async function world(concurrency = 3): Promise<World> {
  const broker = await startAedes();
  const dir = tempDir();
  const image = join(dir.path, 'image');
  mkdirSync(image);
  writeFileSync(join(image, 'firmware.bin'), firmwarePackage(NEW, Array.from({ length: 20000 }, (_, i) => `v${i};`).join('')));
  writeFileSync(join(image, 'web-2.0.0.wwws'), webPackage());
  const log = recordingLogger();
  const bus = testBus(log);
  const registry = new MemoryRegistry();
  const catalog = new PackageCatalog({ bus, log, dataDir: join(dir.path, 'data'), bundledDir: image });
  await catalog.start();
  const server = new DownloadServer({ log, packages: catalog, port: 0, listenHost: '127.0.0.1' });
  await server.start();
  const bridge = await bridgeDeviceTopics(broker.url, bus, registry);
  const addon: MqttClient = await mqtt.connectAsync(broker.url, { clientId: 'addon' });
  const mqttOut = publisherOf(addon);
  const rollouts = new RolloutManager({ bus, log, mqtt: mqttOut, meters: registry, catalog, downloads: server, concurrency, timeouts: { stallMs: STALL_MS, rebootMs: REBOOT_MS }, tickMs: 100 });
  rollouts.listen();
  const latest = new LatestVersionPublisher({ bus, log, mqtt: mqttOut, meters: registry, catalog, rollouts });
  await latest.start();
  const devices: ScriptedDevice[] = [];
  const history = new Map<string, RolloutDeviceStatus[]>();
  const w: World = {
    broker, log, registry, catalog, server, rollouts, latest, devices, history, maxActive: 0,
    async addDevice(n, behaviour, options = {}) {
      const id = `mep_00000000000${n}`;
      const device = new ScriptedDevice(broker.url, id, options.version ?? OLD, { behaviour, stepMs: options.stepMs });
      registry.add(meterView(id, device.version, options.online ?? true));
      if (options.connect !== false) await device.connect();
      devices.push(device);
      bus.emit('meterChanged', { deviceId: id });
      return device;
    },
    finished(id, ms = 10000) {
      return new Promise((resolve, reject) => {
        const timer = setInterval(() => {
          const view = rollouts.get(id);
          if (view?.finished) {
            clearInterval(timer);
            resolve(view);
          }
        }, 25);
        setTimeout(() => {
          clearInterval(timer);
          reject(new Error(`rollout not finished within ${ms} ms: ${JSON.stringify(rollouts.get(id))}`));
        }, ms);
      });
    },
    async close() {
      rollouts.close();
      await latest.stop();
      for (const d of devices) await d.close();
      await addon.endAsync();
      await bridge.endAsync();
      await server.stop();
      await broker.stop();
      dir.remove();
    },
  };
  bus.on('test', 'rolloutChanged', ({ rolloutId }) => {
    const view = rollouts.get(rolloutId)!;
    w.maxActive = Math.max(w.maxActive, rollouts.list().flatMap((r) => r.devices).filter((d) => ACTIVE.includes(d.status)).length);
    for (const d of view.devices) {
      const key = `${rolloutId}/${d.deviceId}`;
      const seen = history.get(key) ?? [];
      if (seen[seen.length - 1] !== d.status) seen.push(d.status);
      history.set(key, seen);
    }
  });
  return w;
}

describe('[add-on OTA rollouts] over aedes with scripted devices', () => {
  let w: World;
  afterEach(async () => {
    await w.close();
  });

  test('a .bin: command, download, restart, on trial with the new version, confirmed -> done; token spent, nothing secret left', async () => {
    w = await world();
    const device = await w.addDevice(1, 'install');
    const bin = w.catalog.latest('bin')!;
    const started = w.rollouts.start(bin.id, [device.deviceId]);
    expect(started.devices).toEqual([{ deviceId: device.deviceId, status: expect.stringMatching(/pending|sent/), percent: null }]);
    const view = await w.finished(started.id);
    expect(view.devices).toEqual([{ deviceId: device.deviceId, status: 'done', percent: 100 }]);
    expect(w.history.get(`${started.id}/${device.deviceId}`)).toEqual(expect.arrayContaining(['sent', 'downloading', 'installing', 'rebooting', 'trial', 'done']));
    expect(device.version).toBe(NEW);
    const [cmd] = device.commands;
    expect(cmd).toMatchObject({ kind: 'bin', size: bin.size, sha256: bin.sha256, version: NEW, url: `http://127.0.0.1:${w.server.port()}/firmware/${bin.id}` });
    expect(device.downloads).toEqual([206, 206]);
    // The token died with the rollout; the command (which holds it) was not retained; no log line holds it.
    expect((await fetchUrl(cmd!.url, { headers: { Authorization: `Bearer ${cmd!.token}`, Range: 'bytes=0-9' } })).status).toBe(401);
    expect(w.server.liveTokens()).toBe(0);
    expect(await retained(w.broker.url, device.topics.cmdUpdate)).toBeNull();
    expect(w.log.lines.join('\n')).not.toContain(cmd!.token);
  });

  test('a .wwws is done when the device says it is live, without a restart', async () => {
    w = await world();
    const device = await w.addDevice(1, 'install');
    const web = w.catalog.latest('wwws')!;
    const view = await w.finished(w.rollouts.start(web.id, [device.deviceId]).id);
    expect(view).toMatchObject({ kind: 'wwws', version: '2.0.0', finished: true });
    expect(view.devices[0]).toMatchObject({ status: 'done' });
    expect(w.history.get(`${view.id}/${device.deviceId}`)).not.toContain('rebooting');
    expect(device.version).toBe(OLD);
  });

  test("a device error fails the device's part with the device's own words", async () => {
    w = await world();
    const device = await w.addDevice(1, 'refuse');
    const view = await w.finished(w.rollouts.start(w.catalog.latest('bin')!.id, [device.deviceId]).id);
    expect(view.devices[0]).toMatchObject({ status: 'failed', error: 'not enough free Storage for 340000 bytes' });
    expect(w.log.lines.some((l) => l.startsWith('warn') && l.includes('not enough free Storage'))).toBe(true);
  });

  test('a device that never answers times out with a clear message', async () => {
    w = await world();
    const device = await w.addDevice(1, 'ignore');
    const t0 = Date.now();
    const view = await w.finished(w.rollouts.start(w.catalog.latest('bin')!.id, [device.deviceId]).id);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(STALL_MS);
    expect(view.devices[0]).toMatchObject({ status: 'timed-out', error: 'the device did not answer the update command within 2 s' });
    expect(w.server.liveTokens()).toBe(0);
  });

  test('a device that restarts and comes back with its old version is a failure, with its summary', async () => {
    w = await world();
    const device = await w.addDevice(1, 'rollback');
    const view = await w.finished(w.rollouts.start(w.catalog.latest('bin')!.id, [device.deviceId]).id);
    expect(view.devices[0]).toMatchObject({
      status: 'failed',
      error: `the device came back with ${OLD} instead of ${NEW}: rolled back: ${NEW} never became healthy`,
    });
  });

  test('a .bin that came back on trial and then rolled back is failed, never done', async () => {
    w = await world();
    const device = await w.addDevice(1, 'trial-fails');
    const started = w.rollouts.start(w.catalog.latest('bin')!.id, [device.deviceId]);
    const view = await w.finished(started.id);
    expect(view.devices[0]).toMatchObject({ status: 'failed', percent: null, error: expect.stringMatching(/^rolled back/) });
    const history = w.history.get(`${started.id}/${device.deviceId}`)!;
    expect(history.slice(-2)).toEqual(['trial', 'failed']);
    expect(history).not.toContain('done');
    expect(device.version).toBe(OLD);
  });

  test('update all: every known device, at most N at a time; offline and up-to-date devices are not sent anything', async () => {
    w = await world(2);
    const busy = [1, 2, 3, 4].map((n) => w.addDevice(n, 'install', { stepMs: 150 }));
    const ready = await Promise.all(busy);
    const offline = await w.addDevice(5, 'install', { online: false, connect: false });
    const current = await w.addDevice(6, 'install', { version: NEW });
    const view = await w.finished(w.rollouts.start(w.catalog.latest('bin')!.id, []).id, 20000);
    const byId = new Map(view.devices.map((d) => [d.deviceId, d]));
    for (const d of ready) {
      expect(byId.get(d.deviceId)).toMatchObject({ status: 'done' });
      expect(d.version).toBe(NEW);
    }
    expect(byId.get(offline.deviceId)).toMatchObject({ status: 'failed', error: 'the device is offline' });
    expect(byId.get(current.deviceId)).toMatchObject({ status: 'done' });
    expect(current.commands).toHaveLength(0);
    expect(w.maxActive).toBe(2);
  });

  test('cancel: the device is told nothing more and its download token stops working', async () => {
    w = await world();
    const device = await w.addDevice(1, 'stall');
    const started = w.rollouts.start(w.catalog.latest('bin')!.id, [device.deviceId]);
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (w.rollouts.get(started.id)!.devices[0]!.status === 'downloading' && device.downloads.length === 1) {
          clearInterval(t);
          resolve();
        }
      }, 20);
    });
    expect(w.rollouts.cancel(started.id)).toBe(true);
    expect(w.rollouts.get(started.id)).toMatchObject({ finished: true, devices: [{ status: 'cancelled' }] });
    expect(w.rollouts.cancel(started.id)).toBe(false);
    const cmd = device.commands[0]!;
    expect((await fetchUrl(cmd.url, { headers: { Authorization: `Bearer ${cmd.token}`, Range: 'bytes=100-' } })).status).toBe(401);
  });

  test('a second rollout to a device that is being updated is refused for that device; unknown packages throw', async () => {
    w = await world();
    const device = await w.addDevice(1, 'stall');
    const bin = w.catalog.latest('bin')!;
    const first = w.rollouts.start(bin.id, [device.deviceId]);
    const second = w.rollouts.start(bin.id, [device.deviceId, 'mep_ffffffffffff']);
    expect(second.devices).toEqual([
      { deviceId: device.deviceId, status: 'failed', percent: null, error: 'another update is already running on this device' },
      { deviceId: 'mep_ffffffffffff', status: 'failed', percent: null, error: 'unknown device' },
    ]);
    expect(() => w.rollouts.start('0'.repeat(64), [])).toThrow('no package');
    w.rollouts.cancel(first.id);
  });

  test("update entity: the catalog's latest version is retained per device and follows uploads; HA's Install updates the device", async () => {
    w = await world();
    const device = await w.addDevice(1, 'install');
    const waitRetained = async (want: string) => {
      for (let i = 0; i < 40; i++) {
        if ((await retained(w.broker.url, device.topics.updateLatest)) === want) return;
      }
      throw new Error(`update/latest never became ${want}`);
    };
    await waitRetained(NEW);
    const newer = await w.catalog.add('mep-1.6.0.bin', uploadStream(firmwarePackage('1.6.0')));
    await waitRetained('1.6.0');
    const ha = await mqtt.connectAsync(w.broker.url, { clientId: 'homeassistant' });
    await ha.publishAsync(device.topics.updateInstall, 'install', { qos: 1 });
    await ha.endAsync();
    const rollout = await new Promise<RolloutView>((resolve) => {
      const t = setInterval(() => {
        const r = w.rollouts.list()[0];
        if (r) {
          clearInterval(t);
          resolve(r);
        }
      }, 20);
    });
    expect(rollout).toMatchObject({ entryId: newer.id, version: '1.6.0' });
    expect((await w.finished(rollout.id)).devices[0]).toMatchObject({ status: 'done' });
    expect(device.version).toBe('1.6.0');
  });
});
