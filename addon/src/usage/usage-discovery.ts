// The add-on's own Home Assistant entities for one meter (issue 13): capacity-tariff peaks, energy today / this
// month, signed per-phase current. Published with device-based discovery on a topic of the add-on's own
// (<prefix>/device/<device id>_usage/config) whose `dev.ids` are the module's, so Home Assistant shows them on the
// meter's own device (home-assistant.md §3.2; the module's payload: discovery/discovery-payload.ts). The device block
// carries only the identifiers, so the module's name, model and versions stay as the module publishes them. State:
// one JSON message per reading on usageStateTopic, never below the module's base topic (devices may publish there).
// Units and classes per home-assistant.md §4.4: peaks and averages power/W/measurement; energy kWh total_increasing
// (they fall back to 0 at midnight / the month's start, which HA takes as a new cycle); current A measurement.
import { AVAILABILITY_OFFLINE, AVAILABILITY_ONLINE } from '../../../discovery/contract';
import { slugify } from '../../../discovery/discovery-payload';
import { buildTopics, discoveryTopic } from '../../../discovery/topics';

export const USAGE_TOPIC_ROOT = 'mep-addon';
export const USAGE_ORIGIN = 'MEP Bridge add-on';

/** Where the add-on publishes a meter's usage state (JSON, not retained: it follows every reading). */
export function usageStateTopic(deviceId: string): string {
  return `${USAGE_TOPIC_ROOT}/${deviceId}/usage`;
}

/** The add-on's discovery topic for a meter (object id <device id>_usage, next to the module's own). */
export function usageDiscoveryTopic(discoveryPrefix: string, deviceId: string): string {
  return discoveryTopic(discoveryPrefix, `${deviceId}_usage`);
}

interface UsageEntity {
  key: string;
  name: string;
  device_class: 'power' | 'energy' | 'current';
  unit: 'W' | 'kWh' | 'A';
  state_class: 'measurement' | 'total_increasing';
  precision: number;
  icon?: string;
  /** Follows the module's availability (values that go stale with it). */
  live: boolean;
  /** Peak n: its hour and whether it was estimated as attributes. */
  peak?: 1 | 2 | 3;
  /** The peak days' average: the hours it averages as an attribute. */
  days?: true;
  phase?: 1 | 2 | 3;
}

const power = (key: string, name: string, live: boolean, extra: Partial<UsageEntity> = {}): UsageEntity => ({
  key, name, device_class: 'power', unit: 'W', state_class: 'measurement', precision: 0, live, icon: 'mdi:chart-bell-curve', ...extra,
});
const energy = (key: string, name: string): UsageEntity => ({
  key, name, device_class: 'energy', unit: 'kWh', state_class: 'total_increasing', precision: 3, live: false,
});
const current = (phase: 1 | 2 | 3): UsageEntity => ({
  key: `current_signed_l${phase}`, name: `Current signed L${phase}`, device_class: 'current', unit: 'A', state_class: 'measurement',
  precision: 2, live: true, phase,
});

/** Every usage entity; keys are also the JSON keys of the state message. Never rename a key (unique ids). */
export const USAGE_ENTITIES: readonly UsageEntity[] = [
  power('power_average_15min', 'Power 15-minute average', true),
  power('power_average_hour', 'Power hourly average', true),
  power('peak_hour_1', 'Month peak hour 1', false, { peak: 1, icon: 'mdi:trophy' }),
  power('peak_hour_2', 'Month peak hour 2', false, { peak: 2, icon: 'mdi:trophy-outline' }),
  power('peak_hour_3', 'Month peak hour 3', false, { peak: 3, icon: 'mdi:trophy-outline' }),
  power('peak_hours_average', 'Month peak hours average', false, { icon: 'mdi:trophy-variant' }),
  power('peak_days_average', 'Month peak days average', false, { icon: 'mdi:trophy-variant', days: true }),
  energy('energy_import_today', 'Energy import today'),
  energy('energy_export_today', 'Energy export today'),
  energy('energy_import_month', 'Energy import this month'),
  energy('energy_export_month', 'Energy export this month'),
  current(1),
  current(2),
  current(3),
];

export function usageEntitiesFor(phases: 1 | 3): UsageEntity[] {
  return USAGE_ENTITIES.filter((e) => phases === 3 || e.phase === undefined || e.phase === 1);
}

export interface UsageDiscoveryContext {
  deviceId: string;
  /** The module's name (entity ids are <name slug>_<key>, like the module's own). */
  deviceName: string;
  /** The module's base topic: its availability topic. */
  baseTopic: string;
  phases: 1 | 3;
  discoveryPrefix: string;
}

/** The discovery JSON (long key names: this is Node, bytes do not matter, HA accepts both). */
export function usageDiscoveryPayload(ctx: UsageDiscoveryContext): string {
  const stateTopic = usageStateTopic(ctx.deviceId);
  const availability = buildTopics(ctx.deviceId, ctx.baseTopic).availability;
  const slug = slugify(ctx.deviceName) || ctx.deviceId;
  const components: { [key: string]: unknown } = {};
  for (const e of usageEntitiesFor(ctx.phases)) {
    const c: { [key: string]: unknown } = {
      platform: 'sensor',
      unique_id: `${ctx.deviceId}_${e.key}`,
      default_entity_id: `sensor.${slug}_${e.key}`,
      name: e.name,
      device_class: e.device_class,
      unit_of_measurement: e.unit,
      state_class: e.state_class,
      suggested_display_precision: e.precision,
      // A missing key keeps the last value (''), JSON null means unknown ('None'): discovery-payload.ts valueTemplate.
      value_template: `{{ value_json.${e.key} | default('') }}`,
    };
    if (e.icon !== undefined) c.icon = e.icon;
    if (e.live) {
      c.availability_topic = availability;
      c.payload_available = AVAILABILITY_ONLINE;
      c.payload_not_available = AVAILABILITY_OFFLINE;
    }
    if (e.peak !== undefined) {
      c.json_attributes_topic = stateTopic;
      c.json_attributes_template = `{{ {'hour': value_json.${e.key}_start | default(None), 'estimated': value_json.${e.key}_estimated | default(False)} | tojson }}`;
    }
    if (e.days) {
      c.json_attributes_topic = stateTopic;
      c.json_attributes_template = `{{ {'hours': value_json.peak_days | default('[]') | from_json} | tojson }}`;
    }
    components[e.key] = c;
  }
  return JSON.stringify({
    device: { identifiers: [ctx.deviceId] },
    origin: { name: USAGE_ORIGIN },
    state_topic: stateTopic,
    qos: 1,
    components,
  });
}
