// What Home Assistant's `energy/save_prefs` accepts, per Core version, as its voluptuous schemas decide
// (core homeassistant/components/energy/data.py: unified @ 0004b6b4 for ≥ 2026.3, legacy @ ac38065f for ≤ 2026.2
// with `power` from 2025.12). Grid entries are checked against shared/schemas/ha-energy-grid-source.schema.json (its
// copy in test/fixtures/schemas); the cross-entry rules (one legacy grid, unique statistics, single price) are coded
// here. Used by the stand-in (test/helpers/ha-standin.ts) and by the property tests.
import Ajv, { ValidateFunction } from 'ajv';
import { readFileSync } from 'fs';
import { join } from 'path';
import { atLeastVersion } from '../../../addon/src/ha/version';

export const SCHEMAS_DIR = join(__dirname, '..', '..', 'fixtures', 'schemas');
const GRID_SCHEMA = JSON.parse(readFileSync(join(SCHEMAS_DIR, 'ha-energy-grid-source.schema.json'), 'utf8')) as {
  definitions: { [name: string]: unknown };
};

const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addSchema({ $id: 'grid', definitions: GRID_SCHEMA.definitions });

const nullableString = { type: ['string', 'null'] };
const nullableNumber = { type: ['number', 'null'] };
const otherSources: { [type: string]: object } = {
  solar: { stat_energy_from: { type: 'string' }, stat_rate: { type: 'string' },
    config_entry_solar_forecast: { type: ['array', 'null'], items: { type: 'string' } } },
  wind: { stat_energy_from: { type: 'string' }, stat_rate: { type: 'string' },
    config_entry_wind_forecast: { type: ['array', 'null'], items: { type: 'string' } } },
  battery: { stat_energy_from: { type: 'string' }, stat_energy_to: { type: 'string' }, stat_rate: { type: 'string' },
    power_config: { $ref: 'grid#/definitions/powerConfig' } },
  gas: { stat_energy_from: { type: 'string' }, stat_rate: { type: 'string' }, stat_cost: nullableString,
    entity_energy_price: nullableString, number_energy_price: nullableNumber },
  water: { stat_energy_from: { type: 'string' }, stat_rate: { type: 'string' }, stat_cost: nullableString,
    entity_energy_price: nullableString, number_energy_price: nullableNumber },
};
const requiredOf: { [type: string]: string[] } = {
  solar: ['stat_energy_from'], wind: ['stat_energy_from'], battery: ['stat_energy_from', 'stat_energy_to'],
  gas: ['stat_energy_from'], water: ['stat_energy_from'],
};

const validators: { [name: string]: ValidateFunction } = {
  unifiedGrid: ajv.compile({ $ref: 'grid#/definitions/unifiedGrid' }),
  legacyGrid: ajv.compile({ $ref: 'grid#/definitions/legacyGrid' }),
  deviceConsumption: ajv.compile({
    type: 'object', additionalProperties: false, required: ['stat_consumption'],
    properties: { stat_consumption: { type: 'string' }, stat_rate: { type: 'string' }, name: { type: 'string' },
      included_in_stat: { type: 'string' } },
  }),
};
for (const [type, properties] of Object.entries(otherSources)) {
  validators[type] = ajv.compile({
    type: 'object', additionalProperties: false, required: ['type', ...(requiredOf[type] ?? [])],
    properties: { type: { const: type }, ...properties },
  });
}

type Entry = { [key: string]: unknown };

function schemaError(validate: ValidateFunction, where: string): string {
  // Like voluptuous, an unknown key is the reason to report first ("extra keys not allowed").
  const errors = validate.errors ?? [];
  const e = errors.find((x) => x.keyword === 'additionalProperties') ?? errors[0];
  if (e === undefined) return `invalid value @ ${where}`;
  const path = where + e.instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `['${p}']`)).join('');
  if (e.keyword === 'additionalProperties') return `extra keys not allowed @ ${path}['${String(e.params['additionalProperty'])}']`;
  return `${e.message ?? 'invalid'} @ ${path}`;
}

function duplicate(values: unknown[]): string | undefined {
  const seen = new Set<string>();
  for (const v of values) {
    if (typeof v !== 'string') continue;
    if (seen.has(v)) return v;
    seen.add(v);
  }
  return undefined;
}

