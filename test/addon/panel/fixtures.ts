// Small in-memory stand-ins for the panel's backend interfaces (addon/src/backend.ts), for panel tests only: the
// real services are wired in main.ts. The catalog verifies packages with the same code as `mep inspect`.
import { createHash } from 'crypto';
import { mkdirSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  CatalogEntry, DeviceCommander, EnergyResult, FirmwareCatalog, HaStatus, HomeAssistant, MeterRegistry, MeterView,
  PackageRejected, RolloutDeviceStatus, Rollouts, RolloutView,
} from '../../../addon/src/backend';
import { EventBus } from '../../../addon/src/bus';
import { Logger } from '../../../addon/src/service';
import { CommandResult, ConfigCommand, PackageKind, StatePayload } from '../../../discovery/contract';
import { inspectPackage } from '../../../ota/inspect';

export function meterView(deviceId: string, extra: Partial<MeterView> = {}): MeterView {
  return {
    deviceId, name: `Meter ${deviceId}`, online: true, lastSeen: Date.now(), state: null, stateAt: null,
    diagnostics: { link_state: 'online', firmware: '1.0.0' }, firmware: '1.0.0', phases: 3,
    baseTopic: `mep/${deviceId}`, entityIds: {}, update: null, latestVersion: null, problems: [], ...extra,
  };
}

export class InMemoryRegistry implements MeterRegistry {
  private readonly meters = new Map<string, MeterView>();
  constructor(private readonly bus: EventBus) {}

  list(): MeterView[] {
    return [...this.meters.values()];
  }
  get(deviceId: string): MeterView | null {
    return this.meters.get(deviceId) ?? null;
  }
  put(view: MeterView): void {
    this.meters.set(view.deviceId, view);
    this.bus.emit('meterChanged', { deviceId: view.deviceId });
  }
  patch(deviceId: string, extra: Partial<MeterView>): void {
    const view = this.meters.get(deviceId);
    if (!view) throw new Error(`fixture: no meter ${deviceId}`);
    this.put({ ...view, ...extra });
  }
  reading(deviceId: string, state: StatePayload): void {
    this.patch(deviceId, { state, stateAt: Date.now(), lastSeen: Date.now() });
  }
}

export interface CommandCall {
  deviceId: string;
  kind: 'configure' | 'restart' | 'poll';
  cmd?: Omit<ConfigCommand, 'id'>;
}

/** Records every command and answers ok (or `answer`). */
export class RecordingCommander implements DeviceCommander {
  readonly calls: CommandCall[] = [];
  answer: (call: CommandCall) => CommandResult = (call) => ({ id: 'x', command: call.kind === 'configure' ? 'config' : call.kind, ok: true });

  async configure(deviceId: string, cmd: Omit<ConfigCommand, 'id'>): Promise<CommandResult> {
    const call: CommandCall = { deviceId, kind: 'configure', cmd };
    this.calls.push(call);
    return this.answer(call);
  }
  async restart(deviceId: string): Promise<CommandResult> {
    this.calls.push({ deviceId, kind: 'restart' });
    return this.answer({ deviceId, kind: 'restart' });
  }
  async poll(deviceId: string): Promise<CommandResult> {
    this.calls.push({ deviceId, kind: 'poll' });
    return this.answer({ deviceId, kind: 'poll' });
  }
}

