// The outage watch end to end (issue 13): the PRODUCTION firmware on the Node host, paired, reads a simulated meter
// (1 simulated hour = 10 s) and publishes to a real broker (aedes); the add-on's registry, commander, Home Assistant
// connection and outage service follow it, raw reads going through the shared per-module queue. The meter loses
// power from 14:02 to 14:39 local time (13:02–13:39 UTC; the simulator logs it in ET81 in local time, UTC+1) and the
// module with it. When the module is back the add-on reads ET81: Home Assistant gets one event
// mep_bridge_power_outage and one notification with the right start and length, and the retained "Last outage"
// state is the start. Hourly reads (every 4 s here) and a restart of the add-on's service announce nothing again.
import { HaConnection } from '../../../addon/src/ha/connection';
import { ModuleReadQueue } from '../../../addon/src/meters/module-read-queue';
import { OutageService } from '../../../addon/src/outages/outage-service';
import { HostHandle } from '../../../device/sim/host';
import { MeterSimulator } from '../../../device/sim/meter-sim/meter';
import { HaStandin } from '../../helpers/ha-standin';
import { acceleratedMeter } from '../../helpers/meter-sim';
import { watcher, Watcher } from '../../helpers/mqtt-watch';
import { PairedModule, startPairedModule } from '../../helpers/paired-module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../helpers/wait';

const KEY = 'ABCDEFGHIJKLMNOPQRST';
const MAC = '24:0a:c4:00:00:e3';
const DEVICE = 'mep_240ac40000e3';
const SECRET = Buffer.from('6c'.repeat(32), 'hex');
const TOKEN = 'outage-token-13';
const M = 60_000;
/** Simulated time starts 2026-12-01 12:01 UTC (13:01 in Copenhagen) and runs 360× real time. */
const START = Date.UTC(2026, 11, 1, 12, 1);
const SCALE = 360;
const OUTAGE_START = Date.UTC(2026, 11, 1, 13, 2);
const OUTAGE_END = Date.UTC(2026, 11, 1, 13, 39);

let rig: PairedModule;
let sim: MeterSimulator;
let host: HostHandle;
let standin: HaStandin;
let ha: HaConnection;
let outages: OutageService;
let mqtt: Watcher;
const logLines: string[] = [];

const simAt = (ms: number) => waitFor(`simulated ${new Date(ms).toISOString()}`, () => sim.simTime() >= ms, 120_000);

function outageService(): OutageService {
  return new OutageService({
    bus: rig.bus, log: rig.logger, ha, mqtt: rig.link, meters: rig.registry, reader: new ModuleReadQueue(rig.commander), dataDir: rig.dir,
    zone: () => 'Europe/Copenhagen', now: () => sim.simTime(), everyMs: 4000, settleMs: 2000,
  });
}

beforeAll(async () => {
  standin = await HaStandin.start({ token: TOKEN, version: '2026.12.0' });
  sim = acceleratedMeter({ key: KEY, seed: 14, startTime: START, timeScale: SCALE });
  sim.loadProfile!.injectOutage(OUTAGE_START, OUTAGE_END - OUTAGE_START);
  rig = await startPairedModule({
    sim, name: 'Outage meter', key: KEY, mac: MAC, deviceId: DEVICE, secret: SECRET, dirPrefix: 'mep-outages-',
    log: (l) => logLines.push(l), registry: { lastOutage: (id) => outages?.view(id) ?? null },
    onBroker: async (broker) => void (mqtt = await watcher(broker.url)),
  });
  host = rig.host;
  ha = new HaConnection({ bus: rig.bus, log: rig.logger, target: { hassUrl: standin.hassUrl, token: TOKEN }, heartbeatMs: 0 });
  await ha.start();
  outages = outageService();
  await outages.start();
}, 60000);

afterAll(async () => {
  await outages?.stop();
  await ha?.stop();
  await standin?.close();
  await mqtt?.client.endAsync();
  await rig?.stop();
});

const outageEvents = () => standin.firedEvents.filter((e) => e.eventType === 'mep_bridge_power_outage');

