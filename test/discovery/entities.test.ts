import { ENTITIES, EntityDescriptor, entitiesFor, entityByKey, LINK_STATE_NAMES, LINK_STATES } from '../../discovery';
import { LinkState } from '../../device/src/meter/session-types';
import { UNITS } from './helpers';

const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const sensors = ENTITIES.filter((e) => e.component === 'sensor');
const byKey = (key: string): EntityDescriptor => {
  const e = entityByKey(key);
  if (!e) throw new Error(`no entity ${key}`);
  return e;
};

describe('entity table (architecture-and-style.md C4)', () => {
  test('C4: keys are unique, stable snake_case', () => {
    const keys = ENTITIES.map((e) => e.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of keys) expect(k).toMatch(SNAKE);
  });

  test('C4: every row has a name, a group, and a topic exactly when it is not a button or the update entity', () => {
    for (const e of ENTITIES) {
      expect(e.name.length).toBeGreaterThan(0);
      expect(['reading', 'diagnostic']).toContain(e.group);
      if (e.component === 'update') {
        expect([e.topic, e.command]).toEqual([undefined, undefined]);
      } else if (e.component === 'button') {
        expect(e.topic).toBeUndefined();
        expect(['restart', 'poll']).toContain(e.command);
      } else {
        expect(['state', 'diagnostics']).toContain(e.topic);
        expect(e.command).toBeUndefined();
      }
    }
  });

  test('§0 #11 / §4.4: device_class, unit and state_class combinations are valid per ha-sensor-units.json', () => {
    for (const e of sensors) {
      if (e.device_class === undefined) continue;
      const rule = UNITS.device_classes[e.device_class];
      expect({ key: e.key, known: rule !== undefined }).toEqual({ key: e.key, known: true });
      expect(rule!.units).toContain(e.unit_of_measurement === undefined ? null : e.unit_of_measurement);
      expect(rule!.state_classes).toContain(e.state_class === undefined ? null : e.state_class);
    }
  });

  test('§3.3: entity_category is diagnostic for sensors, config/diagnostic for buttons', () => {
    for (const e of ENTITIES) {
      if (e.entity_category === undefined) continue;
      expect(UNITS.entity_category_rules[e.component]).toContain(e.entity_category);
    }
    for (const e of ENTITIES.filter((r) => r.group === 'diagnostic' && r.component === 'sensor')) {
      expect(e.entity_category).toBe('diagnostic');
    }
  });

  test('§3.3: options only on enum sensors, without unit or state_class; every enum has options', () => {
    for (const e of ENTITIES) {
      if (e.options !== undefined) {
        expect(e.device_class).toBe('enum');
        expect(e.unit_of_measurement).toBeUndefined();
        expect(e.state_class).toBeUndefined();
        expect(e.options.length).toBeGreaterThan(0);
      }
      if (e.device_class === 'enum') expect(e.options).toBeDefined();
    }
  });

  test('§3.7: link state is an enum of the session states with one human name each', () => {
    expect(byKey('link_state').options).toEqual([
      'starting', 'online', 'no-reply', 'garbled', 'auth-failed', 'busy', 'sequence-error', 'loopback',
    ]);
    // Every LinkState of the session (spec §14), no more: a new state fails to compile here.
    const session: { [K in LinkState]: true } = {
      starting: true, online: true, 'no-reply': true, garbled: true, 'auth-failed': true, busy: true,
      'sequence-error': true, loopback: true,
    };
    expect([...LINK_STATES].sort()).toEqual(Object.keys(session).sort());
    expect(LINK_STATE_NAMES).toHaveLength(LINK_STATES.length);
    expect(byKey('link_state').option_names).toEqual(LINK_STATE_NAMES);
  });

  test('espruino.md §1.4: numeric rows have integer decimals 0..3; string rows (text, enum, timestamp) have none', () => {
    for (const e of ENTITIES) {
      if (e.component === 'button' || e.component === 'update') continue;
      const isString = e.device_class === 'timestamp' || e.device_class === 'enum' ||
        (e.device_class === undefined && e.state_class === undefined && e.unit_of_measurement === undefined);
      if (isString) expect({ key: e.key, decimals: e.decimals }).toEqual({ key: e.key, decimals: undefined });
      else expect([0, 1, 2, 3]).toContain(e.decimals);
      if (e.suggested_display_precision !== undefined) {
        expect(e.suggested_display_precision).toBeLessThanOrEqual(e.decimals!);
      }
    }
  });

  test('§4.1: energy import/export are Energy-dashboard consumption/return sensors', () => {
    const energyUnits = UNITS.device_classes.energy!.units;
    for (const key of ['energy_import', 'energy_export']) {
      const e = byKey(key);
      expect(e.device_class).toBe('energy');
      expect(energyUnits).toContain(e.unit_of_measurement);
      expect(['total', 'total_increasing']).toContain(e.state_class);
      expect(e.register).toBe(true);
      expect(e.enabled_by_default).toBe(true);
      expect(e.topic).toBe('state');
    }
  });

  test('§4.1: power import/export/net are Energy-dashboard power sensors (W, measurement)', () => {
    for (const key of ['power_import', 'power_export', 'power_net']) {
      const e = byKey(key);
      expect([e.device_class, e.unit_of_measurement, e.state_class]).toEqual(['power', 'W', 'measurement']);
      expect(e.register).toBeUndefined();
    }
  });

  test('§4.4: reactive energy uses a valid reactive_energy unit and is disabled by default', () => {
    for (const key of ['reactive_energy_import', 'reactive_energy_export']) {
      const e = byKey(key);
      expect(e.device_class).toBe('reactive_energy');
      expect(UNITS.device_classes.reactive_energy!.units).toContain(e.unit_of_measurement);
      expect(e.enabled_by_default).toBe(false);
    }
  });

  test('§3.7: units of the BT28 quantities (spec §10.4) after the device scales them', () => {
    const units = (prefix: string) => ENTITIES.filter((e) => e.key.startsWith(prefix)).map((e) => e.unit_of_measurement);
    expect(units('voltage_')).toEqual(['V', 'V', 'V']);
    expect(units('current_')).toEqual(['A', 'A', 'A']);
    expect(units('power_factor_')).toEqual([undefined, undefined, undefined]);
    expect(byKey('frequency').unit_of_measurement).toBe('Hz');
    expect(byKey('reactive_power_import').unit_of_measurement).toBe('var');
    expect(byKey('apparent_power').unit_of_measurement).toBe('VA');
    expect(byKey('meter_clock').device_class).toBe('timestamp');
    expect(byKey('last_boot').device_class).toBe('timestamp');
  });

  test('C4: per-phase rows carry their phase; a 1-phase meter drops L2/L3 only', () => {
    const phased = ENTITIES.filter((e) => e.phase !== undefined);
    for (const e of phased) expect(e.key.endsWith(`_l${e.phase}`)).toBe(true);
    const one = entitiesFor(1).map((e) => e.key);
    const three = entitiesFor(3).map((e) => e.key);
    expect(three).toEqual(ENTITIES.map((e) => e.key));
    expect(three.filter((k) => !one.includes(k))).toEqual(
      phased.filter((e) => e.phase! > 1).map((e) => e.key),
    );
    expect(one).toContain('voltage_l1');
    expect(one).not.toContain('voltage_l2');
  });

  test('issue 4: one firmware update entity (device_class firmware, entity_category config)', () => {
    const updates = ENTITIES.filter((e) => e.component === 'update');
    expect(updates.map((e) => [e.key, e.device_class, e.entity_category, e.enabled_by_default])).toEqual([
      ['firmware_update', 'firmware', 'config', true],
    ]);
  });

  test('C4: the key list (changing it changes unique_ids: update the golden files on purpose)', () => {
    expect(ENTITIES.map((e) => e.key)).toEqual([
      'energy_import', 'energy_export', 'reactive_energy_import', 'reactive_energy_export', 'power_import',
      'power_export', 'power_net', 'power_import_l1', 'power_import_l2', 'power_import_l3', 'power_export_l1',
      'power_export_l2', 'power_export_l3', 'voltage_l1', 'voltage_l2', 'voltage_l3', 'current_l1', 'current_l2',
      'current_l3', 'power_factor_l1', 'power_factor_l2', 'power_factor_l3', 'frequency', 'reactive_power_import',
      'reactive_power_export', 'apparent_power', 'meter_clock', 'link_state', 'last_error', 'wifi_rssi', 'ip_address',
      'last_boot', 'free_memory', 'polls', 'poll_errors', 'poll_ms', 'poll_ms_max', 'poll_phases', 'refused_commands', 'firmware',
      'restart', 'poll_now', 'firmware_update',
    ]);
  });
});
