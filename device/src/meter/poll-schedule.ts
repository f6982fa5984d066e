// When the session reads the meter's registers, within the guide's budget. A poll reads the present values (BT28)
// every period P (the poll interval, 1–30 s); the last poll before the energy (BT23) is 30 s old reads it too (P = 2 s:
// every 15th poll; 7 s: every 4th, 28 s; 30 s: every poll). Routine reads (polls, the clock) never exceed one per second on average: "no more than
// once per second on average" (guide pp. 51, 260), kept by a credit of reads (a token bucket: at most BURST_READS in
// a row, then one per READ_COST_MS). P is capped at 30 s because a meter with "Monitor MEP Health" marks a client
// down and raises an alarm after 60 s without a successful request (ET51 byte 1, guide pp. 20, 128).
// Pure: the session's clock (ms) in, times and flags out. Default P = 2 s: BT28 every 2 s and BT23 every 30 s, about
// 0.53 reads/s.

export const POLL_MIN_MS = 1000;
export const POLL_MAX_MS = 30000;
/** Energy (BT23) is read at least this often. */
export const ENERGY_MAX_MS = 30000;
/** One read per second on average (guide pp. 51, 260). */
export const READ_COST_MS = 1000;
/** Reads that may follow each other without waiting for credit (a poll with energy is two). */
export const BURST_READS = 2;

/** take()'s answer: bit 0 present values (BT28), bit 1 energy (BT23). */
export const POLL_PRESENT = 1;
export const POLL_ENERGY = 2;

export class PollSchedule {
  /** Period of the present-values read, ms (the poll interval clamped to 1–30 s). */
  readonly periodMs: number;
  /** When the next poll falls due. */
  nextAt = 0;
  /** The energy read is due by then. */
  private energyAt = 0;
  /** Read credit in ms (READ_COST_MS per read) as of `creditAt`. */
  private credit = BURST_READS * READ_COST_MS;
  private creditAt = 0;

  constructor(pollIntervalMs: number) {
    const p = pollIntervalMs > 0 ? pollIntervalMs : 2000;
    this.periodMs = p < POLL_MIN_MS ? POLL_MIN_MS : p > POLL_MAX_MS ? POLL_MAX_MS : p;
  }

  /** The meter was identified, or a user's "poll now": a poll with energy is due now. */
  start(now: number): void {
    this.nextAt = now;
    this.energyAt = now;
  }

  /** The poll due at `now` (POLL_PRESENT, with POLL_ENERGY when the next poll would come after the energy is due),
   *  or 0 when none is due yet. The next one stays on the P grid; a poll later than a whole period restarts the grid
   *  at now. */
  take(now: number): number {
    if (now < this.nextAt) return 0;
    this.nextAt += this.periodMs;
    if (this.nextAt <= now) this.nextAt = now + this.periodMs;
    if (now + this.periodMs <= this.energyAt) return POLL_PRESENT;
    this.energyAt = now + ENERGY_MAX_MS;
    return POLL_PRESENT | POLL_ENERGY;
  }

  /** The earliest time the budget allows the next routine read (the credit is brought up to `now`). */
  readyAt(now: number): number {
    if (now > this.creditAt) {
      this.credit += now - this.creditAt;
      if (this.credit > BURST_READS * READ_COST_MS) this.credit = BURST_READS * READ_COST_MS;
      this.creditAt = now;
    }
    return this.credit >= READ_COST_MS ? now : now + READ_COST_MS - this.credit;
  }

  /** A routine read goes out: one read of credit (call right after readyAt said now). */
  spend(): void {
    this.credit -= READ_COST_MS;
  }
}
