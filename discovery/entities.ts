// THE entity table (architecture-and-style.md C4): every value Home Assistant sees is one row here. The discovery
// builder, the state/diagnostics builders, the device's readings and the add-on panel all iterate it. Units and
// classes follow home-assistant.md §3.7/§4.4 and shared/schemas/ha-sensor-units.json; meter quantities are spec
// §10.3 (BT23) and §10.4 (BT28). Adding a reading = one row + one decoder field + one golden-file update.
//
// Values are published in the unit below; the device scales the raw meter integers first:
//   kWh = Wh / 1000 (BT23 k0/k1), kvarh = varh / 1000 (BT23 k2/k3, INFERRED meaning), V = mV / 1000,
//   A = mA / 1000, power factor = (1/1000 units) / 1000 as a ratio -1..1, Hz = mHz / 1000; W, var, VA unscaled.

export type Component = 'sensor' | 'binary_sensor' | 'button' | 'update';
export type EntityGroup = 'reading' | 'diagnostic';
/** Which JSON message carries the value (topics.ts): one per poll, or the device's own diagnostics. */
export type StateTopic = 'state' | 'diagnostics';
export type StateClass = 'measurement' | 'total' | 'total_increasing';
/** Commands the device accepts (topics.ts `<base>/cmd/<command>`). */
export type DeviceCommand = 'restart' | 'poll';

export interface EntityDescriptor {
  /** Stable snake_case id: unique_id suffix, component id and JSON key. Never rename. */
  readonly key: string;
  /** English entity name; HA shows "<device name> <name>" (§3.3). */
  readonly name: string;
  readonly component: Component;
  readonly device_class?: string;
  /** Absent = no unit (omitted from discovery). */
  readonly unit_of_measurement?: string;
  readonly state_class?: StateClass;
  readonly suggested_display_precision?: number;
  /** Sensors: 'diagnostic' only (§3.3); buttons may also be 'config' (§3.6). */
  readonly entity_category?: 'diagnostic' | 'config';
  readonly enabled_by_default: boolean;
  readonly icon?: string;
  readonly group: EntityGroup;
  /** Message the value is read from; absent for buttons. */
  readonly topic?: StateTopic;
  /** Numeric values: decimals for toFixed on the device (espruino.md §1.4). Absent = string value. */
  readonly decimals?: number;
  /** Meter register (Energy dashboard): published only when > 0, never 0/NaN (§0 #13, §4.2). */
  readonly register?: boolean;
  /** Per-phase value: a 1-phase meter omits phases 2 and 3. */
  readonly phase?: 1 | 2 | 3;
  /** enum sensors: the allowed states (wire values). */
  readonly options?: readonly string[];
  /** Human names of `options`, same order (the add-on panel; MQTT enum states cannot be translated). */
  readonly option_names?: readonly string[];
  /** Buttons: the command topic they publish to. */
  readonly command?: DeviceCommand;
}

/** The firmware update entity (issue 4): HA's MQTT update platform over <base>/update (UpdateState JSON),
 *  <base>/update/latest (the add-on's latest version) and <base>/update/install (HA -> the add-on). */
export const UPDATE_ENTITY_KEY = 'firmware_update';

/** Link states of the meter session (device/src/meter/session-types.ts LinkState, spec §14). */
export const LINK_STATES: readonly string[] = [
  'starting', 'online', 'no-reply', 'garbled', 'auth-failed', 'busy', 'sequence-error', 'loopback',
];
export const LINK_STATE_NAMES: readonly string[] = [
  'Starting', 'Online', 'No reply', 'Garbled replies', 'Authentication failed', 'Meter busy', 'Sequence error',
  'Loopback (TX wired to RX)',
];

type Row = EntityDescriptor;

function energy(key: string, name: string, reactive: boolean): Row {
  return {
    key, name, component: 'sensor', device_class: reactive ? 'reactive_energy' : 'energy',
    unit_of_measurement: reactive ? 'kvarh' : 'kWh', state_class: 'total_increasing', suggested_display_precision: 3,
    enabled_by_default: !reactive, group: 'reading', topic: 'state', decimals: 3, register: true,
  };
}

