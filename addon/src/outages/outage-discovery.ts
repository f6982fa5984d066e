// The "Last outage" sensors of one meter (issue 13), published by the add-on with device-based discovery on a topic
// of its own (<prefix>/device/<device id>_outage/config) whose `dev.ids` are the module's, so Home Assistant shows
// them on the meter's device next to the usage sensors (usage/usage-discovery.ts does the same). State: one retained
// JSON message (it changes once per outage, and must survive a restart of Home Assistant or the broker).
// - Last outage: device_class timestamp, the outage's start; attributes end and duration_s.
// - Last outage duration: device_class duration in s.
import { slugify } from '../../../discovery/discovery-payload';
import { discoveryTopic } from '../../../discovery/topics';
import { USAGE_ORIGIN, USAGE_TOPIC_ROOT } from '../usage/usage-discovery';
import { Outage } from './new-outages';

export function outageStateTopic(deviceId: string): string {
  return `${USAGE_TOPIC_ROOT}/${deviceId}/outage`;
}

export function outageDiscoveryTopic(discoveryPrefix: string, deviceId: string): string {
  return discoveryTopic(discoveryPrefix, `${deviceId}_outage`);
}

/** The state message: ISO 8601 UTC times (Home Assistant's timestamp sensors want a zone), null before any outage. */
export function outageStatePayload(last: Outage | null): string {
  return JSON.stringify(last === null
    ? { last_outage_start: null, last_outage_end: null, last_outage_duration_s: null }
    : { last_outage_start: iso(last.startMs), last_outage_end: iso(last.endMs), last_outage_duration_s: last.durationS });
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** The discovery JSON for the meter `deviceId` named `deviceName` (entity ids <name slug>_last_outage…). */
export function outageDiscoveryPayload(deviceId: string, deviceName: string): string {
  const slug = slugify(deviceName) || deviceId;
  const stateTopic = outageStateTopic(deviceId);
  return JSON.stringify({
    device: { identifiers: [deviceId] },
    origin: { name: USAGE_ORIGIN },
    state_topic: stateTopic,
    qos: 1,
    components: {
      last_outage: {
        platform: 'sensor',
        unique_id: `${deviceId}_last_outage`,
        default_entity_id: `sensor.${slug}_last_outage`,
        name: 'Last outage',
        device_class: 'timestamp',
        icon: 'mdi:transmission-tower-off',
        // JSON null (no outage yet) is unknown ('None'): usage-discovery.ts and discovery-payload.ts do the same.
        value_template: '{{ value_json.last_outage_start }}',
        json_attributes_topic: stateTopic,
        json_attributes_template: "{{ {'end': value_json.last_outage_end, 'duration_s': value_json.last_outage_duration_s} | tojson }}",
      },
      last_outage_duration: {
        platform: 'sensor',
        unique_id: `${deviceId}_last_outage_duration`,
        default_entity_id: `sensor.${slug}_last_outage_duration`,
        name: 'Last outage duration',
        device_class: 'duration',
        unit_of_measurement: 's',
        icon: 'mdi:timer-off-outline',
        value_template: '{{ value_json.last_outage_duration_s }}',
      },
    },
  });
}
