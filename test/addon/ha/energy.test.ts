// The Energy dashboard merge (addon/src/ha/energy.ts): the user's other sources are never dropped or changed, the
// result is what that Home Assistant version's save_prefs accepts, adding twice changes nothing, and export is
// added only for a meter that has an export sensor (home-assistant.md §0 #14, §4.3).
import fc from 'fast-check';
import {
  detectFormat, EnergySource, MeterEnergyEntities, meterEnergyEntities, mergeMeterIntoSources,
} from '../../../addon/src/ha/energy';
import { validateSources } from './energy-prefs-validator';
import { keeps } from './support';

const VERSIONS = ['2025.11.3', '2025.12.0', '2026.2.1', '2026.3.0', '2026.8.1'];
// A small pool, so the user's sources and the meter's entities collide often.
const ID = fc.constantFrom('sensor.a', 'sensor.b', 'sensor.c', 'sensor.mep_energy_import', 'sensor.mep_energy_export',
  'sensor.mep_power_net', 'sensor.mep_power_import', 'sensor.mep_power_export');
const PRICE = fc.option(fc.constantFrom(0.25, 1.5), { nil: null });
const PRICE_ENTITY = fc.option(fc.constantFrom('sensor.price', 'input_number.tariff'), { nil: null });

const powerConfig = fc.oneof(
  fc.record({ stat_rate: ID }),
  fc.record({ stat_rate_inverted: ID }),
  fc.record({ stat_rate_from: ID, stat_rate_to: ID }),
);

const unifiedGrid: fc.Arbitrary<EnergySource> = fc.record({
  type: fc.constant('grid'),
  stat_energy_from: fc.option(ID, { nil: null }),
  stat_energy_to: fc.option(ID, { nil: null }),
  stat_cost: fc.constant(null),
  entity_energy_price: PRICE_ENTITY,
  number_energy_price: PRICE,
  stat_compensation: fc.constant(null),
  entity_energy_price_export: fc.constant(null),
  number_energy_price_export: PRICE,
  stat_rate: ID,
  power_config: powerConfig,
  cost_adjustment_day: fc.constantFrom(0, 1.2),
}, { requiredKeys: ['type', 'stat_energy_from', 'stat_energy_to', 'cost_adjustment_day'] });

const flowFrom = fc.record({ stat_energy_from: ID, stat_cost: fc.constant(null), entity_energy_price: PRICE_ENTITY, number_energy_price: PRICE });
const flowTo = fc.record({ stat_energy_to: ID, stat_compensation: fc.constant(null), entity_energy_price: fc.constant(null), number_energy_price: PRICE });
const legacyGrid: fc.Arbitrary<EnergySource> = fc.record({
  type: fc.constant('grid'),
  flow_from: fc.array(flowFrom, { maxLength: 3 }),
  flow_to: fc.array(flowTo, { maxLength: 3 }),
  power: fc.array(fc.oneof(fc.record({ stat_rate: ID }), fc.record({ power_config: powerConfig })), { maxLength: 2 }),
  cost_adjustment_day: fc.constantFrom(0, 0.5),
}, { requiredKeys: ['type', 'flow_from', 'flow_to', 'cost_adjustment_day'] });

const otherSource: fc.Arbitrary<EnergySource> = fc.oneof(
  fc.record({ type: fc.constant('solar'), stat_energy_from: ID, config_entry_solar_forecast: fc.constant(null) }),
  fc.record({ type: fc.constant('battery'), stat_energy_from: ID, stat_energy_to: ID }),
  fc.record({ type: fc.constant('gas'), stat_energy_from: ID, stat_cost: fc.constant(null), entity_energy_price: fc.constant(null), number_energy_price: PRICE }),
  fc.record({ type: fc.constant('water'), stat_energy_from: ID, stat_rate: ID }),
);

/** A version and energy_sources that version's Home Assistant would have stored (accepted by its validator). */
const existingPrefs = fc.constantFrom(...VERSIONS).chain((version) => {
  const grid = detectFormat([], version) === 'unified' ? unifiedGrid : legacyGrid;
  return fc.tuple(fc.constant(version), fc.array(fc.oneof(grid, otherSource), { maxLength: 5 }));
}).filter(([version, sources]) => validateSources(version, sources) === null);

const meter: fc.Arbitrary<MeterEnergyEntities> = fc.record({
  energyImport: fc.constantFrom('sensor.mep_energy_import', 'sensor.a'),
  energyExport: fc.constantFrom('sensor.mep_energy_export', 'sensor.b'),
  powerNet: fc.constant('sensor.mep_power_net'),
  powerImport: fc.constant('sensor.mep_power_import'),
  powerExport: fc.constant('sensor.mep_power_export'),
}, { requiredKeys: ['energyImport'] });

function meterIds(m: MeterEnergyEntities): string[] {
  return [m.energyImport, m.energyExport, m.powerNet, m.powerImport, m.powerExport].filter((x): x is string => x !== undefined);
}

function countExports(sources: EnergySource[]): number {
  let n = 0;
  for (const s of sources) {
    if (s.type !== 'grid') continue;
    if (Array.isArray(s['flow_to'])) n += (s['flow_to'] as unknown[]).length;
    else if (typeof s['stat_energy_to'] === 'string') n++;
  }
  return n;
}

