// Memory per scenario on the real interpreter: each scenario runs inside measure(), which records the lowest free
// count and the error flags seen while it ran (harness.ts tracks them over reboots). The memory gate (issue 9) is
// checked by gateFailures() against memory-budget.ts, so every scenario file ends with the same gate test.
import { Device } from './harness';
import { ESP32_POOL, FORBIDDEN_FLAGS, MIN_FREE, STEADY_MAX_USAGE } from './memory-budget';

export interface ScenarioMemory {
  scenario: string;
  pool: number;
  minFree: number;
  flags: string[];
  /** Variables in use at the end (after a GC), without the stub; null when the device did not answer. */
  usage: number | null;
}

export class MemoryLog {
  readonly records: ScenarioMemory[] = [];
  /** Steady state (meter online, MQTT connected, discovery sent): usage after a GC. */
  steady: number | null = null;

  /** minFree: the fewest variables that must stay free in every scenario, counted as on a WROOM (ESP32_POOL): a run
   *  on a bigger pool has its surplus taken off. */
  constructor(private readonly minFree: number = MIN_FREE) {}

  /** Runs `body` as one scenario of `device` and records its memory (also when it fails). */
  async measure<T>(device: Device, scenario: string, body: () => Promise<T>): Promise<T> {
    await device.resetWorst().catch(() => undefined);
    try {
      return await body();
    } finally {
      const now = await device.memory().catch(() => null);
      const worst = device.worst();
      this.records.push({ scenario, pool: now ? now.total : NaN, minFree: worst.minFree, flags: worst.flags, usage: now ? now.usage : null });
    }
  }

  summary(): string {
    const lines = this.records.map((r) => `  ${r.scenario}: min free ${isNaN(r.minFree) ? 'unknown (the sampler was stopped: an out-of-memory interrupts and removes timers)' : r.minFree}, in use after ${r.usage ?? '?'}, flags ${r.flags.join(',') || 'none'} (pool ${r.pool})`);
    return [`steady state in use: ${this.steady ?? 'not reached'}`, ...lines].join('\n');
  }

  /** What breaks the ESP32 budget (memory-budget.ts), one line each; empty when all is within it. */
  gateFailures(): string[] {
    const out: string[] = [];
    if (this.steady !== null && this.steady > STEADY_MAX_USAGE) out.push(`steady state uses ${this.steady} variables (at most ${STEADY_MAX_USAGE})`);
    for (const r of this.records) {
      const onWroom = r.minFree - (r.pool > ESP32_POOL ? r.pool - ESP32_POOL : 0);
      if (!(onWroom >= this.minFree)) out.push(`${r.scenario}: ${onWroom} free at the lowest on a ${ESP32_POOL} pool (at least ${this.minFree})`);
      const bad = r.flags.filter((f) => FORBIDDEN_FLAGS.includes(f));
      if (bad.length) out.push(`${r.scenario}: error flags ${bad.join(',')}`);
    }
    return out;
  }
}
