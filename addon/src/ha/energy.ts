// Pure merge of one meter into Home Assistant's Energy preferences (home-assistant.md §0 #14, §4.3; the shapes are
// shared/schemas/ha-energy-grid-source.schema.json). `energy/save_prefs` replaces whole lists, so the result is the
// complete `energy_sources` list: every source the user had stays, only our grid statistics are added.
import { atLeastVersion } from './version';

/** One entry of `energy_sources` (grid, solar, battery, gas, water, wind): kept as Home Assistant sent it. */
export interface EnergySource {
  type: string;
  [key: string]: unknown;
}

/** `energy/get_prefs` result. Lists other than `energy_sources` are never sent back, so they cannot be lost. */
export interface EnergyPrefs {
  energy_sources: EnergySource[];
  device_consumption: unknown[];
  device_consumption_water?: unknown[];
}

/** ≤ 2026.2: one grid source with flow_from/flow_to(/power); ≥ 2026.3: one object per grid connection. */
export type PrefsFormat = 'legacy' | 'unified';

/** The meter's statistics for the Energy dashboard (statistic id = entity id for sensors, §4.3). */
export interface MeterEnergyEntities {
  energyImport: string;
  energyExport?: string;
  /** Net power, positive = from the grid (entities.ts `power_net`, §4.1 stat_rate convention). */
  powerNet?: string;
  powerImport?: string;
  powerExport?: string;
}

export interface EnergyMerge {
  format: PrefsFormat;
  /** The complete list to send as `energy_sources`. */
  sources: EnergySource[];
  /** Entity ids newly added (already present ones are not counted). */
  added: string[];
  /** Our entity ids left out because the user's grid connection already uses that slot for another sensor. */
  skipped: { entityId: string; reason: string }[];
  changed: boolean;
}

/** Power in the legacy grid list exists from HA 2025.12 (schema file, legacyGrid $comment). */
const LEGACY_POWER_SINCE: [number, number] = [2025, 12];
const UNIFIED_SINCE: [number, number] = [2026, 3];

/** The meter's Energy statistics from the registry's entity map (keys of discovery/entities.ts); null without an
 *  import energy sensor (discovery not seen yet). */
export function meterEnergyEntities(entityIds: { [entityKey: string]: string }): MeterEnergyEntities | null {
  const energyImport = entityIds['energy_import'];
  if (energyImport === undefined) return null;
  const out: MeterEnergyEntities = { energyImport };
  const optional: [keyof MeterEnergyEntities, string][] = [
    ['energyExport', 'energy_export'], ['powerNet', 'power_net'], ['powerImport', 'power_import'],
    ['powerExport', 'power_export'],
  ];
  for (const [field, key] of optional) {
    const id = entityIds[key];
    if (id !== undefined) out[field] = id;
  }
  return out;
}

function isGrid(source: EnergySource): boolean {
  return source.type === 'grid';
}

/** Format from the existing grid entries' shape, else from the running version (unknown version: the newest). */
export function detectFormat(sources: readonly EnergySource[], haVersion: string | undefined): PrefsFormat {
  for (const source of sources) {
    if (!isGrid(source)) continue;
    if ('flow_from' in source || 'flow_to' in source) return 'legacy';
    return 'unified';
  }
  if (haVersion === undefined) return 'unified';
  return atLeastVersion(haVersion, UNIFIED_SINCE[0], UNIFIED_SINCE[1]) ? 'unified' : 'legacy';
}

/** Merges the meter into `sources` in `format`. Never removes or rewrites a value the user set; idempotent. */
export function mergeMeterIntoSources(
  sources: readonly EnergySource[], meter: MeterEnergyEntities, format: PrefsFormat, haVersion: string | undefined,
): EnergyMerge {
  const copy = structuredClone(sources) as EnergySource[];
  const result: EnergyMerge = { format, sources: copy, added: [], skipped: [], changed: false };
  if (format === 'legacy') mergeLegacy(result, meter, haVersion);
  else mergeUnified(result, meter);
  result.changed = result.added.length > 0;
  return result;
}

// ---- power ----

type PowerConfig = { stat_rate: string } | { stat_rate_from: string; stat_rate_to: string };

/** The meter's power as a Home Assistant power_config (positive = from the grid), null if it has none. */
function powerConfigOf(meter: MeterEnergyEntities): PowerConfig | null {
  if (meter.powerNet !== undefined) return { stat_rate: meter.powerNet };
  if (meter.powerImport !== undefined && meter.powerExport !== undefined) {
    return { stat_rate_from: meter.powerImport, stat_rate_to: meter.powerExport };
  }
  if (meter.powerImport !== undefined) return { stat_rate: meter.powerImport };
  return null;
}

function powerIds(config: PowerConfig): string[] {
  return 'stat_rate' in config ? [config.stat_rate] : [config.stat_rate_from, config.stat_rate_to];
}

