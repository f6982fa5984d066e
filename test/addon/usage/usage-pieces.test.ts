// The small pure parts of usage/: peaks, signed current, the view, the discovery payload and state message, the
// store's checks.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { buildDiscoveryPayload } from '../../../discovery';
import { UNITS } from '../../discovery/helpers';
import { applyReading, emptyUsage, readingOf, usageView } from '../../../addon/src/usage/meter-usage';
import { addHour } from '../../../addon/src/usage/peaks';
import { signedCurrent } from '../../../addon/src/usage/signed-current';
import { usageDiscoveryPayload, usageDiscoveryTopic, usageStateTopic } from '../../../addon/src/usage/usage-discovery';
import { usageStatePayload } from '../../../addon/src/usage/usage-state';
import { UsageStore } from '../../../addon/src/usage/usage-store';
import { Logger } from '../../../addon/src/service';

const ZONE = 'Europe/Copenhagen';
const ID = 'mep_240ac4123456';

test('peaks: the three highest hours, highest first, ties to the earlier hour; a new month starts clean; a late hour of an earlier month is ignored', () => {
  let p = addHour(null, '2026-12', { start: 1, w: 500, estimated: false });
  p = addHour(p, '2026-12', { start: 2, w: 900, estimated: false });
  p = addHour(p, '2026-12', { start: 3, w: 700, estimated: true });
  p = addHour(p, '2026-12', { start: 4, w: 900, estimated: false });
  expect(p.top.map((h) => [h.start, h.w])).toEqual([[2, 900], [4, 900], [3, 700]]);
  expect(addHour(p, '2026-12', { start: 3, w: 950, estimated: false }).top.map((h) => [h.start, h.w])).toEqual([[3, 950], [2, 900], [4, 900]]);
  expect(addHour(p, '2026-11', { start: 0, w: 9999, estimated: false })).toBe(p);
  expect(addHour(p, '2027-01', { start: 9, w: 10, estimated: false })).toEqual({ month: '2027-01', top: [{ start: 9, w: 10, estimated: false }], days: [] });
});

test('signed current: negative while the phase exports, positive otherwise, null without its three values', () => {
  const s = { current_l1: 5.25, power_import_l1: 0, power_export_l1: 1200, current_l2: 3.1, power_import_l2: 700, power_export_l2: 0, current_l3: 0, power_import_l3: 0, power_export_l3: 0 };
  expect(signedCurrent(s, 1)).toBe(-5.25);
  expect(signedCurrent(s, 2)).toBe(3.1);
  expect(Object.is(signedCurrent(s, 3), 0)).toBe(true);
  expect(signedCurrent({ current_l1: 2 }, 1)).toBeNull();
});

test('readings: only a positive import register counts (the module never sends 0 for a register)', () => {
  expect(readingOf({ power_import: 5000 }, 1)).toBeNull();
  expect(readingOf({ energy_import: 0 }, 1)).toBeNull();
  expect(readingOf({ energy_import: 12.5 }, 1)).toEqual({ t: 1, importKwh: 12.5, exportKwh: null });
  expect(readingOf({ energy_import: 12.5, energy_export: 3 }, 1)).toEqual({ t: 1, importKwh: 12.5, exportKwh: 3 });
});

test('view: unknown before the interval starts are seen; running averages and energies after; stale ones unknown again', () => {
  const t = (s: string): number => Date.parse(s);
  expect(usageView(null, 0, ZONE)).toEqual({ today: { importKwh: null, exportKwh: null }, month: { importKwh: null, exportKwh: null }, quarterHourW: null, hourW: null, monthPeaks: [], monthPeakDays: [] });
  let s = emptyUsage(ZONE);
  s = applyReading(s, { t: t('2026-12-03T09:50:00Z'), importKwh: 100, exportKwh: 10 }, ZONE).state;
  expect(usageView(s, t('2026-12-03T09:50:00Z'), ZONE).quarterHourW).toBeNull();
  s = applyReading(s, { t: t('2026-12-03T10:10:00Z'), importKwh: 100.4, exportKwh: 10.2 }, ZONE).state;
  // 10:00 lies half way: 100.2 there; the quarter 10:00-10:15 so far: 0.2 kWh in 10 min = 1200 W.
  const v = usageView(s, t('2026-12-03T10:10:00Z'), ZONE);
  expect(v.quarterHourW).toBe(1200);
  expect(v.hourW).toBe(1200);
  expect(v.today.importKwh).toBeNull(); // local midnight was not seen
  s = applyReading(s, { t: t('2026-12-03T10:30:00Z'), importKwh: 100.9, exportKwh: 10.2 }, ZONE).state;
  expect(usageView(s, t('2026-12-03T10:30:00Z'), ZONE).hourW).toBe(Math.round((0.7 * 1000 * 60) / 30));
  expect(usageView(s, t('2026-12-03T11:00:00Z'), ZONE).hourW).toBeNull(); // no reading in the hour now running
});

