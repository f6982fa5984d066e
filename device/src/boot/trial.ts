// The app's side of a trial boot (boot-record.ts): confirm the running firmware once it has been healthy for the
// record's hold time, or hand over the failure the loader recorded when it rolled back. Either outcome is given to
// the update service, which reports it on MQTT (UpdateState.release_summary and the command's CommandResult).
import { Clock, Storage } from '../hal/types';
import { BOOT_RECORD, BOOTED, BootRecord, CONFIRMED } from './boot-record';
import { readRecord, writeRecord } from './record';

/** How long a trial firmware must stay healthy before it is kept, when the record does not say (ms). */
export const DEFAULT_HOLD_MS = 60000;
const CHECK_EVERY_MS = 1000;

export interface TrialOutcome {
  ok: boolean;
  /** The version now running. */
  version: string;
  /** The MQTT update command that started it, if any. */
  id: string | null;
  summary: string;
}

export interface TrialDeps {
  storage: Storage;
  clock: Clock;
  /** MQTT connected or the access point serving, and the meter session running (issue 4). */
  healthy(): boolean;
  outcome(o: TrialOutcome): void;
  log(line: string): void;
}

export class TrialGuard {
  private readonly deps: TrialDeps;
  private timer: unknown = null;
  private healthySince = -1;

  constructor(deps: TrialDeps) {
    this.deps = deps;
  }

  private read(): BootRecord | null {
    const found = readRecord<BootRecord>((n) => this.deps.storage.readText(n), BOOT_RECORD);
    return found ? found.record : null;
  }

  private write(r: BootRecord): void {
    writeRecord((n) => this.deps.storage.readText(n), (n, t) => this.deps.storage.write(n, t), BOOT_RECORD, r);
  }

  /** True while the running firmware is on trial. */
  onTrial(): boolean {
    const r = this.read();
    return !!r && r.t !== CONFIRMED;
  }

  start(): void {
    const r = this.read();
    if (!r) return;
    if (r.f) {
      const failed: TrialOutcome = { ok: false, version: r.v, id: r.id || null, summary: r.f };
      delete r.f;
      delete r.id;
      this.write(r);
      this.deps.log(`update failed: ${failed.summary}`);
      this.deps.outcome(failed);
      return;
    }
    if (r.t !== BOOTED) return;
    const hold = r.h || DEFAULT_HOLD_MS;
    this.deps.log(`firmware ${r.v} on trial: kept after ${hold} ms healthy`);
    this.timer = this.deps.clock.setInterval(() => this.check(hold), CHECK_EVERY_MS);
  }

  /** True while it watches a trial (start() found the running firmware on trial). */
  running(): boolean {
    return this.timer !== null;
  }

  stop(): void {
    if (this.timer !== null) this.deps.clock.clearInterval(this.timer);
    this.timer = null;
  }

  private check(hold: number): void {
    const now = this.deps.clock.now();
    if (!this.deps.healthy()) {
      this.healthySince = -1;
      return;
    }
    if (this.healthySince < 0) this.healthySince = now;
    if (now - this.healthySince < hold) return;
    this.stop();
    const r = this.read();
    if (!r || r.t !== BOOTED) return;
    const id = r.id || null;
    r.t = CONFIRMED;
    delete r.id;
    this.write(r);
    this.deps.log(`firmware ${r.v} confirmed`);
    this.deps.outcome({ ok: true, version: r.v, id, summary: `installed ${r.v}` });
  }
}
