// Issue 10 item 1: a bit flipped on the line can no longer become a spike in Home Assistant. The firmware's App
// (in-process, Node HAL) reads a simulated meter whose replies are often corrupted — the digest itself, or a data byte
// under the old digest — and publishes to a real broker, watched as Home Assistant would. The meter's tables are
// frozen, so every published value must be exactly what it serves; the corrupted replies show up as poll errors.
import { startApp } from '../../device/src/app';
import { SETTINGS_FILE } from '../../device/src/settings/schema';
import { BT21, BT28 } from '../../device/src/meter/table-ids';
import { Bt21, Bt28, decodeBt21, decodeBt28 } from '../../device/src/meter/tables/index';
import { MeterSimulator } from '../../device/sim/meter-sim/meter';
import { startAedes } from '../helpers/brokers';
import { createAppHal } from '../helpers/app-hal';
import { retained, watcher } from '../helpers/mqtt-watch';

const KEY = 'ABCDEFGHIJKLMNOPQRST';
const BASE = 'mep/mep_240ac4123456';

test('corrupted replies (bad digest, or a flipped data byte under the old digest) never reach Home Assistant', async () => {
  const broker = await startAedes();
  const w = await watcher(broker.url);
  const sim = new MeterSimulator({
    key: KEY, pacing: 'instant', seed: 11, values: 'frozen', faults: { badDigestProbability: 0.2, badDataProbability: 0.2 },
  });
  const faults: string[] = [];
  sim.on('fault', (name: string) => faults.push(name));
  const settings = {
    name: 'Hall meter', mqtt: { host: '127.0.0.1', port: broker.port, baseTopic: '', discoveryPrefix: 'homeassistant' },
    meter: { key: KEY, pollIntervalS: 1 }, wifi: { ssid: 'home', password: 'wifi-secret-xyz' },
  };
  const hal = createAppHal(sim, new Map([[SETTINGS_FILE, new Uint8Array(Buffer.from(JSON.stringify(settings)))]]));
  const app = startApp(hal);
  try {
    const bt21 = decodeBt21(sim.tables.read(BT21)!);
    const bt28 = decodeBt28(sim.tables.read(BT28)!, { bt21: (bt21.ok ? bt21.value : undefined) as Bt21 });
    const served = (bt28.ok ? bt28.value : null) as Bt28;
    for (let n = 0; n < 8; n++) await w.next(`${BASE}/state`, (t) => t.includes('voltage_l1'), { after: w.mark() });
    const states = w.seen.filter((s) => s.topic === `${BASE}/state`).map((s) => JSON.parse(s.text));
    expect(faults.filter((f) => f === 'badData').length).toBeGreaterThan(0);
    expect(faults.filter((f) => f === 'badDigest').length).toBeGreaterThan(0);
    const first = states.find((s) => s.energy_import !== undefined && s.voltage_l1 !== undefined);
    expect(first.voltage_l1).toBeCloseTo(served.voltageMv![0]! / 1000, 3);
    for (const s of states) {
      for (const key of Object.keys(s)) {
        if (key === 'meter_clock' || s[key] === null) continue;
        expect([key, s[key]]).toEqual([key, first[key]]);
      }
    }
    const diag = JSON.parse((await retained(broker.url, `${BASE}/diagnostics`)) as string);
    expect(diag.link_state).toBe('online');
  } finally {
    app.stop();
    sim.close();
    await w.client.endAsync();
    await broker.stop();
  }
}, 60000);
