// The PRODUCTION firmware bundle on the Node host (Espruino-like globals, Storage, WiFi, net) + meter simulator +
// a real broker (aedes, then Mosquitto), watched by an mqtt.js subscriber: issue "Device firmware on Espruino".
import { MeterSimulator } from '../../device/sim/meter-sim/meter';
import { acceleratedMeter } from '../helpers/meter-sim';
import { HostHandle, startHost as boot } from '../../device/sim/host';
import { Broker, startAedes, startMosquitto } from '../helpers/brokers';
import { productionBundle } from '../device/host/helpers';
import { retained, watcher, Watcher } from '../helpers/mqtt-watch';

const KEY = 'ABCDEFGHIJKLMNOPQRST';
const MAC = '24:0a:c4:00:00:42';
const DEVICE = 'mep_240ac4000042';
const BASE = `mep/${DEVICE}`;

function settings(port: number, key = KEY) {
  return {
    name: 'Cellar meter',
    wifi: { ssid: 'home', password: 'wifi-secret-xyz' },
    mqtt: { host: '127.0.0.1', port, password: 'mqtt-secret-xyz' },
    meter: { key, pollIntervalS: 1 },
  };
}

const brokers: [string, () => Promise<Broker>][] = [
  ['aedes', () => startAedes()],
  ['mosquitto', () => startMosquitto()],
];

describe.each(brokers)('[production bundle on the host ↔ %s]', (_name, startBroker) => {
  let broker: Broker;
  let sim: MeterSimulator;
  let host: HostHandle;
  let w: Watcher;
  const consoleLines: string[] = [];

  beforeAll(async () => {
    broker = await startBroker();
    w = await watcher(broker.url);
    sim = acceleratedMeter({ key: KEY, seed: 5 });
    host = await boot({ bundlePath: await productionBundle(), meter: sim, settings: settings(broker.port), wifi: { mac: MAC }, log: (l) => consoleLines.push(l) });
  }, 60000);

  afterAll(async () => {
    await host.stop();
    sim.close();
    await w.client.endAsync();
    await broker.stop();
  });

  test('publishes discovery, availability, state and diagnostics; no secret anywhere', async () => {
    const config = JSON.parse((await w.next(`homeassistant/device/${DEVICE}/config`, undefined, { ms: 20000 })).text);
    expect(config.dev.ids).toEqual([DEVICE]);
    expect(config.dev.name).toBe('Cellar meter');
    await w.next(`${BASE}/availability`, (t) => t === 'online', { ms: 20000 });
    const state = JSON.parse((await w.next(`${BASE}/state`, (t) => t.includes('energy_import'), { after: 0, ms: 30000 })).text);
    expect(state.energy_import).toBeGreaterThan(60000);
    expect(state.frequency).toBeGreaterThan(49);
    // The retained copy on the broker, not the live delivery: aedes may drop a retained message that a later state
    // message from the same socket read overtook (see test/integration/app-mqtt.test.ts). The device publishes the
    // online diagnostics before its first state message, so once a state has arrived the retained copy says online.
    const diagnostics = await retained(broker.url, `${BASE}/diagnostics`);
    expect(JSON.parse(diagnostics as string).link_state).toBe('online');
    expect(JSON.parse(diagnostics as string).firmware).toMatch(/^\d+\.\d+\.\d+/);
    const everything = w.seen.map((s) => `${s.topic} ${s.text}`).join('\n') + consoleLines.join('\n');
    for (const secret of [KEY, 'wifi-secret-xyz', 'mqtt-secret-xyz']) expect(everything).not.toContain(secret);
    expect(consoleLines.filter((l) => l.startsWith('Uncaught'))).toEqual([]);
  }, 40000);

  test('a power cut fires the Last Will; after power-on the device is back online', async () => {
    const at = w.mark();
    host.kill();
    await w.next(`${BASE}/availability`, (t) => t === 'offline', { after: at, ms: 10000 });
    host.powerOn();
    await w.next(`${BASE}/availability`, (t) => t === 'online', { after: at, ms: 20000 }).catch((e) => {
      throw new Error(`${e.message} state=${host.state} boots=${host.bootCount}\n${consoleLines.slice(-12).join('\n')}\n${w.seen.slice(at).map((s) => s.topic + ' ' + s.text.slice(0, 30)).join('\n')}`);
    });
    await w.next(`${BASE}/state`, (t) => t.includes('energy_import'), { after: w.mark(), ms: 30000 });
  }, 60000);

  test('discovery is re-published when Home Assistant announces itself online', async () => {
    const at = w.mark();
    await w.client.publishAsync('homeassistant/status', 'online');
    await w.next(`homeassistant/device/${DEVICE}/config`, undefined, { after: at, ms: 10000 });
  });

  test('meter silence is reported as "no-reply" without a crash', async () => {
    const at = w.mark();
    sim.setMepPortDisabled(true);
    await w.next(`${BASE}/diagnostics`, (t) => t.includes('"no-reply"'), { after: at, ms: 30000 });
    expect(host.state).toBe('running');
    sim.setMepPortDisabled(false);
  }, 40000);
});

test('[production bundle on the host] a wrong MBK key gives the "auth-failed" state', async () => {
  const broker = await startAedes();
  const w = await watcher(broker.url);
  const sim = new MeterSimulator({ key: KEY, pacing: 'instant', seed: 6 });
  const host = await boot({ bundlePath: await productionBundle(), meter: sim, settings: settings(broker.port, 'ZYXWVUTSRQPONMLKJIHG'), wifi: { mac: MAC } });
  try {
    const diag = JSON.parse((await w.next(`${BASE}/diagnostics`, (t) => t.includes('auth-failed'), { after: 0, ms: 30000 })).text);
    expect(diag.last_error).toMatch(/MBK key is wrong/);
  } finally {
    await host.stop();
    sim.close();
    await w.client.endAsync();
    await broker.stop();
  }
}, 60000);
