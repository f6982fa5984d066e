// The outage watch as a Service (issue 13): after a module comes back (online again, or a reading after a silence:
// the meter may have been without power, and the module with it) and every hour, it reads the meter's outage log
// (read-log.ts: ET81, else BT74) through the module, works out the outages not announced yet (new-outages.ts), and
// for each fires the Home Assistant event `mep_bridge_power_outage` and shows a persistent notification
// (outage-announce.ts); the "Last outage" sensors on the meter's device (outage-discovery.ts) follow. One read chain
// at a time for all meters; reads go through the shared per-module queue (module-read-queue.ts) so they never
// interleave with the backfill's. What was announced is on disk (outage-store.ts) before the next one is: a restart
// of the add-on announces nothing twice and misses nothing the meter still holds.
import { DEFAULT_DISCOVERY_PREFIX } from '../../../discovery/topics';
import { MeterRegistry, MeterView } from '../backend';
import { EventBus } from '../bus';
import { HaLink } from '../ha/connection';
import { MeterRuns } from '../meters/meter-runs';
import { ReadSender } from '../meters/raw-read';
import { Logger, MqttPublisher, Service } from '../service';
import { systemTimeZone } from '../usage/local-time';
import { durationText, OUTAGE_EVENT, outageEventData, outageNotification, spanText } from './outage-announce';
import { iso, outageDiscoveryPayload, outageDiscoveryTopic, outageStatePayload, outageStateTopic } from './outage-discovery';
import { newOutages, OutageCursor } from './new-outages';
import { OutageStore } from './outage-store';
import { NoOutageLogError, readOutageLog } from './read-log';

export interface OutageServiceDeps {
  bus: EventBus;
  log: Logger;
  /** Home Assistant; null outside it (the sensors only, no events or notifications). */
  ha: HaLink | null;
  mqtt: MqttPublisher;
  meters: MeterRegistry;
  /** Sends cmd/read and awaits its result: the shared ModuleReadQueue over the commander. */
  reader: ReadSender;
  dataDir: string;
  /** The zone the meter's local times are in: Home Assistant's (UsageService.zone()). Default the process's. */
  zone?: () => string;
  discoveryPrefix?: string;
  /** Clock of "watching since" (epoch ms; tests use the simulator's). */
  now?: () => number;
  /** Pause between two raw reads, ms. Default 1000. */
  spacingMs?: number;
  /** Real ms between scheduled reads. Default an hour. */
  everyMs?: number;
  /** Real ms after a module came back before its read. Default 30 s. */
  settleMs?: number;
  /** A reading after this much silence (real ms) counts as a comeback. Default 5 min. */
  silentAfterMs?: number;
}

export class OutageService implements Service {
  readonly name = 'outages';
  private readonly cursors = new Map<string, OutageCursor>();
  private readonly store: OutageStore;
  private readonly now: () => number;
  private readonly published = new Map<string, string>();
  /** Meters that keep no readable outage log: not asked again before this (real ms). */
  private readonly noLogUntil = new Map<string, number>();
  private readonly runs: MeterRuns;

  constructor(private readonly deps: OutageServiceDeps) {
    this.store = new OutageStore(OutageStore.fileIn(deps.dataDir), deps.log);
    this.now = deps.now ?? Date.now;
    // The first reading after the add-on started is a comeback too: the log may hold an outage from while it was away.
    this.runs = new MeterRuns({
      bus: deps.bus, meters: deps.meters, name: this.name, job: (id) => this.job(id),
      everyMs: deps.everyMs, settleMs: deps.settleMs, silentAfterMs: deps.silentAfterMs, firstReadingRuns: true,
    });
  }

  describe(): string {
    return `outages: the meters' outage logs read after a comeback and every ${Math.round((this.deps.everyMs ?? 3_600_000) / 60_000)} min; ` +
      (this.deps.ha?.status().available ? `each new outage is the Home Assistant event ${OUTAGE_EVENT} and a notification` : 'sensors only (not inside Home Assistant)');
  }

  async start(): Promise<void> {
    for (const [id, c] of this.store.load()) this.cursors.set(id, c);
    const { bus } = this.deps;
    bus.on(this.name, 'meterChanged', (e) => this.refreshDiscovery(e.deviceId));
    bus.on(this.name, 'meterRemoved', (e) => this.remove(e.deviceId));
    for (const m of this.deps.meters.list()) this.refreshDiscovery(m.deviceId);
    this.runs.start();
  }

  async stop(): Promise<void> {
    this.deps.bus.removeListeners(this.name);
    await this.runs.stop();
    await this.store.flush();
  }

  /** The newest outage known for a meter (null: none yet). */
  lastOutage(deviceId: string): OutageCursor['last'] {
    return this.cursors.get(deviceId)?.last ?? null;
  }

  /** The panel's view of it (MeterView.lastOutage). */
  view(deviceId: string): MeterView['lastOutage'] {
    const o = this.lastOutage(deviceId);
    return o === null ? null : { start: iso(o.startMs), end: iso(o.endMs), durationS: o.durationS, text: `${spanText(o, this.zone())} (${durationText(o.durationS)})` };
  }

  /** Queues a read of one meter's log (one at a time for all meters); resolves when it is done. */
  run(deviceId: string): Promise<void> {
    return this.runs.run(deviceId);
  }

