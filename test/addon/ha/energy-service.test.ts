// "Add to Energy dashboard" end to end: the Energy service over the real websocket library to the stand-in, whose
// save_prefs checks the payload like that Home Assistant version's schema. Both formats, the user's other sources
// (solar, gas, devices) kept, adding twice sends nothing, and clear answers when it cannot work.
import fc from 'fast-check';
import { HaConnection } from '../../../addon/src/ha/connection';
import { EnergyService } from '../../../addon/src/ha/energy-service';
import { HaStandin, StoredPrefs } from '../../helpers/ha-standin';
import { keeps, MemoryRegistry, meterView, recordingBus, RecordingLogger, waitFor } from './support';

const TOKEN = 'supervisor-token-for-energy';
const DEVICE = 'mep_a1b2c3d4e5f6';

const USER_DEVICES = [{ stat_consumption: 'sensor.fridge_energy', name: 'Fridge' }];
const LEGACY_PREFS: StoredPrefs = {
  energy_sources: [
    { type: 'solar', stat_energy_from: 'sensor.pv_energy', config_entry_solar_forecast: null },
    { type: 'grid', cost_adjustment_day: 0, power: [],
      flow_from: [{ stat_energy_from: 'sensor.old_meter', stat_cost: null, entity_energy_price: 'sensor.tariff', number_energy_price: null }],
      flow_to: [] },
    { type: 'gas', stat_energy_from: 'sensor.gas', stat_cost: null, entity_energy_price: null, number_energy_price: 1.1 },
  ],
  device_consumption: USER_DEVICES,
  device_consumption_water: [],
};
const UNIFIED_PREFS: StoredPrefs = {
  energy_sources: [
    { type: 'battery', stat_energy_from: 'sensor.bat_out', stat_energy_to: 'sensor.bat_in' },
    { type: 'grid', stat_energy_from: 'sensor.old_meter', stat_energy_to: null, stat_cost: null, entity_energy_price: null,
      number_energy_price: 0.3, stat_compensation: null, entity_energy_price_export: null, number_energy_price_export: null,
      cost_adjustment_day: 0 },
  ],
  device_consumption: USER_DEVICES,
  device_consumption_water: [],
};