describe('Energy dashboard merge', () => {
  it('keeps every existing source, produces prefs the running version accepts, and is idempotent', () => {
    fc.assert(fc.property(existingPrefs, meter, ([version, sources], m) => {
      const format = detectFormat(sources, version);
      const merged = mergeMeterIntoSources(sources, m, format, version);
      expect(validateSources(version, merged.sources)).toBeNull();
      expect(merged.sources.length).toBeGreaterThanOrEqual(sources.length);
      sources.forEach((s, i) => expect(keeps(s, merged.sources[i], meterIds(m))).toBe(true));
      // the input was not mutated
      expect(validateSources(version, sources)).toBeNull();
      const again = mergeMeterIntoSources(merged.sources, m, detectFormat(merged.sources, version), version);
      expect(again.changed).toBe(false);
      expect(again.sources).toEqual(merged.sources);
      // the meter's import ends up in a grid source unless the user's grid connection holds that slot
      const text = JSON.stringify(merged.sources.filter((s) => s.type === 'grid'));
      const skipped = merged.skipped.map((s) => s.entityId);
      expect(text.includes(`"${m.energyImport}"`) || skipped.includes(m.energyImport)).toBe(true);
      if (m.energyExport === undefined) expect(countExports(merged.sources)).toBe(countExports(sources));
    }), { numRuns: 300 });
  });

  it('adds a new grid connection (2026.3+) with import, export and net power, every price key null', () => {
    const solar = { type: 'solar', stat_energy_from: 'sensor.pv', config_entry_solar_forecast: null };
    const m = { energyImport: 'sensor.m_import', energyExport: 'sensor.m_export', powerNet: 'sensor.m_net' };
    const merged = mergeMeterIntoSources([solar], m, 'unified', '2026.3.0');
    expect(merged.sources).toEqual([solar, {
      type: 'grid', stat_energy_from: 'sensor.m_import', stat_energy_to: 'sensor.m_export',
      stat_cost: null, entity_energy_price: null, number_energy_price: null,
      stat_compensation: null, entity_energy_price_export: null, number_energy_price_export: null,
      power_config: { stat_rate: 'sensor.m_net' }, cost_adjustment_day: 0,
    }]);
    expect(merged.added).toEqual(['sensor.m_import', 'sensor.m_export', 'sensor.m_net']);
  });

  it('adds to the one legacy grid source (≤ 2026.2) next to the user\'s existing import meter', () => {
    const grid = {
      type: 'grid', cost_adjustment_day: 0, power: [],
      flow_from: [{ stat_energy_from: 'sensor.old', stat_cost: null, entity_energy_price: null, number_energy_price: 0.3 }],
      flow_to: [],
    };
    const merged = mergeMeterIntoSources([grid], { energyImport: 'sensor.m_import', powerNet: 'sensor.m_net' }, 'legacy', '2026.2.0');
    expect(merged.sources).toHaveLength(1);
    expect(merged.sources[0]).toEqual({
      ...grid,
      flow_from: [grid.flow_from[0], { stat_energy_from: 'sensor.m_import', stat_cost: null, entity_energy_price: null, number_energy_price: null }],
      power: [{ stat_rate: 'sensor.m_net' }],
    });
  });

  it('leaves power out of the legacy format before 2025.12, which has no power list', () => {
    const merged = mergeMeterIntoSources([], { energyImport: 'sensor.i', powerNet: 'sensor.p' }, 'legacy', '2025.11.0');
    expect(merged.sources).toEqual([{ type: 'grid', flow_from: [{ stat_energy_from: 'sensor.i', stat_cost: null, entity_energy_price: null, number_energy_price: null }], flow_to: [], cost_adjustment_day: 0 }]);
    expect(validateSources('2025.11.0', merged.sources)).toBeNull();
  });

  it('fills an empty slot of the connection already holding the meter and never overwrites the user\'s sensor', () => {
    const mine = { type: 'grid', stat_energy_from: 'sensor.m_import', stat_energy_to: 'sensor.theirs', cost_adjustment_day: 0 };
    const merged = mergeMeterIntoSources([mine], { energyImport: 'sensor.m_import', energyExport: 'sensor.m_export', powerNet: 'sensor.m_net' }, 'unified', '2026.4.0');
    expect(merged.sources).toEqual([{ ...mine, power_config: { stat_rate: 'sensor.m_net' } }]);
    expect(merged.added).toEqual(['sensor.m_net']);
    expect(merged.skipped).toEqual([{ entityId: 'sensor.m_export', reason: 'its grid connection already uses sensor.theirs' }]);
  });

  it('detects the format from the stored grid shape first, then from the version', () => {
    const legacy = [{ type: 'grid', flow_from: [], flow_to: [], cost_adjustment_day: 0 }];
    const unified = [{ type: 'grid', stat_energy_from: 'sensor.x', cost_adjustment_day: 0 }];
    expect(detectFormat(legacy, '2026.5.0')).toBe('legacy');
    expect(detectFormat(unified, '2026.1.0')).toBe('unified');
    expect(detectFormat([], '2026.2.3')).toBe('legacy');
    expect(detectFormat([], '2026.3.0b1')).toBe('unified');
    expect(detectFormat([{ type: 'solar', stat_energy_from: 'sensor.pv' }], '2025.12.1')).toBe('legacy');
  });

  it('reads the meter\'s statistics from the registry entity map; none without an import energy sensor', () => {
    expect(meterEnergyEntities({ power_net: 'sensor.p' })).toBeNull();
    expect(meterEnergyEntities({ energy_import: 'sensor.i', power_net: 'sensor.p', voltage_l1: 'sensor.v' }))
      .toEqual({ energyImport: 'sensor.i', powerNet: 'sensor.p' });
  });
});