/** Does this grid entry (unified connection or legacy power item) use any of `ids` for power? */
function usesPower(entry: { [key: string]: unknown }, ids: string[]): boolean {
  if (typeof entry['stat_rate'] === 'string' && ids.includes(entry['stat_rate'])) return true;
  const config = entry['power_config'];
  if (config === null || typeof config !== 'object') return false;
  return Object.values(config as { [key: string]: unknown }).some((v) => typeof v === 'string' && ids.includes(v));
}

// ---- unified (≥ 2026.3) ----

function newUnifiedGrid(): EnergySource {
  return {
    type: 'grid',
    stat_energy_from: null, stat_energy_to: null,
    stat_cost: null, entity_energy_price: null, number_energy_price: null,
    stat_compensation: null, entity_energy_price_export: null, number_energy_price_export: null,
    cost_adjustment_day: 0,
  };
}

function mergeUnified(result: EnergyMerge, meter: MeterEnergyEntities): void {
  const grids = result.sources.filter(isGrid);
  const power = powerConfigOf(meter);
  const ids = power === null ? [] : powerIds(power);
  const hasImport = grids.find((g) => g['stat_energy_from'] === meter.energyImport);
  const hasExport = meter.energyExport === undefined ? undefined : grids.find((g) => g['stat_energy_to'] === meter.energyExport);
  const hasPower = power === null ? undefined : grids.find((g) => usesPower(g, ids));
  let host = hasImport ?? hasExport ?? hasPower;
  if (host === undefined) {
    host = newUnifiedGrid();
    result.sources.push(host);
  }
  const target = host;
  const fill = (key: 'stat_energy_from' | 'stat_energy_to', entityId: string, present: boolean): void => {
    if (present) return;
    const current = target[key];
    if (current === null || current === undefined) {
      target[key] = entityId;
      result.added.push(entityId);
    } else {
      result.skipped.push({ entityId, reason: `its grid connection already uses ${String(current)}` });
    }
  };
  fill('stat_energy_from', meter.energyImport, hasImport !== undefined);
  if (meter.energyExport !== undefined) fill('stat_energy_to', meter.energyExport, hasExport !== undefined);
  if (power !== null && hasPower === undefined) {
    if (target['stat_rate'] === undefined && target['power_config'] === undefined) {
      target['power_config'] = power;
      result.added.push(...ids);
    } else {
      for (const id of ids) result.skipped.push({ entityId: id, reason: 'its grid connection already has a power sensor' });
    }
  }
}

// ---- legacy (≤ 2026.2) ----

function mergeLegacy(result: EnergyMerge, meter: MeterEnergyEntities, haVersion: string | undefined): void {
  let grid = result.sources.find(isGrid);
  const powerSupported = (grid !== undefined && Array.isArray(grid['power'])) ||
    (haVersion !== undefined && atLeastVersion(haVersion, LEGACY_POWER_SINCE[0], LEGACY_POWER_SINCE[1]));
  if (grid === undefined) {
    // "You cannot have more than 1 grid source" (legacy check_type_limits): create one only when none exists.
    grid = { type: 'grid', flow_from: [], flow_to: [], cost_adjustment_day: 0 };
    if (powerSupported) grid['power'] = [];
    result.sources.push(grid);
  }
  const flowFrom = listOf(grid, 'flow_from');
  if (!flowFrom.some((f) => f['stat_energy_from'] === meter.energyImport)) {
    // Price keys sent explicitly as null: older validators index them directly (§4.3).
    flowFrom.push({ stat_energy_from: meter.energyImport, stat_cost: null, entity_energy_price: null, number_energy_price: null });
    result.added.push(meter.energyImport);
  }
  if (meter.energyExport !== undefined) {
    const flowTo = listOf(grid, 'flow_to');
    if (!flowTo.some((f) => f['stat_energy_to'] === meter.energyExport)) {
      flowTo.push({ stat_energy_to: meter.energyExport, stat_compensation: null, entity_energy_price: null, number_energy_price: null });
      result.added.push(meter.energyExport);
    }
  }
  const power = powerConfigOf(meter);
  if (power !== null && powerSupported) {
    const ids = powerIds(power);
    const list = listOf(grid, 'power');
    if (!list.some((p) => usesPower(p, ids))) {
      list.push('stat_rate' in power ? { stat_rate: power.stat_rate } : { power_config: power });
      result.added.push(...ids);
    }
  }
}

/** The array at `key` of a legacy grid, created when absent. Any other value is a shape we do not know: refuse
 *  rather than overwrite the user's data. */
function listOf(grid: EnergySource, key: string): { [key: string]: unknown }[] {
  const value = grid[key];
  if (Array.isArray(value)) return value as { [key: string]: unknown }[];
  if (value !== undefined && value !== null) throw new Error(`the grid source's ${key} is not a list`);
  const list: { [key: string]: unknown }[] = [];
  grid[key] = list;
  return list;
}
