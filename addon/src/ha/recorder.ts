// Home Assistant's recorder over the websocket (issue 13, backfill): read the hourly long-term statistics of our
// energy entities to find holes, and write missing hours with `recorder/import_statistics`. Shapes as in Home
// Assistant Core's homeassistant/components/recorder/websocket_api.py and statistics.py:
//  * recorder/statistics_during_period {start_time, end_time?, statistic_ids[≥1], period, types?, units?} answers
//    {<statistic id>: [{start, end (epoch ms), <each requested type>}]}; an id without rows is absent.
//  * recorder/import_statistics {metadata: {has_sum, mean_type?, name, source, statistic_id, unit_class?,
//    unit_of_measurement}, stats: [{start, state?, sum?, …}]} answers null. For an entity's statistics the source
//    must be "recorder"; every start must carry a zone and lie on a whole hour ("Naive timestamp", "Invalid
//    timestamp" otherwise). Rows are upserted by (statistic id, start), so importing twice is harmless.
//    Since 2025.11 Core warns when mean_type or unit_class is missing (required from 2026.11): both are sent.
// Recorder hours are UTC hours; everything here is epoch ms on whole UTC hours.
import { HaLink } from './connection';

export const HOUR_MS = 3_600_000;
/** Rows per import message: one message stays small and the recorder's queue is not held long (bounded work). */
export const IMPORT_CHUNK = 200;

export type StatisticType = 'change' | 'last_reset' | 'max' | 'mean' | 'min' | 'state' | 'sum';

/** One hourly row as the recorder returns it (types not asked for are absent). */
export interface StatisticRow {
  start: number;
  end: number;
  state?: number | null;
  sum?: number | null;
  change?: number | null;
}

/** One hour to import: the register at the hour's end (`state`) and the running total since the statistic began
 *  (`sum`), both in the entity's unit. */
export interface EnergyHour {
  start: number;
  state: number;
  sum: number;
}

export class RecorderInputError extends Error {}

function isWholeHour(ms: number): boolean {
  return Number.isSafeInteger(ms) && ms % HOUR_MS === 0;
}

/** ISO 8601 in UTC with an explicit offset (Core's cv.datetime refuses naive times). */
export function isoHour(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

const ENTITY_ID = /^(?!.+__)(?!_)[\da-z_]+(?<!_)\.(?!_)[\da-z_]+(?<!_)$/;

/** Hourly statistics of `ids` from `start` (inclusive) to `end` (exclusive), by statistic id. */
export async function statisticsDuringPeriod(
  ha: HaLink, ids: string[], start: number, end: number, types: StatisticType[] = ['state', 'sum', 'change'],
): Promise<Map<string, StatisticRow[]>> {
  if (ids.length === 0) throw new RecorderInputError('no statistic id asked for');
  if (!isWholeHour(start) || !isWholeHour(end) || end <= start) throw new RecorderInputError('the period must be whole UTC hours, start before end');
  const result = await ha.send<{ [id: string]: unknown }>({
    type: 'recorder/statistics_during_period', start_time: isoHour(start), end_time: isoHour(end), statistic_ids: ids, period: 'hour', types,
  });
  const out = new Map<string, StatisticRow[]>();
  for (const id of ids) {
    const rows = result?.[id];
    if (!Array.isArray(rows)) {
      out.set(id, []);
      continue;
    }
    const checked: StatisticRow[] = [];
    for (const r of rows as { [k: string]: unknown }[]) {
      if (typeof r?.start !== 'number' || typeof r.end !== 'number') continue;
      const row: StatisticRow = { start: r.start, end: r.end };
      for (const k of ['state', 'sum', 'change'] as const) if (typeof r[k] === 'number' || r[k] === null) row[k] = r[k] as number | null;
      checked.push(row);
    }
    out.set(id, checked.sort((a, b) => a.start - b.start));
  }
  return out;
}

/** Hours in [start, end) the recorder has no row for (the holes a backfill fills). Pure. */
export function missingHours(rows: StatisticRow[], start: number, end: number): number[] {
  const have = new Set(rows.map((r) => r.start));
  const out: number[] = [];
  for (let h = start; h < end; h += HOUR_MS) if (!have.has(h)) out.push(h);
  return out;
}

export interface EnergyStatistic {
  /** Our energy entity, e.g. sensor.cellar_meter_energy_import. */
  entityId: string;
  /** Shown in Home Assistant's statistics developer tools. */
  name: string;
  unit: 'kWh' | 'Wh';
}

/** The import message(s) for hourly energy rows of one entity: checked, sorted, in chunks. Pure. */
export function importMessages(stat: EnergyStatistic, hours: EnergyHour[]): { type: string; metadata: object; stats: object[] }[] {
  if (!ENTITY_ID.test(stat.entityId)) throw new RecorderInputError(`${stat.entityId} is not an entity id`);
  const seen = new Set<number>();
  for (const h of hours) {
    if (!isWholeHour(h.start)) throw new RecorderInputError(`an hour to import does not start on a whole UTC hour (${h.start})`);
    if (![h.state, h.sum].every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new RecorderInputError(`the hour ${isoHour(h.start)} has no valid state and sum`);
    if (seen.has(h.start)) throw new RecorderInputError(`the hour ${isoHour(h.start)} is given twice`);
    seen.add(h.start);
  }
  const sorted = [...hours].sort((a, b) => a.start - b.start);
  // mean_type 0 = StatisticMeanType.NONE; unit_class "energy" converts Wh/kWh like the sensor's own statistics.
  const metadata = { has_sum: true, mean_type: 0, name: stat.name, source: 'recorder', statistic_id: stat.entityId, unit_class: 'energy', unit_of_measurement: stat.unit };
  const out: { type: string; metadata: object; stats: object[] }[] = [];
  for (let i = 0; i < sorted.length; i += IMPORT_CHUNK) {
    out.push({ type: 'recorder/import_statistics', metadata, stats: sorted.slice(i, i + IMPORT_CHUNK).map((h) => ({ start: isoHour(h.start), state: h.state, sum: h.sum })) });
  }
  return out;
}

/** Writes the hours into the entity's long-term statistics (idempotent). Rejects with HaError when Core refuses. */
export async function importEnergyHours(ha: HaLink, stat: EnergyStatistic, hours: EnergyHour[]): Promise<number> {
  const messages = importMessages(stat, hours);
  for (const m of messages) await ha.send<null>(m);
  return hours.length;
}
