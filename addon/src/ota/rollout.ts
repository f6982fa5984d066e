// Rollouts (issue 5): send one package to one device or to every known device ("update all"), a few at a time, and
// follow each device through rollout-progress.ts until done, failed, timed out or cancelled. For each target:
// a one-time download token (server.ts), then UpdateCommand on <base>/cmd/update (qos 1, never retained: it holds
// the token, contract.ts PUBLISH). The token is revoked as soon as that device's part ends.
import { randomBytes } from 'crypto';
import { PUBLISH, UpdateCommand } from '../../../discovery/contract';
import { buildTopics } from '../../../discovery/topics';
import { CatalogEntry, FirmwareCatalog, MeterRegistry, Rollouts, RolloutView } from '../backend';
import { EventBus } from '../bus';
import { commandPayload } from '../pairing/command-payload';
import { SecretStore } from '../pairing/secret-store';
import { Logger, MqttPublisher, Service } from '../service';
import { advance, DEFAULT_TIMEOUTS, DeviceProgress, DeviceSignal, initialProgress, isActive, isFinal, RolloutTimeouts, Target } from './rollout-progress';
import { PackageDownloads } from './server';

export interface RolloutDeps {
  bus: EventBus;
  log: Logger;
  mqtt: MqttPublisher;
  meters: MeterRegistry;
  catalog: Pick<FirmwareCatalog, 'get'>;
  downloads: PackageDownloads;
  /** Pairing secrets: the update command to a paired module is signed (its URL, size and SHA-256 become trusted). */
  secrets?: SecretStore;
  /** Devices updating at the same time, over all rollouts (default 3). */
  concurrency?: number;
  timeouts?: Partial<RolloutTimeouts>;
  /** How often timeouts are checked (default 1 s). */
  tickMs?: number;
  /** Finished rollouts kept for list() (default 20). */
  keepFinished?: number;
  now?: () => number;
}

interface Run {
  view: Omit<RolloutView, 'devices' | 'finished'>;
  entry: CatalogEntry;
  target: Target;
  devices: DeviceProgress[];
  /** Download tokens by device id, while the device holds one. */
  tokens: Map<string, string>;
}

/** The Rollouts the panel uses; `listen()`/`close()` are its lifecycle (rolloutService() wraps them as a Service,
 *  whose start() would clash with Rollouts.start()). */
