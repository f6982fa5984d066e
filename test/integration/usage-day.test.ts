// A scripted New Year's Eve through the real add-on path (issue 13): the add-on (startAddon, its own MQTT client) on
// an external Mosquitto, Home Assistant's time zone from the websocket stand-in (Europe/Copenhagen), and state
// messages published as a module publishes them, every 5 minutes of a scripted clock. The add-on's usage sensors
// must equal the hand computation below, survive an add-on restart, start clean in the new month, and vanish with
// the meter.
//
// Hand computation (local time, UTC+1). Import power is constant within each hour of 31 Dec (W below, multiples of
// 120 so every 5-minute step adds whole Wh); 11:00-15:00 also export 1,200 W on L1.
//  * 02:00-04:00 the module is silent (no reading strictly between): hours 02 (360 W) and 03 (600 W) are both
//    interpolated to their average, 480 W each, flagged estimated; the outage cannot make one huge hour.
//  * the 19:00 reading is missed: 19:00 lies half way between 18:55 and 19:05, so hour 18 = 11 × 400 Wh + (400 +
//    250) / 2 = 4,725 W and hour 19 = 325 + 11 × 250 = 3,075 W (the energy moved, none was added); both are
//    flagged estimated, as their shared boundary lies in a 10-minute gap (longer than 5 minutes).
//  * the 12:30 reading carries a 9,000 W power sample: peaks come from the register, so it changes nothing.
//  * the add-on is down 20:00-21:00 (no reading 20:05-20:55): hour 20 is still 1,920 W (both boundaries read).
//  => month peaks: 18:00 4,725 W, 07:00 3,600 W, 19:00 3,075 W; average 3,800 W. Peak days (the highest hour of
//     each day): one day so far, 31 Dec 18:00, 4,725 W; their average 4,725 W.
//  * today at 23:55 = Σ W (30,600 Wh) − the last 5 minutes of hour 23 (50 Wh) = 30.550 kWh; export 4 × 1.2 = 4.8 kWh.
//  * 1 Jan 00:05: a new month, no peaks yet; 01:05: the first January hour (480 W) is its only peak; today = month
//    = 480 + 40 Wh = 0.520 kWh.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { buildDiscoveryPayload } from '../../discovery';
import { AddonHandle, startAddon } from '../../addon/src/main';
import { localOptions } from '../../addon/src/options/defaults';
import { Broker, freePort, startMosquitto } from '../helpers/brokers';
import { HaStandin } from '../helpers/ha-standin';
import { retained, watcher, Watcher } from '../helpers/mqtt-watch';
import { waitFor } from '../helpers/wait';

const ID = 'mep_240ac4000013';
const TOKEN = 'ha-token-usage-13';
const USAGE = `mep-addon/${ID}/usage`;
const USAGE_DISCOVERY = `homeassistant/device/${ID}_usage/config`;
const HOUR_MS = 3_600_000;
/** Local 31 Dec 00:00 (UTC+1). */
const DAY = Date.parse('2026-12-30T23:00:00Z');
const IMPORT_W = [360, 360, 360, 600, 360, 360, 720, 3600, 1200, 840, 840, 960, 1440, 960, 840, 840, 1200, 2400, 4800, 3000, 1920, 1200, 840, 600];
const OTHER_W = 480; // 30 Dec 23:00-24:00 and 1 Jan 00:00-01:00
const local = (h: number, m = 0): number => DAY + h * HOUR_MS + m * 60_000;

let broker: Broker;
let ha: HaStandin;
let addon: AddonHandle | null = null;
let w: Watcher;
let clock = 0;
let log = '';
const dir = mkdtempSync(join(tmpdir(), 'mep-usage-day-'));
const assets = join(dir, 'panel');
let panelPort = 0;
let restarts = 0;
let storedAtStop: { meters: { [id: string]: { peaks: { month: string; top: { w: number }[] } } } } | null = null;

function watts(t: number): { imp: number; exp: number } {
  const h = Math.floor((t - DAY) / HOUR_MS);
  if (h < 0 || h >= 24) return { imp: OTHER_W, exp: 0 };
  return { imp: IMPORT_W[h] as number, exp: h >= 11 && h < 15 ? 1200 : 0 };
}

