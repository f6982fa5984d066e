// UsageService's wiring (addon/src/usage/usage-service.ts) with a recording publisher, an in-memory registry and link,
// and a Home Assistant link answering get_config: discovery once per change, state per reading, removal, the sweep of
// usage discoveries left by meters removed while the add-on was down, the time zone, persistence.
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { LinkMessage } from '../../../addon/src/broker/link';
import { HaLink } from '../../../addon/src/ha/connection';
import { UsageService } from '../../../addon/src/usage/usage-service';
import { MemoryRegistry, meterView, RecordingLogger, recordingBus, waitFor } from '../ha/support';

const ID = 'mep_240ac4000013';
const GONE = 'mep_240ac40000ff';
const T = Date.parse('2026-12-03T10:00:00Z');

function rig(dir: string, zone: string | null = 'Europe/Copenhagen') {
  const log = new RecordingLogger();
  const { bus } = recordingBus(log);
  const published: { topic: string; payload: string; retain: boolean }[] = [];
  const listeners: ((m: LinkMessage) => void)[] = [];
  const subscribed: string[] = [];
  const registry = new MemoryRegistry();
  const ha: HaLink = {
    status: () => ({ available: true, connected: zone !== null }),
    send: async <R>() => ({ time_zone: zone }) as R,
  };
  let now = T;
  const service = new UsageService({
    bus, log, meters: registry, ha, dataDir: dir, now: () => now, saveDelayMs: 10, sweepAfterMs: 50,
    mqtt: { publish: async (topic, payload, o) => void published.push({ topic, payload: payload.toString(), retain: o.retain }) },
    link: {
      subscribe: async (filter) => void subscribed.push(filter),
      onMessage: (fn) => {
        listeners.push(fn);
        return () => listeners.splice(listeners.indexOf(fn), 1);
      },
    },
  });
  const deliver = (topic: string, payload: string): void => listeners.forEach((fn) => fn({ topic, payload: Buffer.from(payload), retained: true }));
  return { log, bus, published, registry, service, subscribed, deliver, setNow: (t: number) => (now = t) };
}

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mep-usage-svc-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('discovery once per change of the meter, a state per reading, removal with the meter; the zone from Home Assistant', async () => {
  const r = rig(dir);
  r.registry.put(meterView(ID, { phases: 3, baseTopic: `mep/${ID}`, name: 'Cellar meter' }));
  await r.service.start();
  await waitFor("Home Assistant's zone", () => r.service.zone() === 'Europe/Copenhagen');
  expect(r.service.describe()).toMatch(/Europe\/Copenhagen \(Home Assistant's\)/);
  r.bus.emit('meterChanged', { deviceId: ID });
  expect(r.published.filter((p) => p.topic === `homeassistant/device/${ID}_usage/config`)).toHaveLength(1);
  r.bus.emit('meterState', { deviceId: ID, state: { energy_import: 100, energy_export: 5 } });
  r.setNow(T + 10 * 60_000);
  r.bus.emit('meterState', { deviceId: ID, state: { energy_import: 100.2, energy_export: 5, current_l1: 2, power_import_l1: 0, power_export_l1: 300 } });
  const last = JSON.parse(r.published.filter((p) => p.topic === `mep-addon/${ID}/usage`).pop()?.payload ?? '{}');
  expect(last).toMatchObject({ power_average_15min: 1200, power_average_hour: 1200, current_signed_l1: -2 });
  expect(r.service.view(ID).quarterHourW).toBe(1200);
  r.bus.emit('meterRemoved', { deviceId: ID });
  expect(r.published.pop()).toEqual({ topic: `homeassistant/device/${ID}_usage/config`, payload: '', retain: true });
  expect(r.service.view(ID).quarterHourW).toBeNull();
  await r.service.stop();
});

test('without Home Assistant the system zone is used and said so', async () => {
  const r = rig(dir, null);
  await r.service.start();
  expect(r.service.describe()).toMatch(/\(the system's\)/);
  await r.service.stop();
});

test("a usage discovery left by a meter removed while the add-on was down is cleared; a known meter's is kept", async () => {
  const r = rig(dir);
  r.registry.put(meterView(ID, { phases: 1, baseTopic: `mep/${ID}` }));
  await r.service.start();
  expect(r.subscribed).toContain('homeassistant/device/+/config');
  r.deliver(`homeassistant/device/${ID}_usage/config`, '{"device":{}}');
  r.deliver(`homeassistant/device/${GONE}_usage/config`, '{"device":{}}');
  r.deliver(`homeassistant/device/${GONE}/config`, '');
  await waitFor('the sweep', () => r.published.some((p) => p.topic === `homeassistant/device/${GONE}_usage/config` && p.payload === ''));
  expect(r.published.filter((p) => p.topic === `homeassistant/device/${ID}_usage/config` && p.payload === '')).toHaveLength(0);
  await r.service.stop();
});

test('the month survives a restart of the service (usage.json)', async () => {
  const a = rig(dir);
  await a.service.start();
  a.bus.emit('meterState', { deviceId: ID, state: { energy_import: 100 } });
  a.setNow(T + 3_600_000);
  a.bus.emit('meterState', { deviceId: ID, state: { energy_import: 102.5 } });
  expect(a.service.view(ID).monthPeaks).toEqual([{ hour: '2026-12-03T11:00:00+01:00', w: 2500 }]);
  await a.service.stop();
  const b = rig(dir);
  b.setNow(T + 3_600_000);
  await b.service.start();
  expect(b.service.view(ID).monthPeaks).toEqual([{ hour: '2026-12-03T11:00:00+01:00', w: 2500 }]);
  await b.service.stop();
});
