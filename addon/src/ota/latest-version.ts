// Home Assistant's update entity per device (home-assistant.md §3.6): the device publishes installed_version on
// <base>/update, the add-on publishes the catalog's newest .bin version, retained, on <base>/update/latest, so the
// update appears in Settings -> Updates. HA's "Install" (<base>/update/install, the bus's installRequested) starts a
// rollout of that newest .bin to the device.
import { PUBLISH } from '../../../discovery/contract';
import { buildTopics } from '../../../discovery/topics';
import { FirmwareCatalog, MeterRegistry, Rollouts } from '../backend';
import { EventBus } from '../bus';
import { Logger, MqttPublisher, Service } from '../service';

export interface LatestVersionDeps {
  bus: EventBus;
  log: Logger;
  mqtt: MqttPublisher;
  meters: MeterRegistry;
  catalog: Pick<FirmwareCatalog, 'latest'>;
  rollouts: Pick<Rollouts, 'start'>;
}

const OPTIONS = PUBLISH.updateLatest as { qos: 0 | 1; retain: boolean };

export class LatestVersionPublisher implements Service {
  readonly name = 'ota-latest';
  /** What each device's latest topic holds now: topic and version text ('' = cleared). */
  private readonly published = new Map<string, { topic: string; text: string }>();

  constructor(private readonly deps: LatestVersionDeps) {}

  describe(): string {
    return 'update entities: latest firmware version per device from the catalog';
  }

  async start(): Promise<void> {
    const { bus } = this.deps;
    bus.on(this.name, 'catalogChanged', () => this.refreshAll());
    bus.on(this.name, 'meterChanged', (e) => this.refresh(e.deviceId));
    bus.on(this.name, 'meterRemoved', (e) => this.published.delete(e.deviceId));
    bus.on(this.name, 'installRequested', (e) => this.install(e.deviceId));
    this.refreshAll();
  }

  async stop(): Promise<void> {
    this.deps.bus.removeListeners(this.name);
  }

  private latestText(): string {
    return this.deps.catalog.latest('bin')?.version ?? '';
  }

  private refreshAll(): void {
    for (const m of this.deps.meters.list()) this.refresh(m.deviceId);
  }

  /** Publishes when the device's latest topic does not hold the catalog's version yet (meterChanged is frequent). */
  private refresh(deviceId: string): void {
    const meter = this.deps.meters.get(deviceId);
    if (!meter || !meter.baseTopic) return;
    const topic = buildTopics(deviceId, meter.baseTopic).updateLatest;
    const text = this.latestText();
    const before = this.published.get(deviceId);
    if (before && before.topic === topic && before.text === text) return;
    if (!before && text === '') return; // nothing to offer and nothing to clear
    this.published.set(deviceId, { topic, text });
    if (before && before.topic !== topic && before.text !== '') this.send(deviceId, before.topic, '');
    this.send(deviceId, topic, text);
  }

  private send(deviceId: string, topic: string, text: string): void {
    this.deps.mqtt.publish(topic, text, OPTIONS).catch((err: Error) => {
      this.published.delete(deviceId); // retried on the device's next change
      this.deps.log.warn(`update entity of ${deviceId}: latest version not published (${err.message})`);
    });
  }

  private install(deviceId: string): void {
    const latest = this.deps.catalog.latest('bin');
    if (!latest) {
      this.deps.log.warn(`Home Assistant asked to update ${deviceId}, but the catalog holds no firmware`);
      return;
    }
    this.deps.log.info(`Home Assistant asked to update ${deviceId} to ${latest.version}`);
    try {
      this.deps.rollouts.start(latest.id, [deviceId]);
    } catch (err) {
      this.deps.log.warn(`update of ${deviceId} not started: ${(err as Error).message}`);
    }
  }
}