function reading(key: string, name: string, deviceClass: string, unit: string | undefined, precision: number,
  decimals: number, enabled: boolean, phase?: 1 | 2 | 3): Row {
  const row: Row = {
    key, name, component: 'sensor', device_class: deviceClass, state_class: 'measurement',
    suggested_display_precision: precision, enabled_by_default: enabled, group: 'reading', topic: 'state', decimals,
  };
  // No undefined-valued properties: each one costs JsVars on the device (espruino.md §3).
  if (unit !== undefined) Object.assign(row, { unit_of_measurement: unit });
  if (phase !== undefined) Object.assign(row, { phase });
  return row;
}

function phases(key: string, name: string, deviceClass: string, unit: string | undefined, precision: number,
  decimals: number, enabled: boolean): Row[] {
  return [
    reading(key + '_l1', name + ' L1', deviceClass, unit, precision, decimals, enabled, 1),
    reading(key + '_l2', name + ' L2', deviceClass, unit, precision, decimals, enabled, 2),
    reading(key + '_l3', name + ' L3', deviceClass, unit, precision, decimals, enabled, 3),
  ];
}

function diagnostic(key: string, name: string, extra: Partial<Row>): Row {
  const row: Row = {
    key, name, component: 'sensor', entity_category: 'diagnostic', enabled_by_default: true, group: 'diagnostic',
    topic: 'diagnostics',
  };
  return Object.assign(row, extra);
}

function button(key: string, name: string, command: DeviceCommand, extra: Partial<Row>): Row {
  const row: Row = { key, name, component: 'button', enabled_by_default: true, group: 'diagnostic', command };
  return Object.assign(row, extra);
}

/** All entities, in discovery and JSON key order (stable: golden files depend on it). Built inside a function marked
 *  pure so that a firmware core which only uses the compact field strings (compact-fields.ts) drops the table. */
