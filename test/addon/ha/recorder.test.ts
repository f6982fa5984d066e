// The recorder client (addon/src/ha/recorder.ts) against the Home Assistant stand-in answering
// recorder/statistics_during_period and recorder/import_statistics in Core's shapes: holes found, hours imported
// (idempotently, in chunks, with the metadata Core 2026.11 requires), bad input refused before it is sent, Core's
// own refusals passed on.
import { HaConnection, HaError } from '../../../addon/src/ha/connection';
import {
  HOUR_MS, IMPORT_CHUNK, importEnergyHours, importMessages, isoHour, missingHours, RecorderInputError, statisticsDuringPeriod,
} from '../../../addon/src/ha/recorder';
import { HaStandin } from '../../helpers/ha-standin';
import { RecordingLogger, recordingBus, waitFor } from './support';

const TOKEN = 'recorder-token-13';
const ENTITY = 'sensor.cellar_meter_energy_import';
const STAT = { entityId: ENTITY, name: 'Cellar meter Energy import', unit: 'kWh' as const };
const T0 = Date.parse('2026-12-03T00:00:00Z');

let standin: HaStandin;
let ha: HaConnection;

beforeAll(async () => {
  standin = await HaStandin.start({ token: TOKEN, version: '2026.12.0' });
  const log = new RecordingLogger();
  ha = new HaConnection({ bus: recordingBus(log).bus, log, target: { hassUrl: standin.hassUrl, token: TOKEN }, heartbeatMs: 0 });
  await ha.start();
  await waitFor('connected', () => ha.status().connected);
});

afterAll(async () => {
  await ha.stop();
  await standin.close();
});

/** Register 1000 kWh at T0, +1.5 kWh an hour; the recorder has every hour of the day but 05:00-07:59. */
function seed(): void {
  const table = new Map<number, { state: number; sum: number }>();
  for (let h = 0; h < 24; h++) if (h < 5 || h > 7) table.set(T0 + h * HOUR_MS, { state: 1000 + 1.5 * (h + 1), sum: 1.5 * (h + 1) });
  standin.statistics.set(ENTITY, table);
}

test('statistics_during_period: the hourly rows in epoch ms, and the holes in them', async () => {
  seed();
  const rows = (await statisticsDuringPeriod(ha, [ENTITY, 'sensor.nothing_recorded'], T0, T0 + 24 * HOUR_MS)).get(ENTITY) ?? [];
  expect(rows).toHaveLength(21);
  expect(rows[0]).toEqual({ start: T0, end: T0 + HOUR_MS, state: 1001.5, sum: 1.5, change: 1.5 });
  expect(rows[5]).toMatchObject({ start: T0 + 8 * HOUR_MS, sum: 13.5, change: 13.5 - 7.5 });
  expect(missingHours(rows, T0, T0 + 24 * HOUR_MS)).toEqual([5, 6, 7].map((h) => T0 + h * HOUR_MS));
  const sent = standin.messagesOfType('recorder/statistics_during_period').pop() as { [k: string]: unknown };
  expect(sent).toMatchObject({ start_time: '2026-12-03T00:00:00+00:00', end_time: '2026-12-04T00:00:00+00:00', period: 'hour', types: ['state', 'sum', 'change'] });
});

test('import_statistics fills the hole; importing again changes nothing; the metadata is what Core 2026.11 requires', async () => {
  seed();
  const hours = [5, 6, 7].map((h) => ({ start: T0 + h * HOUR_MS, state: 1000 + 1.5 * (h + 1), sum: 1.5 * (h + 1) }));
  expect(await importEnergyHours(ha, STAT, hours)).toBe(3);
  expect(await importEnergyHours(ha, STAT, hours)).toBe(3);
  const rows = (await statisticsDuringPeriod(ha, [ENTITY], T0, T0 + 24 * HOUR_MS)).get(ENTITY) ?? [];
  expect(missingHours(rows, T0, T0 + 24 * HOUR_MS)).toEqual([]);
  expect(rows.map((r) => r.change)).toEqual(new Array(24).fill(1.5));
  expect(standin.statisticsMeta.get(ENTITY)).toEqual({
    has_sum: true, mean_type: 0, name: 'Cellar meter Energy import', source: 'recorder', statistic_id: ENTITY, unit_class: 'energy', unit_of_measurement: 'kWh',
  });
});

test('a long backfill goes in chunks', () => {
  const hours = Array.from({ length: IMPORT_CHUNK * 2 + 1 }, (_, i) => ({ start: T0 + i * HOUR_MS, state: 1 + i, sum: i }));
  expect(importMessages(STAT, hours).map((m) => m.stats.length)).toEqual([IMPORT_CHUNK, IMPORT_CHUNK, 1]);
});

test('bad input is refused with a clear error before anything is sent', async () => {
  const before = standin.received.length;
  await expect(importEnergyHours(ha, STAT, [{ start: T0 + 60_000, state: 1, sum: 1 }])).rejects.toThrow(new RecorderInputError('an hour to import does not start on a whole UTC hour (' + (T0 + 60_000) + ')'));
  await expect(importEnergyHours(ha, STAT, [{ start: T0, state: NaN, sum: 1 }])).rejects.toThrow(/has no valid state and sum/);
  await expect(importEnergyHours(ha, STAT, [{ start: T0, state: 1, sum: 1 }, { start: T0, state: 1, sum: 1 }])).rejects.toThrow(/given twice/);
  await expect(importEnergyHours(ha, { ...STAT, entityId: 'Sensor.X' }, [])).rejects.toThrow(/not an entity id/);
  await expect(statisticsDuringPeriod(ha, [ENTITY], T0 + 1, T0 + HOUR_MS)).rejects.toThrow(/whole UTC hours/);
  expect(standin.received.length).toBe(before);
});

test("Home Assistant's own checks come back as HaError: another source for an entity, a start off the hour, a naive time", async () => {
  const send = (metadata: object, start: string) => ha.send({
    type: 'recorder/import_statistics', metadata: { has_sum: true, mean_type: 0, name: null, source: 'recorder', statistic_id: ENTITY, unit_class: 'energy', unit_of_measurement: 'kWh', ...metadata },
    stats: [{ start, state: 1, sum: 1 }],
  });
  await expect(send({ source: 'mep_bridge' }, isoHour(T0))).rejects.toEqual(new HaError('home_assistant_error', 'Invalid source'));
  await expect(send({}, '2026-12-03T00:30:00+00:00')).rejects.toEqual(new HaError('home_assistant_error', 'Invalid timestamp'));
  await expect(send({}, '2026-12-03T00:00:00')).rejects.toEqual(new HaError('home_assistant_error', 'Naive timestamp'));
  await expect(send({ has_sum: 'yes' }, isoHour(T0))).rejects.toMatchObject({ code: 'invalid_format' });
  // A local whole hour in a zone with a :30 offset is a whole hour to Core too (it checks the given offset's minutes).
  await expect(send({}, '2026-12-03T05:00:00+05:30')).resolves.toBeNull();
});