test('discovery: the add-on\'s entities on the module\'s device, valid classes and units, removed with an empty payload topic', () => {
  const payload = JSON.parse(usageDiscoveryPayload({ deviceId: ID, deviceName: 'Cellar meter', baseTopic: `mep/${ID}`, phases: 3, discoveryPrefix: 'homeassistant' }));
  const moduleDevice = JSON.parse(buildDiscoveryPayload({ deviceId: ID, baseTopic: '', discoveryPrefix: 'homeassistant', deviceName: 'Cellar meter', firmwareVersion: '1.0.0', phases: 3 })).dev;
  expect(payload.device.identifiers).toEqual(moduleDevice.ids);
  expect(Object.keys(payload.device)).toEqual(['identifiers']);
  expect(payload.origin.name).toBeTruthy();
  expect(payload.state_topic).toBe(usageStateTopic(ID));
  expect(usageStateTopic(ID).startsWith(`mep/${ID}/`)).toBe(false);
  expect(usageDiscoveryTopic('homeassistant', ID)).toBe(`homeassistant/device/${ID}_usage/config`);
  const components = payload.components as { [key: string]: { [key: string]: unknown } };
  expect(Object.keys(components)).toEqual([
    'power_average_15min', 'power_average_hour', 'peak_hour_1', 'peak_hour_2', 'peak_hour_3', 'peak_hours_average',
    'peak_days_average', 'energy_import_today', 'energy_export_today', 'energy_import_month', 'energy_export_month',
    'current_signed_l1', 'current_signed_l2', 'current_signed_l3',
  ]);
  for (const [key, c] of Object.entries(components)) {
    const rule = UNITS.device_classes[c.device_class as string];
    expect(rule?.units).toContain(c.unit_of_measurement);
    expect(rule?.state_classes).toContain(c.state_class);
    expect(c.unique_id).toBe(`${ID}_${key}`);
    expect(c.default_entity_id).toBe(`sensor.cellar_meter_${key}`);
  }
  expect(components.peak_hour_1?.device_class).toBe('power');
  expect(components.peak_hour_1?.json_attributes_topic).toBe(usageStateTopic(ID));
  expect(components.current_signed_l1?.availability_topic).toBe(`mep/${ID}/availability`);
  expect(components.energy_import_today?.availability_topic).toBeUndefined();
  const one = JSON.parse(usageDiscoveryPayload({ deviceId: ID, deviceName: 'x', baseTopic: `mep/${ID}`, phases: 1, discoveryPrefix: 'homeassistant' }));
  expect(Object.keys(one.components).filter((k) => k.startsWith('current_signed'))).toEqual(['current_signed_l1']);
});

test('state message: peaks with their hours, the average of the peaks, signed currents of the meter\'s phases', () => {
  const usage = {
    today: { importKwh: 1.5, exportKwh: null }, month: { importKwh: null, exportKwh: null }, quarterHourW: 800, hourW: null,
    monthPeaks: [{ hour: '2026-12-03T18:00:00+01:00', w: 4800 }, { hour: '2026-12-03T07:00:00+01:00', w: 3600, estimated: true }],
    monthPeakDays: [{ hour: '2026-12-03T18:00:00+01:00', w: 4800 }, { hour: '2026-12-02T19:00:00+01:00', w: 3000 }],
  };
  const out = usageStatePayload(usage, { current_l1: 2, power_import_l1: 0, power_export_l1: 400, current_l2: 1 }, 1);
  expect(out).toEqual({
    power_average_15min: 800, power_average_hour: null,
    peak_hour_1: 4800, peak_hour_1_start: '2026-12-03T18:00:00+01:00', peak_hour_1_estimated: false,
    peak_hour_2: 3600, peak_hour_2_start: '2026-12-03T07:00:00+01:00', peak_hour_2_estimated: true,
    peak_hour_3: null, peak_hour_3_start: null, peak_hour_3_estimated: false,
    peak_hours_average: 4200,
    peak_days_average: 3900,
    peak_days: JSON.stringify([{ hour: '2026-12-03T18:00:00+01:00', w: 4800 }, { hour: '2026-12-02T19:00:00+01:00', w: 3000 }]),
    energy_import_today: 1.5, energy_export_today: null, energy_import_month: null, energy_export_month: null,
    current_signed_l1: -2,
  });
});

