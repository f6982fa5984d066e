// The meter registry as a Service (issue 5): subscribes to what bridges publish, runs the pure reducer
// (registry-state.ts) and turns its effects into bus events (bus.ts). Ignored messages are counted and logged by
// reason (the first of each reason, then every 100th), never with their payload.
import { DEFAULT_DISCOVERY_PREFIX, BASE_TOPIC_ROOT, isDeviceId } from '../../../discovery/topics';
import { MeterRegistry, MeterUsage, MeterView } from '../backend';
import { LinkMessage, MqttLink } from '../broker/link';
import { EventBus } from '../bus';
import { Logger, Service } from '../service';
import { Effect, emptyRegistry, RegistryState, reduce } from './registry-state';
import { meterView } from './view';

const UNSIGNED_RESULT = 'a command result of a paired module without its signature';

export interface MeterRegistryDeps {
  bus: EventBus;
  link: MqttLink;
  logger: Logger;
  discoveryPrefix?: string;
  now?: () => number;
  staleAfterMs?: number;
  latestVersion?: (deviceId: string) => string | null;
  /** Usage figures for the view (usage/usage-service.ts), bound late by main.ts. */
  usage?: (deviceId: string) => MeterUsage;
  /** The backfill's report for the view (backfill/backfill-service.ts), bound late by main.ts. */
  backfill?: (deviceId: string) => MeterView['backfill'];
  /** The outage watch's newest outage for the view (outages/outage-service.ts), bound late by main.ts. */
  lastOutage?: (deviceId: string) => MeterView['lastOutage'];
  /** Results of paired modules must be signed (issue 11 attack 2: a forged cmd/result made the panel say "key
   *  sent"): given the device id, topic and payload of a cmd/result, the body to use, the payload unchanged for a
   *  module not paired, or null to drop it. */
  checkResult?: (deviceId: string, topic: string, payload: Buffer) => Buffer | null;
}

export class MeterRegistryService implements Service, MeterRegistry {
  readonly name = 'meters';
  private registry: RegistryState;
  private unlisten: (() => void) | null = null;
  private readonly now: () => number;

  constructor(private readonly deps: MeterRegistryDeps) {
    this.registry = emptyRegistry(deps.discoveryPrefix ?? DEFAULT_DISCOVERY_PREFIX);
    this.now = deps.now ?? Date.now;
  }

  async start(): Promise<void> {
    this.unlisten = this.deps.link.onMessage((m) => this.receive(m));
    await this.deps.link.subscribe(`${this.registry.discoveryPrefix}/device/+/config`, 1);
    await this.deps.link.subscribe(`${BASE_TOPIC_ROOT}/#`, 1);
    for (const d of Object.values(this.registry.devices)) {
      if (!d.baseTopic.startsWith(BASE_TOPIC_ROOT + '/')) await this.deps.link.subscribe(`${d.baseTopic}/#`, 1);
    }
  }

  async stop(): Promise<void> {
    this.unlisten?.();
    this.unlisten = null;
  }

  describe(): string {
    return `meter registry: ${Object.keys(this.registry.devices).length} device(s)`;
  }

  list(): MeterView[] {
    const now = this.now();
    return Object.values(this.registry.devices)
      .map((d) => meterView(d, { now, staleAfterMs: this.deps.staleAfterMs, latestVersion: this.deps.latestVersion, usage: this.deps.usage, backfill: this.deps.backfill, lastOutage: this.deps.lastOutage }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.deviceId.localeCompare(b.deviceId));
  }

  get(deviceId: string): MeterView | null {
    const d = Object.prototype.hasOwnProperty.call(this.registry.devices, deviceId) ? this.registry.devices[deviceId] : undefined;
    return d ? meterView(d, { now: this.now(), staleAfterMs: this.deps.staleAfterMs, latestVersion: this.deps.latestVersion, usage: this.deps.usage, backfill: this.deps.backfill, lastOutage: this.deps.lastOutage }) : null;
  }

  /** Ignored messages by reason (panel diagnostics, tests). */
  ignoredCounts(): { [reason: string]: number } {
    return { ...this.registry.ignored };
  }

  /** Applies one message (the link listener; public for the bench and tests). */
  receive(message: LinkMessage): void {
    const m = this.checked(message);
    if (!m) return;
    const { state, effects } = reduce(this.registry, { ...m, at: this.now() });
    this.registry = state;
    if (effects.length > 0 && effects.some((e) => e.kind !== 'ignored')) {
      this.deps.bus.emit('deviceMessage', { topic: m.topic, payload: m.payload, retained: m.retained });
    }
    for (const e of effects) this.apply(e);
  }

  /** A cmd/result below `<…>/<device id>/cmd/result` goes through checkResult; everything else unchanged. */
  private checked(m: LinkMessage): LinkMessage | null {
    if (!this.deps.checkResult || !m.topic.endsWith('/cmd/result')) return m;
    const levels = m.topic.split('/');
    const deviceId = levels[levels.length - 3] as string;
    if (!isDeviceId(deviceId)) return m;
    const body = this.deps.checkResult(deviceId, m.topic, m.payload);
    if (body === null) {
      this.registry = { ...this.registry, ignored: { ...this.registry.ignored, [UNSIGNED_RESULT]: (this.registry.ignored[UNSIGNED_RESULT] ?? 0) + 1 } };
      this.apply({ kind: 'ignored', reason: UNSIGNED_RESULT, topic: m.topic });
      return null;
    }
    return body === m.payload ? m : { ...m, payload: body };
  }

  private apply(e: Effect): void {
    const { bus, logger } = this.deps;
    switch (e.kind) {
      case 'changed':
        return bus.emit('meterChanged', { deviceId: e.deviceId });
      case 'removed':
        logger.info(`${e.deviceId} removed (its discovery was cleared)`);
        return bus.emit('meterRemoved', { deviceId: e.deviceId });
      case 'state':
        return bus.emit('meterState', { deviceId: e.deviceId, state: e.state });
      case 'diagnostics':
        return bus.emit('meterDiagnostics', { deviceId: e.deviceId, diagnostics: e.diagnostics });
      case 'availability':
        logger.info(`${e.deviceId} is ${e.online ? 'online' : 'offline'}`);
        return bus.emit('meterAvailability', { deviceId: e.deviceId, online: e.online });
      case 'update':
        return bus.emit('meterUpdateState', { deviceId: e.deviceId, update: e.update });
      case 'commandResult':
        return bus.emit('commandResult', { deviceId: e.deviceId, result: e.result });
      case 'installRequested':
        logger.info(`Home Assistant asked to install the latest firmware on ${e.deviceId}`);
        return bus.emit('installRequested', { deviceId: e.deviceId });
      case 'baseTopic':
        logger.info(`${e.deviceId} uses the base topic ${e.baseTopic}`);
        this.deps.link.subscribe(`${e.baseTopic}/#`, 1).catch((err: Error) => logger.warn(`subscribe ${e.baseTopic}/#: ${err.message}`));
        return;
      case 'ignored': {
        const count = this.registry.ignored[e.reason] ?? 1;
        if (count === 1 || count % 100 === 0) logger.warn(`ignored a message on ${e.topic.slice(0, 200)}: ${e.reason} (${count} so far)`);
        return;
      }
    }
  }
}