async function readAll(body: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Verifies uploads with ota/inspect.ts (the `mep inspect` code) and keeps them in memory. */
export class InMemoryCatalog implements FirmwareCatalog {
  private readonly entries = new Map<string, CatalogEntry>();
  constructor(private readonly bus: EventBus) {}

  list(): CatalogEntry[] {
    return [...this.entries.values()];
  }
  get(id: string): CatalogEntry | null {
    return this.entries.get(id) ?? null;
  }
  latest(kind: PackageKind): CatalogEntry | null {
    return this.list().filter((e) => e.kind === kind).sort((a, b) => b.addedAt - a.addedAt)[0] ?? null;
  }
  async add(fileName: string, body: NodeJS.ReadableStream): Promise<CatalogEntry> {
    const bytes = await readAll(body);
    const report = inspectPackage(new Uint8Array(bytes));
    if (report.kind !== 'bin' && report.kind !== 'wwws') throw new PackageRejected('not a .bin or .wwws v2 update package');
    if (!report.ok || !report.verified) throw new PackageRejected(report.error?.message ?? 'the package failed verification');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const entry: CatalogEntry = {
      id: sha256, kind: report.kind, sha256, size: bytes.length, fileName, source: 'uploaded', addedAt: Date.now(),
      version: report.header?.firmwareVersion ?? `web ${sha256.slice(0, 8)}`,
    };
    this.entries.set(entry.id, entry);
    this.bus.emit('catalogChanged', {});
    return entry;
  }
  async remove(id: string): Promise<boolean> {
    const gone = this.entries.delete(id);
    if (gone) this.bus.emit('catalogChanged', {});
    return gone;
  }
}

/** Rollouts whose progress the test drives with advance(). */
export class ScriptedRollouts implements Rollouts {
  private readonly views = new Map<string, RolloutView>();
  private next = 1;
  constructor(private readonly bus: EventBus, private readonly catalog: FirmwareCatalog, private readonly registry: MeterRegistry) {}

  start(entryId: string, deviceIds: string[]): RolloutView {
    const entry = this.catalog.get(entryId);
    if (!entry) throw new Error('unknown entry');
    const ids = deviceIds.length ? deviceIds : this.registry.list().map((m) => m.deviceId);
    const view: RolloutView = {
      id: `r${this.next++}`, entryId, kind: entry.kind, version: entry.version, startedAt: Date.now(), finished: false,
      devices: ids.map((deviceId) => ({ deviceId, status: 'pending' as RolloutDeviceStatus, percent: null })),
    };
    this.views.set(view.id, view);
    this.bus.emit('rolloutChanged', { rolloutId: view.id });
    return view;
  }
  list(): RolloutView[] {
    return [...this.views.values()];
  }
  get(id: string): RolloutView | null {
    return this.views.get(id) ?? null;
  }
  cancel(id: string): boolean {
    const view = this.views.get(id);
    if (!view || view.finished) return false;
    view.finished = true;
    view.devices = view.devices.map((d) => ({ ...d, status: 'cancelled' }));
    this.bus.emit('rolloutChanged', { rolloutId: id });
    return true;
  }
  advance(id: string, deviceId: string, status: RolloutDeviceStatus, percent: number | null, error?: string): void {
    const view = this.views.get(id);
    if (!view) throw new Error(`fixture: no rollout ${id}`);
    view.devices = view.devices.map((d) => (d.deviceId === deviceId ? { ...d, status, percent, ...(error !== undefined ? { error } : {}) } : d));
    view.finished = view.devices.every((d) => d.status === 'done' || d.status === 'failed' || d.status === 'timed-out' || d.status === 'cancelled');
    this.bus.emit('rolloutChanged', { rolloutId: id });
  }
  /** The device's part failed (as rollout-progress.ts: no percentage). */
  fail(id: string, deviceId: string, error: string): void {
    this.advance(id, deviceId, 'failed', null, error);
  }
}

export class FakeHomeAssistant implements HomeAssistant {
  readonly energyCalls: string[] = [];
  constructor(public current: HaStatus = { available: true, connected: true, version: '2026.8.0' }) {}
  status(): HaStatus {
    return this.current;
  }
  async addToEnergy(deviceId: string): Promise<EnergyResult> {
    this.energyCalls.push(deviceId);
    return { ok: true, message: 'added to the Energy dashboard', added: [`sensor.${deviceId}_energy_import`] };
  }
}

/** A logger that keeps every line, so tests can check what was (not) logged. */
export function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const add = (level: string) => (m: string) => void lines.push(`${level} ${m}`);
  return { lines, debug: add('debug'), info: add('info'), warn: add('warn'), error: add('error') };
}

export interface PanelFixture {
  bus: EventBus;
  registry: InMemoryRegistry;
  commander: RecordingCommander;
  catalog: InMemoryCatalog;
  rollouts: ScriptedRollouts;
  ha: FakeHomeAssistant;
  log: Logger & { lines: string[] };
  busErrors: string[];
}

export function panelFixture(): PanelFixture {
  const busErrors: string[] = [];
  const bus = new EventBus((m) => busErrors.push(m));
  const registry = new InMemoryRegistry(bus);
  const catalog = new InMemoryCatalog(bus);
  return {
    bus, registry, catalog, busErrors,
    commander: new RecordingCommander(),
    rollouts: new ScriptedRollouts(bus, catalog, registry),
    ha: new FakeHomeAssistant(),
    log: capturingLogger(),
  };
}

/** A minimal assets folder (no front-end build) for API tests. */
export function stubAssetsDir(): string {
  const dir = join(tmpdir(), `mep-panel-stub-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><base href="./"><script type="module" src="panel.js"></script></head><body></body></html>');
  writeFileSync(join(dir, 'panel.js'), '// stub\n');
  return dir;
}
