// The firmware's own CPU time per poll cycle, measured in JavaScript with the clock (getTime() on Espruino: the Linux
// interpreter spins while a socket exists, so process CPU time means nothing there; issue 9). A poll cycle runs from
// the session queuing a poll (the BT23 and BT28 requests) to its reading having been handed to the app; its figures
// are the JS time the meter driver spent in that span, by phase:
//   build    request frames (APDU and request digest: encodeRequest)
//   verify   replies: frame cutting and CRC (frame decoder), parsing, the reply digest
//   decode   table data (payload cipher, table decoder)
//   publish  the app's handling of the results (state, compatibility and diagnostics messages)
//   total    all of it, plus the rest of the driver (UART writes, timers, session bookkeeping)
// Memory: one Float32Array and three numbers, never objects per cycle (espruino.md §3): 49 variables on the real
// interpreter.

export const T_BUILD = 0;
export const T_VERIFY = 1;
export const T_DECODE = 2;
export const T_PUBLISH = 3;
export const T_TOTAL = 4;
/** stat(): the median and the largest total over the kept cycles. */
export const T_MEDIAN = 4;
export const T_MAX = 5;
const FIGURES = 5;
/** Completed cycles kept (a ring) for the figures. */
export const CYCLES = 16;

// The running cycle: none; counting; its reading decoded (it closes when the driver call returns); decoded and the
// next poll already queued in the same driver call (a cycle that overran the poll interval).
const IDLE = 0;
const RUNNING = 1;
const CLOSING = 2;
const CLOSING_THEN_RUNNING = 3;

export class CycleTimes {
  private readonly clock: { now(): number };
  /** Row 0: the running cycle; rows 1..CYCLES: the completed ones (row 1 + n % CYCLES is the n-th). */
  private readonly t = new Float32Array(FIGURES * (CYCLES + 1));
  private state = IDLE;
  /** When the running cycle began: driver time before it, in the same call, is not its time. */
  private from = 0;
  /** Completed cycles since start. */
  cycles = 0;

  constructor(clock: { now(): number }) {
    this.clock = clock;
  }

  /** The clock, ms. */
  now(): number {
    return this.clock.now();
  }

  /** Adds the time since `since` to `figure` of the running cycle; returns now (the start of what follows). */
  add(figure: number, since: number): number {
    const at = this.clock.now();
    this.t[figure] = (this.t[figure] as number) + at - since;
    return at;
  }

  /** The session queued a poll: a cycle begins. */
  begin(): void {
    if (this.state === CLOSING) {
      this.state = CLOSING_THEN_RUNNING;
      return;
    }
    for (let i = 0; i < FIGURES; i++) this.t[i] = 0;
    this.state = RUNNING;
    this.from = this.clock.now();
  }

  /** The session decoded the poll's last table: the cycle closes when the driver call that delivered it returns,
   *  after the app has published the reading. */
  decoded(): void {
    if (this.state === RUNNING) this.state = CLOSING;
  }

  /** The driver returns from a call (a received chunk, a timer …) that began at `since`. */
  exit(since: number): void {
    this.add(T_TOTAL, since > this.from ? since : this.from);
    if (this.state < CLOSING) return;
    const t = this.t;
    const row = FIGURES * (1 + (this.cycles % CYCLES));
    for (let i = 0; i < FIGURES; i++) t[row + i] = t[i] as number;
    this.cycles++;
    if (this.state === CLOSING_THEN_RUNNING) {
      this.state = IDLE;
      this.begin();
    } else {
      this.state = IDLE;
    }
  }

  /** Over the last min(cycles, CYCLES) cycles: the mean of phase `which` (T_BUILD … T_PUBLISH), the median total
   *  (T_MEDIAN) or the largest (T_MAX), in ms; 0 before the first cycle. */
  stat(which: number): number {
    const t = this.t;
    const n = this.cycles < CYCLES ? this.cycles : CYCLES;
    if (!n) return 0;
    if (which < T_MEDIAN) {
      let sum = 0;
      for (let r = 1; r <= n; r++) sum += t[FIGURES * r + which] as number;
      return sum / n;
    }
    // A typed array sorts numerically, natively on Espruino too (the Linux interpreter: 0.2 ms for 16 values, where
    // ranking them in JS took 10 ms).
    const totals = new Float32Array(n);
    for (let r = 0; r < n; r++) totals[r] = t[FIGURES * (r + 1) + T_TOTAL] as number;
    totals.sort();
    const top = totals[n - 1] as number;
    return which === T_MAX ? top : ((totals[(n - 1) >> 1] as number) + (totals[n >> 1] as number)) / 2;
  }
}
