// The backfill as a Service (issue 13): after a module comes back (online again after being offline, or a reading
// after a long silence) and every hour, it asks Home Assistant's recorder for the hourly statistics of the meter's
// energy entities, plans the hours to fill (plan.ts), reads only those hours from the meter's load profile through
// the module (meters/raw-read.ts: one read at a time, spaced ≥ 1 s, guide pp. 51, 260) and imports them
// (ha/recorder.ts). One run at a time for all meters; at most `maxHours` hours a run, the rest on the next one.
// What it did per meter is persisted (backfill-store.ts) and shown in the panel's meter view.
import { MeterRegistry } from '../backend';
import { EventBus } from '../bus';
import { HaLink } from '../ha/connection';
import { importEnergyHours, statisticsDuringPeriod, StatisticRow } from '../ha/recorder';
import { NoEnergyChannelsError, Pacer, ReadSender, readLoadProfileHours } from '../meters/raw-read';
import { MeterRuns } from '../meters/meter-runs';
import { Logger, Service } from '../service';
import { BackfillState, BackfillStore } from './backfill-store';
import { readEnergyUnit } from './energy-unit';
import { currentEntityIds } from '../ha/entity-ids';
import { boundGaps, fillGap, findGaps, frozenHours, hoursNeeded, HOUR_MS } from './plan';

/** The panel's view of one meter's backfill (MeterView.backfill). */
export interface MeterBackfill {
  filledHours: number;
  lastRun: number | null;
  message: string;
}

export interface BackfillServiceDeps {
  bus: EventBus;
  log: Logger;
  ha: HaLink | null;
  meters: MeterRegistry;
  /** Sends cmd/read and awaits its result (the commander). */
  reader: ReadSender;
  dataDir: string;
  /** Clock of the statistics' hours (epoch ms; tests use the simulator's). */
  now?: () => number;
  /** Hours a run fills at most. Default 48. */
  maxHours?: number;
  /** How far back the statistics are checked, hours. Default 168 (a week). */
  lookbackHours?: number;
  /** Pause between two raw reads, ms. Default 1000. */
  spacingMs?: number;
  /** Real ms between scheduled runs. Default an hour. */
  everyMs?: number;
  /** Real ms after a module came back before its run (its first readings reach Home Assistant). Default 30 s. */
  settleMs?: number;
  /** A reading after this much silence (real ms) counts as a comeback. Default 5 min. */
  silentAfterMs?: number;
}

const ENERGY_KEYS = [['energy_import', 'Energy import'], ['energy_export', 'Energy export']] as const;

export class BackfillService implements Service {
  readonly name = 'backfill';
  private readonly state = new Map<string, BackfillState>();
  private readonly store: BackfillStore;
  private readonly now: () => number;
  private readonly runs: MeterRuns;

  constructor(private readonly deps: BackfillServiceDeps) {
    this.store = new BackfillStore(BackfillStore.fileIn(deps.dataDir), deps.log);
    this.now = deps.now ?? Date.now;
    this.runs = new MeterRuns({
      bus: deps.bus, meters: deps.meters, name: this.name, job: (id) => this.job(id),
      everyMs: deps.everyMs ?? HOUR_MS, settleMs: deps.settleMs, silentAfterMs: deps.silentAfterMs,
    });
  }

  describe(): string {
    return `backfill: missing hours of the energy statistics filled from the meters' load profiles, at most ${this.deps.maxHours ?? 48} h a run`;
  }

  async start(): Promise<void> {
    for (const [id, s] of this.store.load()) this.state.set(id, s);
    this.deps.bus.on(this.name, 'meterRemoved', (e) => {
      if (this.state.delete(e.deviceId)) void this.store.save(this.state);
    });
    this.runs.start();
  }

  async stop(): Promise<void> {
    this.deps.bus.removeListeners(this.name);
    await this.runs.stop();
    await this.store.flush();
  }

  /** The panel's view of one meter (never run: zero hours, no message yet). */
  view(deviceId: string): MeterBackfill {
    const s = this.state.get(deviceId);
    return s ? { filledHours: s.filledHours, lastRun: s.lastRun, message: s.message } : { filledHours: 0, lastRun: null, message: 'not run yet' };
  }