export const ENTITIES: readonly EntityDescriptor[] = /* @__PURE__ */ (() => ([] as Row[]).concat(
  [
    // BT23 summations (spec §10.3): Energy dashboard grid import/export (§4.1).
    energy('energy_import', 'Energy import', false),
    energy('energy_export', 'Energy export', false),
    energy('reactive_energy_import', 'Reactive energy import', true),
    energy('reactive_energy_export', 'Reactive energy export', true),
    // BT28 k0/k1 (spec §10.4); net = import - export, positive = from the grid (§4.1 stat_rate convention).
    reading('power_import', 'Power import', 'power', 'W', 0, 0, true),
    reading('power_export', 'Power export', 'power', 'W', 0, 0, true),
    reading('power_net', 'Power net', 'power', 'W', 0, 0, true),
  ],
  phases('power_import', 'Power import', 'power', 'W', 0, 0, true), // k26-28
  phases('power_export', 'Power export', 'power', 'W', 0, 0, true), // k29-31
  phases('voltage', 'Voltage', 'voltage', 'V', 1, 3, true), // k7-9, mV
  phases('current', 'Current', 'current', 'A', 2, 3, true), // k4-6, mA
  phases('power_factor', 'Power factor', 'power_factor', undefined, 2, 3, true), // k10/13/14, 1/1000
  [
    reading('frequency', 'Frequency', 'frequency', 'Hz', 2, 3, true), // k11, mHz
    reading('reactive_power_import', 'Reactive power import', 'reactive_power', 'var', 0, 0, false), // k2
    reading('reactive_power_export', 'Reactive power export', 'reactive_power', 'var', 0, 0, false), // k3
    reading('apparent_power', 'Apparent power', 'apparent_power', 'VA', 0, 0, false), // k12
    // BT52 (spec §10.5), ISO 8601 with time zone. Read with the poll, so it lives on the state topic.
    diagnostic('meter_clock', 'Meter clock', { device_class: 'timestamp', topic: 'state' }),
    // The device itself (diagnostics topic).
    diagnostic('link_state', 'Meter link', {
      device_class: 'enum', options: LINK_STATES, option_names: LINK_STATE_NAMES, icon: 'mdi:connection',
    }),
    diagnostic('last_error', 'Last error', { icon: 'mdi:alert-circle-outline' }),
    diagnostic('wifi_rssi', 'WiFi signal', {
      device_class: 'signal_strength', unit_of_measurement: 'dBm', state_class: 'measurement',
      suggested_display_precision: 0, decimals: 0,
    }),
    diagnostic('ip_address', 'IP address', { icon: 'mdi:ip-network', enabled_by_default: false }),
    // Boot time rather than an uptime counter that changes every message (ha-sensor-units.json duration note).
    diagnostic('last_boot', 'Last boot', { device_class: 'timestamp' }),
    diagnostic('free_memory', 'Free memory', {
      device_class: 'data_size', unit_of_measurement: 'B', state_class: 'measurement',
      suggested_display_precision: 0, decimals: 0, enabled_by_default: false,
    }),
    diagnostic('polls', 'Poll cycles', {
      state_class: 'total_increasing', decimals: 0, icon: 'mdi:counter', enabled_by_default: false,
    }),
    diagnostic('poll_errors', 'Poll errors', {
      state_class: 'total_increasing', decimals: 0, icon: 'mdi:alert-outline', enabled_by_default: false,
    }),
    // The firmware's own JS time per poll cycle (device/src/meter/cycle-time.ts), over its last 16 cycles.
    diagnostic('poll_ms', 'Poll cycle time', {
      device_class: 'duration', unit_of_measurement: 'ms', state_class: 'measurement', suggested_display_precision: 1,
      decimals: 1, enabled_by_default: false,
    }),
    diagnostic('poll_ms_max', 'Poll cycle time max', {
      device_class: 'duration', unit_of_measurement: 'ms', state_class: 'measurement', suggested_display_precision: 1,
      decimals: 1, enabled_by_default: false,
    }),
    diagnostic('poll_phases', 'Poll cycle phases', { icon: 'mdi:timer-outline', enabled_by_default: false }),
    // Commands a paired module refused (unsigned, bad-mac, stale-counter: issue 11), since boot.
    diagnostic('refused_commands', 'Refused commands', {
      state_class: 'total_increasing', decimals: 0, icon: 'mdi:shield-alert-outline', enabled_by_default: false,
    }),
    diagnostic('firmware', 'Firmware', { icon: 'mdi:chip' }),
    button('restart', 'Restart', 'restart', { device_class: 'restart', entity_category: 'config' }),
    button('poll_now', 'Poll now', 'poll', { icon: 'mdi:refresh', entity_category: 'diagnostic' }),
    {
      key: UPDATE_ENTITY_KEY, name: 'Firmware update', component: 'update', device_class: 'firmware', entity_category: 'config',
      enabled_by_default: true, group: 'diagnostic',
    },
  ],
))();

/** Whether a meter with `phaseCount` phases has entity `e`: a 1-phase meter has no L2/L3 rows. */
export function meterHas(phaseCount: 1 | 3, e: EntityDescriptor): boolean {
  return phaseCount === 3 || e.phase === undefined || e.phase <= 1;
}

/** The entities a meter with `phases` phases has. */
export function entitiesFor(phaseCount: 1 | 3): EntityDescriptor[] {
  const out: EntityDescriptor[] = [];
  for (let i = 0; i < ENTITIES.length; i++) {
    const e = ENTITIES[i] as EntityDescriptor;
    if (meterHas(phaseCount, e)) out.push(e);
  }
  return out;
}

/** The row with this key, or undefined. */
export function entityByKey(key: string): EntityDescriptor | undefined {
  for (let i = 0; i < ENTITIES.length; i++) {
    const e = ENTITIES[i] as EntityDescriptor;
    if (e.key === key) return e;
  }
  return undefined;
}