test('store: a corrupt file or entry is dropped with a warning, a good one survives a save and load', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mep-usage-'));
  const warnings: string[] = [];
  const log: Logger = { debug: () => undefined, info: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
  try {
    const file = UsageStore.fileIn(dir);
    writeFileSync(file, '{not json');
    expect(new UsageStore(file, log).load().size).toBe(0);
    expect(warnings.join()).toMatch(/not JSON/);
    const good = applyReading(emptyUsage(ZONE), { t: Date.parse('2026-12-03T10:00:00Z'), importKwh: 5, exportKwh: null }, ZONE).state;
    const store = new UsageStore(file, log, 10);
    store.schedule(() => ({ [ID]: good }));
    await store.flush();
    const raw = JSON.parse(readFileSync(file, 'utf8'));
    raw.meters['mep_000000000001'] = { tracker: { zone: 'Mars/Olympus', last: null, open: {} }, peaks: null };
    raw.meters['not-a-device'] = good;
    // Peak days with a day that is no date: the entry is unreadable.
    raw.meters['mep_000000000002'] = { ...good, peaks: { month: '2026-12', top: [], days: [{ start: 1, w: 2, estimated: false, day: 'Monday' }] } };
    // An entry from before the peak days (no `days`) is still good.
    raw.meters['mep_000000000003'] = { ...good, peaks: { month: '2026-12', top: [{ start: 1, w: 2, estimated: false }] } };
    writeFileSync(file, JSON.stringify(raw));
    const loaded = new UsageStore(file, log).load();
    expect([...loaded.keys()].sort()).toEqual(['mep_000000000003', ID].sort());
    expect(loaded.get(ID)).toEqual(good);
    expect(warnings.join()).toMatch(/dropped 3 unreadable usage entries/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a change of time zone (Home Assistant's learned after start) keeps only the open intervals that are also boundaries there", () => {
  let s = emptyUsage('UTC');
  s = applyReading(s, { t: Date.parse('2026-12-03T00:00:00Z'), importKwh: 10, exportKwh: null }, 'UTC').state;
  expect(s.tracker.open.day?.start).toBe(Date.parse('2026-12-03T00:00:00Z'));
  s = applyReading(s, { t: Date.parse('2026-12-03T00:10:00Z'), importKwh: 10.1, exportKwh: null }, ZONE).state;
  expect(s.tracker.zone).toBe(ZONE);
  expect(s.tracker.open.day).toBeNull(); // UTC midnight is 01:00 in Copenhagen
  expect(s.tracker.open.hour?.start).toBe(Date.parse('2026-12-03T00:00:00Z')); // a whole hour in both
  expect(usageView(s, Date.parse('2026-12-03T00:10:00Z'), ZONE).hourW).toBe(600);
});

test('a duplicate or slightly older reading is ignored; a register or clock going back starts tracking again', () => {
  const t = Date.parse('2026-12-03T10:00:00Z');
  let s = applyReading(emptyUsage(ZONE), { t, importKwh: 10, exportKwh: null }, ZONE).state;
  expect(applyReading(s, { t, importKwh: 10, exportKwh: null }, ZONE).note).toBe('ignored');
  expect(applyReading(s, { t: t - 60_000, importKwh: 10, exportKwh: null }, ZONE).note).toBe('ignored');
  const back = applyReading(s, { t: t - 3_600_000, importKwh: 10, exportKwh: null }, ZONE);
  expect(back.note).toBe('reset');
  expect(back.state.tracker.last?.t).toBe(t - 3_600_000);
  s = applyReading(s, { t: t + 60_000, importKwh: 9, exportKwh: null }, ZONE).state;
  expect(s.tracker.last?.importKwh).toBe(9);
  expect(s.tracker.open.hour).toBeNull();
});