/** null when `payload` (the save_prefs message without id/type) is accepted by Core `version`, else HA's reason. */
export function validateSavePrefs(version: string, payload: Entry): string | null {
  for (const key of Object.keys(payload)) {
    if (!['energy_sources', 'device_consumption', 'device_consumption_water'].includes(key)) {
      return `extra keys not allowed @ data['${key}']`;
    }
  }
  for (const key of ['device_consumption', 'device_consumption_water']) {
    const list = payload[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) return `expected a list @ data['${key}']`;
    for (let i = 0; i < list.length; i++) {
      const validate = validators['deviceConsumption'] as ValidateFunction;
      if (!validate(list[i])) return schemaError(validate, `data['${key}'][${i}]`);
    }
  }
  const sources = payload['energy_sources'];
  if (sources === undefined) return null;
  if (!Array.isArray(sources)) return "expected a list @ data['energy_sources']";
  return validateSources(version, sources);
}

/** `energy_sources` of one save_prefs, for Core `version`. */
export function validateSources(version: string, sources: unknown[]): string | null {
  const unified = atLeastVersion(version, 2026, 3);
  const grids: Entry[] = [];
  for (let i = 0; i < sources.length; i++) {
    const source = sources[i];
    const where = `data['energy_sources'][${i}]`;
    if (source === null || typeof source !== 'object' || Array.isArray(source)) return `expected a dictionary @ ${where}`;
    const type = (source as Entry)['type'];
    const name = type === 'grid' ? (unified ? 'unifiedGrid' : 'legacyGrid') : typeof type === 'string' ? type : '';
    const validate = validators[name];
    if (validate === undefined) return `Unexpected value for type: '${String(type)}' @ ${where}`;
    if (!validate(source)) return schemaError(validate, where);
    if (type === 'grid') {
      const error = unified ? unifiedGridRules(source as Entry) : legacyGridRules(version, source as Entry);
      if (error !== null) return `${error} @ ${where}`;
      grids.push(source as Entry);
    }
  }
  return unified ? unifiedUniqueness(grids) : grids.length > 1 ? 'You cannot have more than 1 grid source' : null;
}

function singlePrice(entry: Entry, entityKey: string, numberKey: string): boolean {
  return !(entry[entityKey] != null && entry[numberKey] != null);
}

function legacyGridRules(version: string, grid: Entry): string | null {
  if ('power' in grid && !atLeastVersion(version, 2025, 12)) return "extra keys not allowed @ data['power']";
  const flowFrom = grid['flow_from'] as Entry[];
  const flowTo = grid['flow_to'] as Entry[];
  const power = (grid['power'] ?? []) as Entry[];
  if (!flowFrom.every((f) => singlePrice(f, 'entity_energy_price', 'number_energy_price'))) {
    return 'Define either an entity or a fixed number for the price';
  }
  const checks: [Entry[], string][] = [[flowFrom, 'stat_energy_from'], [flowTo, 'stat_energy_to'], [power, 'stat_rate']];
  for (const [list, key] of checks) {
    const dup = duplicate(list.map((e) => e[key]));
    if (dup !== undefined) return `Cannot specify ${dup} more than once`;
  }
  return null;
}

function unifiedGridRules(grid: Entry): string | null {
  if (!singlePrice(grid, 'entity_energy_price', 'number_energy_price')) {
    return 'Define either an entity or a fixed number for import price';
  }
  if (!singlePrice(grid, 'entity_energy_price_export', 'number_energy_price_export')) {
    return 'Define either an entity or a fixed number for export price';
  }
  return null;
}

// energy/data.py _validate_grid_stat_uniqueness.
function unifiedUniqueness(grids: Entry[]): string | null {
  const checks: [string, string][] = [['stat_energy_from', 'Import meter'], ['stat_energy_to', 'Export meter'], ['stat_rate', 'Power stat']];
  for (const [key, label] of checks) {
    const dup = duplicate(grids.map((g) => g[key]));
    if (dup !== undefined) return `${label} ${dup} is used in multiple grid connections`;
  }
  return null;
}