  /** One read; true when the module was not ready (MeterRuns tries again once it settled). */
  private async job(deviceId: string): Promise<boolean> {
    if ((this.noLogUntil.get(deviceId) ?? 0) > Date.now()) return false;
    try {
      await this.runOnce(deviceId);
      return false;
    } catch (err) {
      const message = (err as Error).message;
      if (err instanceof NoOutageLogError) {
        // Asked again a day later (a firmware update may add one), not every hour.
        this.noLogUntil.set(deviceId, Date.now() + 24 * 3_600_000);
        this.deps.log.warn(`${deviceId}: no outages can be reported: ${message}`);
        return false;
      }
      this.deps.log.warn(`outage log of ${deviceId} not read: ${message}`);
      return /not being read yet|already in progress/.test(message);
    }
  }

  private zone(): string {
    return this.deps.zone?.() ?? systemTimeZone();
  }

  private cursorOf(deviceId: string): OutageCursor {
    let c = this.cursors.get(deviceId);
    if (!c) {
      c = { source: null, lastSeq: null, last: null, watchingSince: this.now() };
      this.cursors.set(deviceId, c);
      void this.store.save(this.cursors);
    }
    return c;
  }

  private async runOnce(deviceId: string): Promise<void> {
    const meter = this.deps.meters.get(deviceId);
    if (!meter || meter.online === false) return; // read when it is back (meterAvailability)
    const ha = this.deps.ha;
    // Inside Home Assistant, announcements wait for it (the log keeps the outages meanwhile); outside, sensors only.
    const announce = ha !== null && ha.status().available ? ha : null;
    if (announce && !announce.status().connected) {
      this.deps.log.info(`outage log of ${deviceId} not read: Home Assistant is not connected`);
      return;
    }
    const zone = this.zone();
    let cursor = this.cursorOf(deviceId);
    const got = await readOutageLog(this.deps.reader, deviceId, cursor, zone, { spacingMs: this.deps.spacingMs ?? 1000 });
    if (got.et81Problem !== undefined) this.deps.log.info(`${deviceId}: no outage log (ET81): ${got.et81Problem}; reading the event log (BT74)`);
    const step = newOutages(got.view, cursor);
    if (step.lost > 0) this.deps.log.warn(`${deviceId}: ${step.lost} record(s) of the meter's ${got.view.source} were overwritten before they were read`);
    if (step.skipped > 0) this.deps.log.warn(`${deviceId}: ${step.skipped} outage record(s) without a usable start and end were skipped`);
    if (step.inProgressSince !== null) this.deps.log.info(`${deviceId}: an outage is in progress since ${new Date(step.inProgressSince).toISOString()} (announced once it has ended)`);
    for (const o of step.fresh) {
      if (announce) {
        try {
          await announce.send({ type: 'fire_event', event_type: OUTAGE_EVENT, event_data: outageEventData(deviceId, meter.name, o, got.view.source) });
        } catch (err) {
          // Not announced: left for the next read (the cursor stays before it).
          this.deps.log.warn(`${deviceId}: the outage of ${spanText(o, zone)} not announced (${(err as Error).message}); tried again later`);
          return;
        }
        try {
          await announce.send({ type: 'call_service', domain: 'persistent_notification', service: 'create', service_data: outageNotification(deviceId, meter.name, o, zone) });
        } catch (err) {
          this.deps.log.warn(`${deviceId}: no notification for the outage of ${spanText(o, zone)}: ${(err as Error).message}`);
        }
      }
      this.deps.log.info(`${deviceId}: power outage ${spanText(o, zone)} (${durationText(o.durationS)}) from the meter's ${got.view.source}`);
      cursor = { ...cursor, source: got.view.source, lastSeq: o.seq, last: o };
      await this.save(deviceId, cursor);
    }
    await this.save(deviceId, step.cursor);
  }

  private async save(deviceId: string, cursor: OutageCursor): Promise<void> {
    const before = this.cursors.get(deviceId);
    this.cursors.set(deviceId, cursor);
    if (JSON.stringify(before?.last ?? null) !== JSON.stringify(cursor.last)) this.publishState(deviceId, cursor);
    await this.store.save(this.cursors);
  }

  private publishState(deviceId: string, cursor: OutageCursor): void {
    this.send(outageStateTopic(deviceId), outageStatePayload(cursor.last), deviceId, false);
  }

  /** Publishes the discovery when the meter's name is known or changed (meterChanged is frequent). */
  private refreshDiscovery(deviceId: string): void {
    const meter = this.deps.meters.get(deviceId);
    if (!meter || meter.baseTopic === null) return;
    this.cursorOf(deviceId); // watched from now on
    const payload = outageDiscoveryPayload(deviceId, meter.name);
    if (this.published.get(deviceId) === payload) return;
    const first = !this.published.has(deviceId);
    this.published.set(deviceId, payload);
    this.send(outageDiscoveryTopic(this.deps.discoveryPrefix ?? DEFAULT_DISCOVERY_PREFIX, deviceId), payload, deviceId, true);
    // The state is retained; sent again with the first discovery so a broker that lost it has it.
    if (first) this.publishState(deviceId, this.cursors.get(deviceId) ?? { source: null, lastSeq: null, last: null, watchingSince: 0 });
  }

  private remove(deviceId: string): void {
    this.published.delete(deviceId);
    if (this.cursors.delete(deviceId)) void this.store.save(this.cursors);
    this.send(outageDiscoveryTopic(this.deps.discoveryPrefix ?? DEFAULT_DISCOVERY_PREFIX, deviceId), '', deviceId, true);
    this.send(outageStateTopic(deviceId), '', deviceId, false);
  }

  private send(topic: string, payload: string, deviceId: string, discovery: boolean): void {
    this.deps.mqtt.publish(topic, payload, { qos: 1, retain: true }).catch((err: Error) => {
      if (discovery) this.published.delete(deviceId); // retried on the meter's next change
      this.deps.log.warn(`outages of ${deviceId}: ${topic} not published (${err.message})`);
    });
  }
}
