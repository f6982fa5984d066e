// The wire contract (contract.ts; architecture-and-style.md C4) against the entity table.
import {
  CONFIG_SECRET_FIELDS,
  ConfigCommand,
  DiagnosticsPayload,
  ENTITIES,
  PUBLISH,
  redactConfigCommand,
  StatePayload,
  Topics,
} from '../../discovery';
import { SECRET_FIELDS } from '../../device/src/settings/schema';

// Every key of the payload types, spelled out: a key added to one side only fails to compile or fails below.
const STATE: { [K in keyof Required<StatePayload>]: true } = {
  energy_import: true, energy_export: true, reactive_energy_import: true, reactive_energy_export: true,
  power_import: true, power_export: true, power_net: true, power_import_l1: true, power_import_l2: true,
  power_import_l3: true, power_export_l1: true, power_export_l2: true, power_export_l3: true, voltage_l1: true,
  voltage_l2: true, voltage_l3: true, current_l1: true, current_l2: true, current_l3: true, power_factor_l1: true,
  power_factor_l2: true, power_factor_l3: true, frequency: true, reactive_power_import: true,
  reactive_power_export: true, apparent_power: true, meter_clock: true,
};
const DIAGNOSTICS: { [K in keyof Required<DiagnosticsPayload>]: true } = {
  link_state: true, last_error: true, wifi_rssi: true, ip_address: true, last_boot: true, free_memory: true,
  polls: true, poll_errors: true, poll_ms: true, poll_ms_max: true, poll_phases: true, refused_commands: true, firmware: true,
};

describe('wire contract (C4: contract.ts = entity table)', () => {
  test('C4: StatePayload keys are exactly the rows on the state topic', () => {
    expect(Object.keys(STATE)).toEqual(ENTITIES.filter((e) => e.topic === 'state').map((e) => e.key));
  });

  test('C4: DiagnosticsPayload keys are exactly the rows on the diagnostics topic', () => {
    expect(Object.keys(DIAGNOSTICS)).toEqual(ENTITIES.filter((e) => e.topic === 'diagnostics').map((e) => e.key));
  });

  test('§0 #16: config secrets are the settings secrets that can travel over MQTT', () => {
    for (const f of CONFIG_SECRET_FIELDS) expect(SECRET_FIELDS).toContain(f);
    expect(SECRET_FIELDS.filter((f) => !CONFIG_SECRET_FIELDS.includes(f))).toEqual(['login.passwordHash']);
  });

  test('§0 #16: redactConfigCommand masks every secret and leaves the rest (and the input) alone', () => {
    const cmd: ConfigCommand = {
      id: 'r1', name: 'Meter', wifi: { ssid: 'home', password: 'wifi-secret' },
      mqtt: { host: 'broker', port: 1883, password: 'mqtt-secret', base_topic: 'mep/x' },
      meter: { key: 'ABCDEFGHIJKLMNOPQRST', poll_interval_s: 10 },
    };
    const red = redactConfigCommand(cmd);
    expect(JSON.stringify(red)).not.toMatch(/wifi-secret|mqtt-secret|ABCDEFGHIJKLMNOPQRST/);
    expect(red).toEqual({
      id: 'r1', name: 'Meter', wifi: { ssid: 'home', password: '***' },
      mqtt: { host: 'broker', port: 1883, password: '***', base_topic: 'mep/x' },
      meter: { key: '***', poll_interval_s: 10 },
    });
    expect(cmd.meter!.key).toBe('ABCDEFGHIJKLMNOPQRST');
    expect(redactConfigCommand({ id: 'r2' })).toEqual({ id: 'r2' });
  });

  test('§3.4, C5: availability and discovery are retained; commands and state are not', () => {
    const topicNames: (keyof Topics)[] = ['availability', 'state', 'diagnostics', 'cmdRestart', 'cmdPoll',
      'cmdConfig', 'cmdResult', 'discovery'];
    for (const t of topicNames) expect(PUBLISH[t]).toBeDefined();
    expect(PUBLISH.availability).toEqual({ qos: 1, retain: true });
    expect(PUBLISH.discovery).toEqual({ qos: 1, retain: true });
    for (const t of ['state', 'cmdConfig', 'cmdResult', 'cmdRestart', 'cmdPoll']) expect(PUBLISH[t]!.retain).toBe(false);
  });
});
