// When a per-meter job of the add-on runs (the backfill, the outage watch; issue 13): after a module came back (online
// again, or a reading after a silence), once its first readings had time to arrive; on a schedule for every online
// meter; one run at a time for all meters (their raw reads share the modules' read budget). A run that found the
// module not reading its meter yet is tried again, a few times, once it had time to settle.
import { MeterRegistry } from '../backend';
import { EventBus } from '../bus';

export interface MeterRunsOptions {
  bus: EventBus;
  meters: Pick<MeterRegistry, 'list'>;
  /** The bus listener name (the service's). */
  name: string;
  /** One run for one meter; resolves true when it should be tried again later (the module was not ready). */
  job(deviceId: string): Promise<boolean>;
  /** Real ms between scheduled runs. Default an hour. */
  everyMs?: number;
  /** Real ms after a module came back before its run. Default 30 s. */
  settleMs?: number;
  /** A reading after this much silence (real ms) counts as a comeback. Default 5 min. */
  silentAfterMs?: number;
  /** The first reading seen since the add-on started counts as a comeback too. Default false. */
  firstReadingRuns?: boolean;
}

/** Tries of a run that found the module not ready, before the next comeback or schedule. */
const MAX_RETRIES = 5;

export class MeterRuns {
  private chain: Promise<void> = Promise.resolve();
  private readonly queued = new Set<string>();
  private readonly lastState = new Map<string, number>();
  private readonly retries = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly o: MeterRunsOptions) {}

  start(): void {
    this.stopped = false;
    const { bus, name } = this.o;
    const settle = this.o.settleMs ?? 30_000;
    bus.on(name, 'meterAvailability', (e) => {
      if (e.online) this.later(e.deviceId, settle);
    });
    bus.on(name, 'meterState', (e) => {
      const t = Date.now();
      const before = this.lastState.get(e.deviceId);
      this.lastState.set(e.deviceId, t);
      const comeback = before === undefined ? this.o.firstReadingRuns === true : t - before > (this.o.silentAfterMs ?? 300_000);
      if (comeback) this.later(e.deviceId, settle);
    });
    const every = setInterval(() => {
      for (const m of this.o.meters.list()) if (m.online) void this.run(m.deviceId);
    }, this.o.everyMs ?? 3_600_000);
    every.unref();
    this.timers.add(every);
  }

  /** Stops the schedule and waits for the run under way. The caller removes its bus listeners (same name). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.chain;
  }

  /** Queues a run for one meter (one at a time for all meters); resolves when it is done. */
  run(deviceId: string): Promise<void> {
    if (this.queued.has(deviceId)) return this.chain;
    this.queued.add(deviceId);
    this.chain = this.chain.then(async () => {
      this.queued.delete(deviceId);
      if (this.stopped) return;
      // A job reports its own failures; one that throws all the same must not stop the runs of the other meters.
      const again = await this.o.job(deviceId).catch(() => false);
      const tries = this.retries.get(deviceId) ?? 0;
      if (again && tries < MAX_RETRIES) {
        this.retries.set(deviceId, tries + 1);
        this.later(deviceId, this.o.settleMs ?? 30_000);
      } else this.retries.delete(deviceId);
    });
    return this.chain;
  }

  private later(deviceId: string, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.run(deviceId);
    }, ms);
    this.timers.add(t);
  }
}
