// A small in-memory MeterRegistry plus the part of the registry's job the rollout listens to: device messages from
// the broker turned into bus events (meterUpdateState, commandResult, meterAvailability, installRequested), the way
// the add-on's meter registry emits them.
import mqtt, { MqttClient } from 'mqtt';
import { CommandResult, UpdateState } from '../../../discovery/contract';
import { defaultBaseTopic } from '../../../discovery/topics';
import { MeterRegistry, MeterView } from '../../../addon/src/backend';
import { EventBus } from '../../../addon/src/bus';
import { MqttPublisher } from '../../../addon/src/service';

export function meterView(deviceId: string, firmware: string, online: boolean | null = true): MeterView {
  return {
    deviceId, name: deviceId, online, lastSeen: null, state: null, stateAt: null, diagnostics: null, firmware, phases: 3,
    baseTopic: defaultBaseTopic(deviceId), entityIds: {}, update: null, latestVersion: null, problems: [],
  };
}

export class MemoryRegistry implements MeterRegistry {
  readonly meters = new Map<string, MeterView>();
  add(view: MeterView): void {
    this.meters.set(view.deviceId, view);
  }
  list(): MeterView[] {
    return [...this.meters.values()];
  }
  get(deviceId: string): MeterView | null {
    return this.meters.get(deviceId) ?? null;
  }
}

/** Subscribes to every device's update, result, availability and install topics and emits the bus events. */
export async function bridgeDeviceTopics(url: string, bus: EventBus, registry: MemoryRegistry): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, { clientId: 'addon-registry-stand-in' });
  client.on('message', (topic, payload) => {
    const m = /^mep\/(mep_[0-9a-f]{12})\/(.+)$/.exec(topic);
    if (!m) return;
    const deviceId = m[1] as string;
    const text = payload.toString();
    const view = registry.get(deviceId);
    if (m[2] === 'update') {
      const update = JSON.parse(text) as UpdateState;
      if (view) view.firmware = update.installed_version;
      bus.emit('meterUpdateState', { deviceId, update });
    } else if (m[2] === 'cmd/result') bus.emit('commandResult', { deviceId, result: JSON.parse(text) as CommandResult });
    else if (m[2] === 'availability') {
      if (view) view.online = text === 'online';
      bus.emit('meterAvailability', { deviceId, online: text === 'online' });
    } else if (m[2] === 'update/install' && text === 'install') bus.emit('installRequested', { deviceId });
  });
  await client.subscribeAsync(['mep/+/update', 'mep/+/cmd/result', 'mep/+/availability', 'mep/+/update/install'], { qos: 1 });
  return client;
}

/** The add-on's publishing side over a real MQTT client. */
export function publisherOf(client: MqttClient): MqttPublisher {
  return { publish: async (topic, payload, options) => void (await client.publishAsync(topic, payload, options)) };
}