export class RolloutManager implements Rollouts {
  readonly name = 'ota-rollouts';
  private readonly runs: Run[] = [];
  private readonly timeouts: RolloutTimeouts;
  private readonly concurrency: number;
  private readonly now: () => number;
  private readonly launching = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: RolloutDeps) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...deps.timeouts };
    this.concurrency = Math.max(1, deps.concurrency ?? 3);
    this.now = deps.now ?? Date.now;
  }

  describe(): string {
    return `firmware rollouts: ${this.concurrency} device(s) at a time, stall timeout ${this.timeouts.stallMs / 1000} s, reboot timeout ${this.timeouts.rebootMs / 1000} s`;
  }

  /** Follows devices through the bus and checks timeouts. */
  listen(): void {
    const { bus } = this.deps;
    bus.on(this.name, 'meterUpdateState', (e) => this.signal(e.deviceId, { type: 'update-state', update: e.update, at: this.now() }));
    bus.on(this.name, 'commandResult', (e) => this.signal(e.deviceId, { type: 'result', result: e.result, at: this.now() }));
    bus.on(this.name, 'meterAvailability', (e) => this.signal(e.deviceId, { type: 'availability', online: e.online, at: this.now() }));
    this.timer = setInterval(() => this.tick(), this.deps.tickMs ?? 1000);
  }

  /** Stops following devices and revokes every outstanding download token. */
  close(): void {
    this.deps.bus.removeListeners(this.name);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const run of this.runs) for (const token of run.tokens.values()) this.deps.downloads.revoke(token);
  }

  start(entryId: string, deviceIds: string[]): RolloutView {
    return this.begin(entryId, deviceIds);
  }

  list(): RolloutView[] {
    return this.runs.map((r) => this.viewOf(r));
  }

  get(id: string): RolloutView | null {
    const run = this.runs.find((r) => r.view.id === id);
    return run ? this.viewOf(run) : null;
  }

  cancel(id: string): boolean {
    const run = this.runs.find((r) => r.view.id === id);
    if (!run || run.devices.every((d) => isFinal(d.status))) return false;
    for (const d of run.devices) this.apply(run, d.deviceId, { type: 'cancel', at: this.now() });
    this.deps.log.info(`rollout ${id}: cancelled`);
    this.changed(run);
    this.pump();
    return true;
  }

  private begin(entryId: string, deviceIds: string[]): RolloutView {
    const entry = this.deps.catalog.get(entryId);
    if (!entry) throw new Error(`no package ${entryId} in the catalog`);
    const updateAll = deviceIds.length === 0;
    const ids = updateAll ? this.deps.meters.list().map((m) => m.deviceId) : [...new Set(deviceIds)];
    const at = this.now();
    const run: Run = {
      view: { id: randomBytes(6).toString('hex'), entryId, kind: entry.kind, version: entry.version, startedAt: at },
      entry,
      target: { kind: entry.kind, version: entry.version },
      devices: ids.map((id) => initialProgress(id, at)),
      tokens: new Map(),
    };
    this.runs.push(run);
    for (const d of run.devices) {
      const refusal = this.refusal(d.deviceId, run, updateAll);
      if (refusal === 'up-to-date') Object.assign(d, { status: 'done', percent: 100 });
      else if (refusal) Object.assign(d, { status: 'failed', error: refusal });
    }
    this.deps.log.info(`rollout ${run.view.id}: ${entry.kind} ${entry.version} to ${ids.length} device(s)`);
    this.trim();
    this.changed(run);
    this.pump();
    return this.viewOf(run);
  }

  /** Why a device cannot take part (a message), 'up-to-date' when "update all" finds it on the version, or null. */
  private refusal(deviceId: string, run: Run, updateAll: boolean): string | null {
    const meter = this.deps.meters.get(deviceId);
    if (!meter) return 'unknown device';
    if (!meter.baseTopic) return 'the device has not announced itself yet (no discovery seen)';
    if (meter.online === false) return 'the device is offline';
    const busy = this.runs.some((r) => r !== run && r.devices.some((d) => d.deviceId === deviceId && !isFinal(d.status)));
    if (busy) return 'another update is already running on this device';
    if (updateAll && run.entry.kind === 'bin' && meter.firmware === run.entry.version) return 'up-to-date';
    return null;
  }

  private viewOf(run: Run): RolloutView {
    return {
      ...run.view,
      finished: run.devices.every((d) => isFinal(d.status)),
      devices: run.devices.map((d) => {
        const v: RolloutView['devices'][number] = { deviceId: d.deviceId, status: d.status, percent: d.percent };
        if (d.error !== undefined) v.error = d.error;
        return v;
      }),
    };
  }

  private changed(run: Run): void {
    this.deps.bus.emit('rolloutChanged', { rolloutId: run.view.id });
  }

  /** Applies a signal to one device of one run; logs, revokes the token and frees the slot when it ends. */
  private apply(run: Run, deviceId: string, signal: DeviceSignal): boolean {
    const i = run.devices.findIndex((d) => d.deviceId === deviceId);
    const before = run.devices[i];
    if (!before) return false;
    const after = advance(before, signal, run.target, this.timeouts);
    if (after === before) return false;
    run.devices[i] = after;
    if (isFinal(after.status)) {
      const token = run.tokens.get(deviceId);
      if (token) this.deps.downloads.revoke(token);
      run.tokens.delete(deviceId);
      const how = after.error ? `${after.status}: ${after.error}` : after.status;
      const line = `rollout ${run.view.id}: ${deviceId} ${run.target.kind} ${run.target.version} ${how}`;
      if (after.status === 'done' || after.status === 'cancelled') this.deps.log.info(line);
      else this.deps.log.warn(line);
    }
    return true;
  }

  private signal(deviceId: string, signal: DeviceSignal): void {
    for (const run of this.runs) {
      if (this.apply(run, deviceId, signal)) this.changed(run);
    }
    this.pump();
  }

  private tick(): void {
    const at = this.now();
    for (const run of this.runs) {
      let moved = false;
      for (const d of run.devices.slice()) moved = this.apply(run, d.deviceId, { type: 'tick', at }) || moved;
      if (moved) this.changed(run);
    }
    this.pump();
  }

  /** Starts pending devices while fewer than `concurrency` are active, oldest rollout first. */
  private pump(): void {
    let active = this.launching.size;
    for (const run of this.runs) active += run.devices.filter((d) => isActive(d.status)).length;
    for (const run of this.runs) {
      for (const d of run.devices) {
        if (active >= this.concurrency) return;
        const key = `${run.view.id}/${d.deviceId}`;
        if (d.status !== 'pending' || this.launching.has(key)) continue;
        this.launching.add(key);
        active++;
        void this.launch(run, d.deviceId).finally(() => {
          this.launching.delete(key);
          this.pump();
        });
      }
    }
  }

  private async launch(run: Run, deviceId: string): Promise<void> {
    const meter = this.deps.meters.get(deviceId);
    const stillPending = () => run.devices.find((d) => d.deviceId === deviceId)?.status === 'pending';
    try {
      if (!meter || !meter.baseTopic) throw new Error('the device has not announced itself yet (no discovery seen)');
      const { url, token } = await this.deps.downloads.grant(deviceId, run.entry.id);
      if (!stillPending()) return this.deps.downloads.revoke(token); // cancelled meanwhile
      run.tokens.set(deviceId, token);
      const cmd: UpdateCommand = { id: randomBytes(8).toString('hex'), kind: run.entry.kind, url, size: run.entry.size, sha256: run.entry.sha256, version: run.entry.version, token };
      const topic = buildTopics(deviceId, meter.baseTopic).cmdUpdate;
      this.apply(run, deviceId, { type: 'sent', commandId: cmd.id, at: this.now() });
      await this.deps.mqtt.publish(topic, commandPayload(this.deps.secrets, deviceId, topic, 'update', cmd), PUBLISH.cmdUpdate as { qos: 0 | 1; retain: boolean });
      this.deps.log.info(`rollout ${run.view.id}: update command sent to ${deviceId} (${run.entry.kind} ${run.entry.version}, ${run.entry.size} bytes)`);
    } catch (err) {
      this.apply(run, deviceId, { type: 'refuse', error: `the update command could not be sent: ${(err as Error).message}`, at: this.now() });
    }
    this.changed(run);
  }

  /** Keeps every unfinished rollout and the newest finished ones. */
  private trim(): void {
    const keep = this.deps.keepFinished ?? 20;
    let finished = 0;
    for (let i = this.runs.length - 1; i >= 0; i--) {
      const run = this.runs[i] as Run;
      if (!run.devices.every((d) => isFinal(d.status))) continue;
      if (++finished > keep) this.runs.splice(i, 1);
    }
  }
}

/** The manager as an add-on Service for main.ts. */
export function rolloutService(manager: RolloutManager): Service {
  return {
    name: manager.name,
    start: async () => manager.listen(),
    stop: async () => manager.close(),
    describe: () => manager.describe(),
  };
}