describe('Energy dashboard service', () => {
  let standin: HaStandin | null = null;
  let connection: HaConnection | null = null;

  afterEach(async () => {
    await connection?.stop();
    await standin?.close();
    connection = null;
    standin = null;
  });

  async function setup(version: string, prefs: StoredPrefs | null, recordedEntities?: string[]): Promise<{ service: EnergyService; registry: MemoryRegistry; standin: HaStandin }> {
    const s = await HaStandin.start({ token: TOKEN, version, prefs, recordedEntities });
    standin = s;
    const log = new RecordingLogger();
    const { bus } = recordingBus(log);
    connection = new HaConnection({ bus, log, target: { hassUrl: s.hassUrl, token: TOKEN }, heartbeatMs: 0 });
    await connection.start();
    await waitFor('connected', () => connection?.status().connected === true);
    const registry = new MemoryRegistry();
    registry.put(meterView(DEVICE));
    return { service: new EnergyService({ ha: connection, registry, log }), registry, standin: s };
  }

  it('a sensor the user renamed in Home Assistant is added under its name now (entity registry), the others as discovered', async () => {
    const { service, standin: s } = await setup('2026.2.3', LEGACY_PREFS);
    for (const key of ['energy_import', 'energy_export', 'power_net']) s.registerEntity(`sensor.${DEVICE}_${key}`, 'mqtt', `${DEVICE}_${key}`);
    s.renameEntity(`sensor.${DEVICE}_energy_import`, 'sensor.house_grid_import');
    const result = await service.addToEnergy(DEVICE);
    expect(result).toMatchObject({ ok: true, added: ['sensor.house_grid_import', `sensor.${DEVICE}_energy_export`, `sensor.${DEVICE}_power_net`] });
    expect(s.prefs?.energy_sources[1]).toMatchObject({
      flow_from: [{ stat_energy_from: 'sensor.old_meter' }, { stat_energy_from: 'sensor.house_grid_import' }],
    });
  });

  it('HA 2026.2 (legacy): adds to the single grid source, keeps solar, gas, the old meter and the devices', async () => {
    const { service, standin: s } = await setup('2026.2.3', LEGACY_PREFS);
    const result = await service.addToEnergy(DEVICE);
    expect(result).toMatchObject({ ok: true, added: [`sensor.${DEVICE}_energy_import`, `sensor.${DEVICE}_energy_export`, `sensor.${DEVICE}_power_net`] });
    expect(s.savePrefsAttempts.map((a) => a.error)).toEqual([null]);
    expect(Object.keys(s.savePrefsAttempts[0]?.payload ?? {})).toEqual(['energy_sources']);
    const sources = s.prefs?.energy_sources ?? [];
    expect(sources).toHaveLength(3);
    expect(sources[0]).toEqual(LEGACY_PREFS.energy_sources[0]);
    expect(sources[2]).toEqual(LEGACY_PREFS.energy_sources[2]);
    expect(sources[1]).toMatchObject({
      flow_from: [
        { stat_energy_from: 'sensor.old_meter', entity_energy_price: 'sensor.tariff' },
        { stat_energy_from: `sensor.${DEVICE}_energy_import` },
      ],
      flow_to: [{ stat_energy_to: `sensor.${DEVICE}_energy_export` }],
      power: [{ stat_rate: `sensor.${DEVICE}_power_net` }],
    });
    expect(s.prefs?.device_consumption).toEqual(USER_DEVICES);

    const again = await service.addToEnergy(DEVICE);
    expect(again).toMatchObject({ ok: true, added: [] });
    expect(again.message).toMatch(/already on the Energy dashboard/);
    expect(s.savePrefsAttempts).toHaveLength(1);
  });

  it('HA 2026.3 (unified): adds its own grid connection, keeps the battery and the other connection', async () => {
    const { service, standin: s } = await setup('2026.3.0', UNIFIED_PREFS);
    const result = await service.addToEnergy(DEVICE);
    expect(result.ok).toBe(true);
    expect(s.savePrefsAttempts.map((a) => a.error)).toEqual([null]);
    const sources = s.prefs?.energy_sources ?? [];
    expect(sources.slice(0, 2)).toEqual(UNIFIED_PREFS.energy_sources);
    expect(sources[2]).toMatchObject({
      type: 'grid', stat_energy_from: `sensor.${DEVICE}_energy_import`, stat_energy_to: `sensor.${DEVICE}_energy_export`,
      power_config: { stat_rate: `sensor.${DEVICE}_power_net` },
      // Home Assistant derives stat_rate from power_config (energy/data.py _process_grid_power).
      stat_rate: `sensor.${DEVICE}_power_net`,
    });
    expect(s.prefs?.device_consumption).toEqual(USER_DEVICES);
    await service.addToEnergy(DEVICE);
    expect(s.savePrefsAttempts).toHaveLength(1);
  });

  it('a dashboard never configured (get_prefs not_found) gets one grid source; a meter without export gets no export', async () => {
    const { service, registry, standin: s } = await setup('2026.1.0', null);
    registry.put(meterView(DEVICE, { entityIds: { energy_import: 'sensor.m_import', power_net: 'sensor.m_power' } }));
    const result = await service.addToEnergy(DEVICE);
    expect(result).toMatchObject({ ok: true, added: ['sensor.m_import', 'sensor.m_power'] });
    expect(s.prefs?.energy_sources).toEqual([{
      type: 'grid', flow_to: [], power: [{ stat_rate: 'sensor.m_power' }], cost_adjustment_day: 0,
      flow_from: [{ stat_energy_from: 'sensor.m_import', stat_cost: null, entity_energy_price: null, number_energy_price: null }],
    }]);
  });

  it('tells what energy/validate reports about the added sensors (statistics not compiled yet)', async () => {
    const { service } = await setup('2026.3.0', UNIFIED_PREFS, [`sensor.${DEVICE}_energy_import`, `sensor.${DEVICE}_power_net`]);
    const result = await service.addToEnergy(DEVICE);
    expect(result.ok).toBe(true);
    expect(result.message).toContain(`sensor.${DEVICE}_energy_export has no long-term statistics yet`);
    expect(result.message).not.toContain(`sensor.${DEVICE}_energy_import has`);
    // The user's own sources are not ours to report on (sensor.old_meter is not recorded in this stand-in either).
    expect(result.message).not.toContain('sensor.old_meter');
  });

  it('the stand-in refuses the other version\'s format, as Home Assistant\'s schema does', async () => {
    const { standin: s } = await setup('2026.3.0', UNIFIED_PREFS);
    const legacyGrid = LEGACY_PREFS.energy_sources[1];
    const refused = connection?.send({ type: 'energy/save_prefs', energy_sources: [legacyGrid] });
    await expect(refused).rejects.toMatchObject({ code: 'invalid_format' });
    await expect(refused).rejects.toThrow(/^extra keys not allowed @ data\['energy_sources'\]\[0\]\['(flow_from|flow_to|power)'\]$/);
    expect(s.prefs).toEqual(UNIFIED_PREFS);
  });

  it('says why when it cannot add: unknown meter, no energy sensors yet, Home Assistant gone', async () => {
    const { service, registry, standin: s } = await setup('2026.3.0', UNIFIED_PREFS);
    expect(await service.addToEnergy('mep_000000000000')).toEqual({ ok: false, added: [], message: 'No meter mep_000000000000 is known' });
    registry.put(meterView(DEVICE, { entityIds: {} }));
    expect((await service.addToEnergy(DEVICE)).message).toMatch(/has not announced its energy sensors yet/);
    await s.close();
    await waitFor('disconnected', () => connection?.status().connected === false);
    const result = await service.addToEnergy(DEVICE);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/Connection to Home Assistant lost|Cannot reach Home Assistant/);
    expect(service.status()).toMatchObject({ available: true, connected: false });
  });

  // Input boundary: whatever Home Assistant has stored (including shapes we do not know) gives a clear answer,
  // loses nothing, and leaves the link working.
  const loose = fc.oneof(fc.string(), fc.constant(null), fc.integer(), fc.constant('sensor.mep_a1b2c3d4e5f6_energy_import'));
  const oddSource = fc.record({
    type: fc.constantFrom('grid', 'solar', 'battery', 'gas', 'nuclear'),
    stat_energy_from: loose, stat_energy_to: loose, cost_adjustment_day: fc.oneof(fc.constant(0), fc.string()),
    flow_from: fc.oneof(fc.array(fc.record({ stat_energy_from: loose })), fc.string()),
    flow_to: fc.array(fc.record({ stat_energy_to: loose })),
    power: fc.array(fc.record({ stat_rate: loose })),
    power_config: fc.record({ stat_rate: loose }, { requiredKeys: [] }),
  }, { requiredKeys: ['type'] });
  const storedPrefs = fc.oneof(
    fc.jsonValue(),
    fc.record({ energy_sources: fc.array(fc.oneof(oddSource, fc.jsonValue()), { maxLength: 4 }), device_consumption: fc.array(fc.jsonValue(), { maxLength: 2 }) }),
  );

  it.each(['2026.2.0', '2026.3.0'])('HA %s: any stored prefs give a clear answer, nothing is lost, the link stays up', async (version) => {
    const { service, standin: s } = await setup(version, null);
    await fc.assert(fc.asyncProperty(storedPrefs, async (stored) => {
      s.prefs = structuredClone(stored) as unknown as StoredPrefs;
      const attempts = s.savePrefsAttempts.length;
      const result = await service.addToEnergy(DEVICE);
      expect(typeof result.ok).toBe('boolean');
      expect(result.message.length).toBeGreaterThan(0);
      const saved = s.savePrefsAttempts.slice(attempts);
      if (!result.ok || result.added.length === 0) expect(s.prefs).toEqual(stored);
      if (result.ok && result.added.length > 0) {
        expect(saved.map((a) => a.error)).toEqual([null]);
        // null is the stand-in's "never configured" (not_found): then there was nothing to keep.
        const before = stored === null ? [] : (stored as { energy_sources: unknown[] }).energy_sources;
        const after = s.prefs?.energy_sources ?? [];
        expect(after.length).toBeGreaterThanOrEqual(before.length);
        before.forEach((source, i) => expect(keeps(source, after[i], result.added)).toBe(true));
      }
      expect(connection?.status().connected).toBe(true);
    }), { numRuns: 60 });
  });
});