  /** Queues a run for one meter (one run at a time for all meters); resolves when it is done. */
  run(deviceId: string): Promise<void> {
    return this.runs.run(deviceId);
  }

  /** One run; true when the module could not read its meter yet (MeterRuns tries again once it settled). */
  private async job(deviceId: string): Promise<boolean> {
    try {
      await this.runOnce(deviceId);
      return false;
    } catch (err) {
      this.finish(deviceId, 0, `not filled: ${(err as Error).message}`);
      this.deps.log.warn(`backfill of ${deviceId}: ${(err as Error).message}`);
      return /not being read yet/.test((err as Error).message);
    }
  }

  private finish(deviceId: string, filled: number, message: string, notBefore?: number | null, verified?: number[]): void {
    const prev = this.state.get(deviceId);
    const next: BackfillState = {
      filledHours: (prev?.filledHours ?? 0) + filled,
      lastRun: this.now(),
      message,
      notBefore: notBefore !== undefined ? notBefore : prev?.notBefore ?? null,
    };
    const keep = verified ?? prev?.verified;
    if (keep && keep.length > 0) next.verified = keep;
    this.state.set(deviceId, next);
    void this.store.save(this.state);
  }

  private async runOnce(deviceId: string): Promise<void> {
    const meter = this.deps.meters.get(deviceId);
    if (!meter) return;
    const ha = this.deps.ha;
    if (!ha || !ha.status().connected) return this.finish(deviceId, 0, 'Home Assistant is not connected: nothing checked');
    const proposed = ENERGY_KEYS.filter(([key]) => meter.entityIds[key] !== undefined).map(([key, label]) => ({ key, label, entityId: meter.entityIds[key] as string }));
    if (proposed.length === 0) return this.finish(deviceId, 0, 'the meter\'s energy entities are not known yet');
    const entities = await this.currentIds(deviceId, ha, proposed);
    // Whole hours that have ended, except the last one (the recorder compiles it a few seconds after the hour).
    const to = Math.floor(this.now() / HOUR_MS) * HOUR_MS - HOUR_MS;
    const from = to - (this.deps.lookbackHours ?? 168) * HOUR_MS;
    const prev = this.state.get(deviceId);
    const rows = await statisticsDuringPeriod(ha, entities.map((e) => e.entityId), from, to, ['state', 'sum']);
    const maxHours = this.deps.maxHours ?? 48;
    const rowsOf = (id: string) => rows.get(id) ?? ([] as StatisticRow[]);
    // Hours Home Assistant recorded without movement in every energy statistic (a silent meter link), except those
    // the meter confirmed before (kept for the lookback window).
    const verified = (prev?.verified ?? []).filter((h) => h >= from);
    const frozen = frozenHours(entities.map((e) => rowsOf(e.entityId)), verified);
    const plans = entities.map((e) => {
      const found = findGaps(rowsOf(e.entityId), from, to, prev?.notBefore ?? undefined, frozen);
      return { ...e, ...boundGaps(found, maxHours) };
    });
    const needed = hoursNeeded(plans.flatMap((p) => p.gaps));
    if (needed.length === 0) return this.finish(deviceId, 0, prev && prev.filledHours > 0 ? `no hour missing (filled ${prev.filledHours} h from the meter's memory so far)` : 'no hour missing');
    // Read each run of consecutive hours once; every raw read of the run (the energy unit's too) 1 s apart.
    const figures = new Map<string, Map<number, number | null>>(entities.map((e) => [e.key, new Map()]));
    let oldest: number | null = null;
    const pacer = new Pacer(this.deps.spacingMs ?? 1000);
    const t0 = Date.now();
    // On a CT meter the profile counts in 10 or 100 Wh (ET55); read each run, as a reconfiguration may change it.
    const unitWh = await readEnergyUnit(this.deps.reader, deviceId, pacer);
    for (const [first, last] of runs(needed)) {
      let got;
      try {
        got = await readLoadProfileHours(this.deps.reader, deviceId, first, last + HOUR_MS, { pacer, unitWh });
      } catch (err) {
        if (err instanceof NoEnergyChannelsError) return this.finish(deviceId, 0, `the meter's load profile holds no energy channels: nothing filled (${err.message})`);
        throw err;
      }
      if (got.oldestMs !== null) oldest = got.oldestMs;
      for (const h of got.hours) {
        const ok = h.complete;
        figures.get('energy_import')?.set(h.startMs, ok && h.importWh !== null ? h.importWh / 1000 : null);
        figures.get('energy_export')?.set(h.startMs, ok && h.exportWh !== null ? h.exportWh / 1000 : null);
      }
    }
    const filled = new Set<number>();
    // A frozen hour is confirmed when every statistic's row for it was right (or left for good after a mismatch).
    const confirmedBy = new Map<number, number>();
    const mismatched = new Set<number>();
    for (const p of plans) {
      const fills = p.gaps.map((g) => fillGap(g, figures.get(p.key)!));
      const fill = fills.flatMap((f) => f.rows);
      for (const f of fills) {
        for (const h of f.confirmed) confirmedBy.set(h, (confirmedBy.get(h) ?? 0) + 1);
        if (f.mismatch) for (const h of f.confirmed) mismatched.add(h);
      }
      if (fill.length === 0) continue;
      await importEnergyHours(ha, { entityId: p.entityId, name: `${meter.name} ${p.label}`, unit: 'kWh' }, fill);
      const raised = new Set(fills.flatMap((f) => f.raised));
      for (const r of fill) if (!raised.has(r.start)) filled.add(r.start);
    }
    const nowVerified = [...verified, ...[...confirmedBy].filter(([, n]) => n === plans.length).map(([h]) => h)];
    const left = Math.max(0, ...plans.map((p) => p.left));
    // Hours older than the meter's memory are given up (never asked again).
    const missing = new Set(plans.flatMap((p) => p.gaps.flatMap((g) => g.hours)).filter((h) => !confirmedBy.has(h)));
    const lost = oldest !== null ? [...missing].sort((a, b) => a - b).filter((h) => h + HOUR_MS <= oldest! && !filled.has(h)) : [];
    const notBefore = lost.length > 0 ? Math.max(prev?.notBefore ?? -Infinity, lost[lost.length - 1]! + HOUR_MS) : undefined;
    const unfilled = [...missing].filter((h) => !filled.has(h)).length;
    let message = filled.size > 0 ? `filled ${filled.size} h from the meter's memory` : 'nothing filled';
    if (lost.length > 0) message += `; ${lost.length} h are older than the meter's memory`;
    else if (unfilled > 0) message += `; ${unfilled} h not in the meter's memory yet`;
    if (left > 0) message += `; ${left} h more on the next run`;
    if (mismatched.size > 0) message += `; ${mismatched.size} h Home Assistant shows without consumption disagree with the meter: left as they are`;
    const unitNote = unitWh !== 1 ? `, energy unit ${unitWh} Wh` : '';
    this.deps.log.info(`backfill of ${deviceId}: ${message} (${pacer.reads} raw reads${unitNote}, ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    this.finish(deviceId, filled.size, message, notBefore, nowVerified);
  }

  /** The entities' ids as Home Assistant's entity registry has them now (a user may have renamed them: their
   *  statistics moved with them); discovery's ids where the registry does not answer or lacks the entity. */
  private async currentIds<E extends { key: string; entityId: string }>(deviceId: string, ha: HaLink, entities: E[]): Promise<E[]> {
    const now = await currentEntityIds(ha, deviceId, Object.fromEntries(entities.map((e) => [e.key, e.entityId])), (m) =>
      this.deps.log.debug(`backfill of ${deviceId}: the entity registry did not answer (${m}): discovery's entity ids used`));
    return entities.map((e) => {
      const id = now[e.key] ?? e.entityId;
      if (id === e.entityId) return e;
      this.deps.log.info(`backfill of ${deviceId}: ${e.entityId} is ${id} in Home Assistant (renamed): its statistics are filled there`);
      return { ...e, entityId: id };
    });
  }
}

/** Consecutive runs [first, last] of sorted hour starts. */
function runs(hours: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const h of hours) {
    const r = out[out.length - 1];
    if (r && h === r[1] + HOUR_MS) r[1] = h;
    else out.push([h, h]);
  }
  return out;
}
