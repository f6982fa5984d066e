// Usage figures per meter as a Service (issue 13): follows every state message on the bus, keeps the register
// tracking and this month's peaks (meter-usage.ts), persists them (usage-store.ts), and publishes the add-on's own
// entities on the meter's device (usage-discovery.ts) with their state after each reading. Removed again (empty
// retained discovery) when the meter is removed. Works over either broker: it only uses the add-on's MQTT link.
//
// Local time is Home Assistant's time zone (websocket get_config) once the add-on has asked it; before that, and
// outside Home Assistant, the process's zone (TZ, which the Supervisor sets to Home Assistant's zone anyway).
import { StatePayload } from '../../../discovery/contract';
import { DEFAULT_DISCOVERY_PREFIX } from '../../../discovery/topics';
import { MeterRegistry, MeterUsage } from '../backend';
import { MqttLink } from '../broker/link';
import { EventBus } from '../bus';
import { HaLink } from '../ha/connection';
import { Logger, MqttPublisher, Service } from '../service';
import { isTimeZone, systemTimeZone } from './local-time';
import { applyReading, emptyUsage, MeterUsageState, readingOf, usageView } from './meter-usage';
import { usageDiscoveryPayload, usageDiscoveryTopic, usageStateTopic } from './usage-discovery';
import { usageStatePayload } from './usage-state';
import { UsageStore } from './usage-store';

export interface UsageServiceDeps {
  bus: EventBus;
  log: Logger;
  mqtt: MqttPublisher;
  /** To find usage discoveries of meters removed while the add-on was down (absent: no sweep). */
  link?: Pick<MqttLink, 'subscribe' | 'onMessage'>;
  meters: MeterRegistry;
  /** Home Assistant (for its time zone); null or not connected = the process's zone. */
  ha: HaLink | null;
  dataDir: string;
  discoveryPrefix?: string;
  /** Clock (epoch ms); tests script a day with it. */
  now?: () => number;
  saveDelayMs?: number;
  /** How long after start the sweep for orphaned usage discoveries waits (default a minute). */
  sweepAfterMs?: number;
}