async function start(): Promise<void> {
  const options = localOptions({ mqtt: { host: '127.0.0.1', port: broker.port }, ota: { port: await freePort(), host: '127.0.0.1' }, offline_notify_minutes: 0 });
  addon = await startAddon({
    mode: 'local', options, dataDir: dir, catalogDir: null, panel: { host: '127.0.0.1', port: panelPort, assetsDir: assets },
    homeAssistant: { hassUrl: ha.hassUrl, token: TOKEN }, log: (line) => (log += line + '\n'), clock: () => clock,
  });
  await waitFor("Home Assistant's time zone", () => (log.match(/follow time zone Europe\/Copenhagen \(Home Assistant's\)/g) ?? []).length >= restarts + 1, 15000, () => log);
}

type Usage = { [key: string]: number | string | boolean | null };

/** Publishes one state message at `t` as the module does and returns the add-on's usage message that follows. */
async function reading(t: number, impWh: number, expWh: number, powerSample?: number): Promise<Usage> {
  clock = t;
  const p = watts(t);
  const exportL1 = p.exp > 0;
  const state = {
    energy_import: impWh / 1000, energy_export: expWh / 1000, power_import: powerSample ?? p.imp, power_export: p.exp, power_net: (powerSample ?? p.imp) - p.exp,
    power_import_l1: exportL1 ? 0 : p.imp / 3, power_export_l1: p.exp, current_l1: exportL1 ? 5.2 : 0.6,
    power_import_l2: p.imp / 2, power_export_l2: 0, current_l2: 3.1, power_import_l3: p.imp / 2, power_export_l3: 0, current_l3: 3.2,
  };
  const mark = w.mark();
  w.client.publish(`mep/${ID}/state`, JSON.stringify(state), { qos: 0 });
  const seen = await w.next(USAGE, () => true, { after: mark, ms: 10000 });
  return JSON.parse(seen.text) as Usage;
}

const results = new Map<number, Usage>();
const CHECKPOINTS = [local(4), local(12), local(18, 10), local(20), local(21), local(23, 55), local(24, 5), local(25, 5)];

beforeAll(async () => {
  broker = await startMosquitto();
  ha = await HaStandin.start({ token: TOKEN, version: '2026.3.1', prefs: null });
  // The panel's assets are not under test here (the panel API is).
  mkdirSync(assets);
  writeFileSync(join(assets, 'index.html'), '<!doctype html><base href="./"><title>panel</title>');
  writeFileSync(join(assets, 'panel.js'), '');
  panelPort = await freePort();
  w = await watcher(broker.url);
  await start();
  // The module as it appears: discovery (retained), availability.
  const discovery = buildDiscoveryPayload({ deviceId: ID, baseTopic: '', discoveryPrefix: 'homeassistant', deviceName: 'Cellar meter', firmwareVersion: '1.2.0', phases: 3 });
  w.client.publish(`homeassistant/device/${ID}/config`, discovery, { qos: 1, retain: true });
  w.client.publish(`mep/${ID}/availability`, 'online', { qos: 1, retain: true });
  await w.next(USAGE_DISCOVERY, (t) => t !== '', { ms: 10000 });

  let impWh = 12_345_000;
  let expWh = 678_000;
  for (let t = local(-0.5); t <= local(25, 5); t += 5 * 60_000) {
    const silent = (t > local(2) && t < local(4)) || t === local(19) || (t > local(20) && t < local(21));
    if (t === local(20, 5)) {
      await addon!.stop(); // down until the 21:00 reading
      restarts++;
      storedAtStop = JSON.parse(readFileSync(join(dir, 'usage.json'), 'utf8')) as typeof storedAtStop;
    }
    if (t === local(21)) await start();
    if (!silent) {
      const usage = await reading(t, impWh, expWh, t === local(12, 30) ? 9000 : undefined);
      if (CHECKPOINTS.includes(t)) results.set(t, usage);
    }
    const p = watts(t);
    impWh += p.imp / 12;
    expWh += p.exp / 12;
  }
}, 120000);

afterAll(async () => {
  await addon?.stop();
  await w?.client.endAsync();
  await ha?.close();
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const peaks = (u: Usage): unknown[] => [1, 2, 3].map((n) => [u[`peak_hour_${n}`], u[`peak_hour_${n}_start`], u[`peak_hour_${n}_estimated`]]);

test("the add-on's entities are discovered on the module's own device, with the add-on's state topic", async () => {
  const text = await retained(broker.url, USAGE_DISCOVERY); // what Home Assistant gets after its restart
  const payload = JSON.parse(text ?? 'null');
  expect(payload.device).toEqual({ identifiers: [ID] });
  expect(payload.state_topic).toBe(USAGE);
  expect(payload.components.peak_hour_1).toMatchObject({ device_class: 'power', unit_of_measurement: 'W', state_class: 'measurement' });
});

test('signed current: L1 exports at noon, so its current is negative', () => {
  expect(results.get(local(12))).toMatchObject({ current_signed_l1: -5.2, current_signed_l2: 3.1, current_signed_l3: 3.2 });
});

test('15-minute and hourly averages from the register: 18:10 → 4,800 W', () => {
  expect(results.get(local(18, 10))).toMatchObject({ power_average_15min: 4800, power_average_hour: 4800 });
});

test('the peaks equal the hand computation (outage and missed reading included, the power sample ignored)', () => {
  const u = results.get(local(20)) as Usage;
  expect(peaks(u)).toEqual([
    [4725, '2026-12-31T18:00:00+01:00', true],
    [3600, '2026-12-31T07:00:00+01:00', false],
    [3075, '2026-12-31T19:00:00+01:00', true],
  ]);
  expect(u.peak_hours_average).toBe(3800);
  expect(u.peak_days_average).toBe(4725);
  expect(JSON.parse(u.peak_days as string)).toEqual([{ hour: '2026-12-31T18:00:00+01:00', w: 4725 }]);
  expect(u.energy_import_month).toBeNull(); // the add-on did not see 1 Dec begin
});

test('an add-on restart keeps the month: the peaks are on disk when it stops and the same after it', () => {
  expect(storedAtStop?.meters[ID]?.peaks).toMatchObject({ month: '2026-12', top: [{ w: 4725 }, { w: 3600 }, { w: 3075 }] });
  expect(peaks(results.get(local(21)) as Usage)).toEqual(peaks(results.get(local(20)) as Usage));
  expect(log).toMatch(/MEP Bridge add-on stopping[\s\S]*started usage/);
});

test("today's energy at 23:55", () => {
  expect(results.get(local(23, 55))).toMatchObject({ energy_import_today: 30.55, energy_export_today: 4.8 });
});

test('a new month starts clean, then counts its own first hour', () => {
  const jan = results.get(local(24, 5)) as Usage;
  expect(peaks(jan)).toEqual([[null, null, false], [null, null, false], [null, null, false]]);
  expect(jan).toMatchObject({ energy_import_today: 0.04, energy_import_month: 0.04, energy_export_month: 0 });
  const later = results.get(local(25, 5)) as Usage;
  expect(peaks(later)[0]).toEqual([480, '2027-01-01T00:00:00+01:00', false]);
  expect(later).toMatchObject({ energy_import_today: 0.52, energy_import_month: 0.52 });
});

test("the panel API's meter view carries the same usage", async () => {
  const res = await fetch(`http://127.0.0.1:${panelPort}/api/meters/${ID}`);
  expect(res.status).toBe(200);
  const view = (await res.json()) as { usage: unknown };
  expect(view.usage).toEqual({
    today: { importKwh: 0.52, exportKwh: 0 },
    month: { importKwh: 0.52, exportKwh: 0 },
    quarterHourW: 480,
    hourW: 480,
    monthPeaks: [{ hour: '2027-01-01T00:00:00+01:00', w: 480 }],
    monthPeakDays: [{ hour: '2027-01-01T00:00:00+01:00', w: 480 }],
  });
});

test('the outage hours are interpolated to their average and flagged estimated, not left out and not one huge hour', () => {
  expect(peaks(results.get(local(4)) as Usage)).toEqual([
    [480, '2026-12-31T02:00:00+01:00', true],
    [480, '2026-12-31T03:00:00+01:00', true],
    [360, '2026-12-31T00:00:00+01:00', false],
  ]);
});

test('removing the meter removes its usage entities', async () => {
  const mark = w.mark();
  w.client.publish(`homeassistant/device/${ID}/config`, '', { qos: 1, retain: true });
  const seen = await w.next(USAGE_DISCOVERY, (t) => t === '', { after: mark });
  expect(seen.text).toBe('');
});