test('a power outage of the meter: one event, one notification, the "Last outage" sensor; nothing twice after a restart', async () => {
  await waitFor('the module online', () => rig.registry.get(DEVICE)?.online === true, 30000);
  // The watch publishes its sensors on the meter's device and reads the (empty) log once the readings flow.
  const discovery = await mqtt.next(`homeassistant/device/${DEVICE}_outage/config`);
  expect(JSON.parse(discovery.text).device).toEqual({ identifiers: [DEVICE] });
  await waitFor('the first read of the (empty) log', () => JSON.parse(readFileSafe()).meters?.[DEVICE]?.lastSeq === 0, 30000);
  await simAt(OUTAGE_START);
  host.kill(); // the meter loses power, and the module with it
  await waitFor('the module offline', () => rig.registry.get(DEVICE)?.online === false, 30000);
  expect(outageEvents()).toEqual([]);
  await simAt(OUTAGE_END + M);
  const mark = mqtt.mark();
  host.powerOn();
  await waitFor('the module online again', () => rig.registry.get(DEVICE)?.online === true, 30000);
  await waitFor('the outage announced', () => outageEvents().length > 0, 60000);
  expect(outageEvents()).toEqual([{
    eventType: 'mep_bridge_power_outage',
    data: { device_id: DEVICE, meter: 'Outage meter', start: '2026-12-01T13:02:00+00:00', end: '2026-12-01T13:39:00+00:00', duration_s: 37 * 60, source: 'ET81' },
  }]);
  const shown = [...standin.notifications.entries()].filter(([id]) => id.startsWith(`mep_bridge_${DEVICE}_outage_`));
  expect(shown).toHaveLength(1);
  expect(shown[0]![1].message).toMatch(/^Power outage on Outage meter: 2026-12-01 14:02–14:39 \(37 min\)/);
  const state = await mqtt.next(`mep-addon/${DEVICE}/outage`, (t) => t.includes('13:02'), { after: mark });
  expect(JSON.parse(state.text)).toEqual({ last_outage_start: '2026-12-01T13:02:00+00:00', last_outage_end: '2026-12-01T13:39:00+00:00', last_outage_duration_s: 2220 });
  expect(outages.lastOutage(DEVICE)).toMatchObject({ startMs: OUTAGE_START, endMs: OUTAGE_END, durationS: 2220 });
  // The panel's meter view shows it too.
  expect(rig.registry.get(DEVICE)!.lastOutage).toEqual({ start: '2026-12-01T13:02:00+00:00', end: '2026-12-01T13:39:00+00:00', durationS: 2220, text: '2026-12-01 14:02–14:39 (37 min)' });

  // Hourly reads go on (every 4 s here): nothing announced again.
  const reads = () => logLines.filter((l) => /power outage 2026-12-01 14:02–14:39/.test(l)).length;
  await new Promise((r) => setTimeout(r, 9000));
  expect(outageEvents()).toHaveLength(1);
  expect(reads()).toBe(1);

  // A restart of the add-on's service: it reads the log again and announces nothing; the sensor keeps its value.
  await outages.stop();
  outages = outageService();
  await outages.start();
  await outages.run(DEVICE);
  expect(outageEvents()).toHaveLength(1);
  expect(outages.lastOutage(DEVICE)).toMatchObject({ startMs: OUTAGE_START, durationS: 2220 });
  expect(JSON.parse(readFileSafe()).meters[DEVICE]).toMatchObject({ source: 'ET81', lastSeq: 1 });
  console.log(`outage watch:\n${logLines.filter((l) => /outage/i.test(l)).join('\n')}`);
  // Both are retained: a subscriber that comes later (Home Assistant after a restart) gets them.
  const late = await watcher(rig.broker.url);
  try {
    const retained = await late.next(`mep-addon/${DEVICE}/outage`);
    expect(retained.retain).toBe(true);
    expect(JSON.parse(retained.text).last_outage_start).toBe('2026-12-01T13:02:00+00:00');
    expect((await late.next(`homeassistant/device/${DEVICE}_outage/config`)).retain).toBe(true);
  } finally {
    await late.client.endAsync();
  }
  expect(rig.lines.filter((l) => l.startsWith('Uncaught'))).toEqual([]);
}, 180000);

function readFileSafe(): string {
  try {
    return readFileSync(join(rig.dir, 'outages.json'), 'utf8');
  } catch {
    return '{}';
  }
}