export class UsageService implements Service {
  readonly name = 'usage';
  private readonly meters = new Map<string, MeterUsageState>();
  /** What each meter's usage discovery topic holds now (payload text). */
  private readonly published = new Map<string, string>();
  private readonly store: UsageStore;
  private readonly now: () => number;
  private haZone: string | null = null;
  /** Device ids with a non-empty retained usage discovery on the broker. */
  private readonly retainedDiscovery = new Set<string>();
  private unlisten: (() => void) | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: UsageServiceDeps) {
    this.store = new UsageStore(UsageStore.fileIn(deps.dataDir), deps.log, deps.saveDelayMs);
    this.now = deps.now ?? Date.now;
  }

  describe(): string {
    return `usage: energy today/this month and peak hours for ${this.meters.size} meter(s), ${this.zoneText()}`;
  }

  /** The zone local days, months and hours follow. */
  zone(): string {
    return this.haZone ?? systemTimeZone();
  }

  async start(): Promise<void> {
    for (const [id, s] of this.store.load()) this.meters.set(id, s);
    const { bus } = this.deps;
    bus.on(this.name, 'meterState', (e) => this.onState(e.deviceId, e.state));
    bus.on(this.name, 'meterChanged', (e) => this.refreshDiscovery(e.deviceId));
    bus.on(this.name, 'meterRemoved', (e) => this.remove(e.deviceId));
    bus.on(this.name, 'haConnection', (e) => {
      if (e.connected) void this.learnZone();
    });
    if (this.deps.ha?.status().connected) void this.learnZone();
    for (const m of this.deps.meters.list()) this.refreshDiscovery(m.deviceId);
    await this.watchRetainedDiscovery();
  }

  async stop(): Promise<void> {
    this.deps.bus.removeListeners(this.name);
    this.unlisten?.();
    this.unlisten = null;
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
    await this.store.flush();
  }

  private async watchRetainedDiscovery(): Promise<void> {
    const link = this.deps.link;
    if (!link) return;
    const prefix = this.deps.discoveryPrefix ?? DEFAULT_DISCOVERY_PREFIX;
    const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/device/(mep_[0-9a-f]{12})_usage/config$`);
    this.unlisten = link.onMessage((m) => {
      const id = pattern.exec(m.topic)?.[1];
      if (id === undefined) return;
      if (m.payload.length > 0) this.retainedDiscovery.add(id);
      else this.retainedDiscovery.delete(id);
    });
    await link.subscribe(`${prefix}/device/+/config`, 1);
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = null;
      this.sweep();
    }, this.deps.sweepAfterMs ?? 60_000);
  }

  /** Clears the usage discovery of every meter the registry does not know with its discovery. */
  private sweep(): void {
    const prefix = this.deps.discoveryPrefix ?? DEFAULT_DISCOVERY_PREFIX;
    for (const id of [...this.retainedDiscovery]) {
      if (this.published.has(id) || (this.deps.meters.get(id)?.phases ?? null) !== null) continue;
      this.deps.log.info(`${id} is no longer known: its usage entities are removed`);
      this.retainedDiscovery.delete(id);
      this.send(usageDiscoveryTopic(prefix, id), '', true, id);
    }
  }

  /** The panel's view of one meter (null members when unknown). */
  view(deviceId: string): MeterUsage {
    return usageView(this.meters.get(deviceId) ?? null, this.now(), this.zone());
  }

  private zoneText(): string {
    return this.haZone !== null ? `time zone ${this.haZone} (Home Assistant's)` : `time zone ${systemTimeZone()} (the system's)`;
  }

  private async learnZone(): Promise<void> {
    const ha = this.deps.ha;
    if (!ha) return;
    try {
      const config = await ha.send<{ time_zone?: unknown }>({ type: 'get_config' });
      const zone = config.time_zone;
      if (typeof zone !== 'string' || !isTimeZone(zone)) {
        this.deps.log.warn(`Home Assistant's time zone is unusable; days and months follow ${this.zoneText()}`);
        return;
      }
      if (zone !== this.haZone) {
        this.haZone = zone;
        this.deps.log.info(`days, months and peak hours follow ${this.zoneText()}`);
      }
    } catch (err) {
      this.deps.log.warn(`Home Assistant's time zone not read (${(err as Error).message}); using ${this.zoneText()}`);
    }
  }

  private onState(deviceId: string, state: StatePayload): void {
    const now = this.now();
    const zone = this.zone();
    const reading = readingOf(state, now);
    if (reading) {
      const step = applyReading(this.meters.get(deviceId) ?? emptyUsage(zone), reading, zone);
      this.meters.set(deviceId, step.state);
      if (step.note === 'reset') {
        this.deps.log.warn(`${deviceId}: the energy register or the clock went backwards (a new meter? a clock correction?); today's and this month's figures start again`);
      }
      this.save();
    }
    const meter = this.deps.meters.get(deviceId);
    const phases = meter?.phases ?? (state.current_l2 !== undefined ? 3 : 1);
    const payload = usageStatePayload(usageView(this.meters.get(deviceId) ?? null, now, zone), state, phases);
    this.send(usageStateTopic(deviceId), JSON.stringify(payload), false, deviceId);
  }

  private save(): void {
    this.store.schedule(() => Object.fromEntries(this.meters));
  }

  /** Publishes the discovery when the meter's name, base topic or phases changed (meterChanged is frequent). */
  private refreshDiscovery(deviceId: string): void {
    const meter = this.deps.meters.get(deviceId);
    if (!meter || meter.phases === null || meter.baseTopic === null) return;
    const prefix = this.deps.discoveryPrefix ?? DEFAULT_DISCOVERY_PREFIX;
    const payload = usageDiscoveryPayload({ deviceId, deviceName: meter.name, baseTopic: meter.baseTopic, phases: meter.phases, discoveryPrefix: prefix });
    if (this.published.get(deviceId) === payload) return;
    this.published.set(deviceId, payload);
    this.send(usageDiscoveryTopic(prefix, deviceId), payload, true, deviceId);
  }

  private remove(deviceId: string): void {
    const prefix = this.deps.discoveryPrefix ?? DEFAULT_DISCOVERY_PREFIX;
    this.published.delete(deviceId);
    if (this.meters.delete(deviceId)) this.save();
    this.deps.log.info(`${deviceId} removed: its usage entities too`);
    this.send(usageDiscoveryTopic(prefix, deviceId), '', true, deviceId);
  }

  private send(topic: string, payload: string, retain: boolean, deviceId: string): void {
    this.deps.mqtt.publish(topic, payload, { qos: retain ? 1 : 0, retain }).catch((err: Error) => {
      if (retain) this.published.delete(deviceId); // retried on the meter's next change
      this.deps.log.warn(`usage of ${deviceId}: ${topic} not published (${err.message})`);
    });
  }
}
