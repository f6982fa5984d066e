// The meter's MEP client health monitor (guide pp. 20, 84–85, 128): with ET51 "Monitor MEP Health" set, a client that
// sends no successful request (one that passes authentication) for the ET51 timeout (60 s by default) is marked down
// in its ET14 entry (Device Status 4) and its MEP Alarms word latches bit 4 "failed comms" until EP18 clears it; the
// status goes back to "active" (3) with the next successful request, the alarm stays. Pure: times in, state out.

/** ET14 Device Status values (guide p. 85). */
export const MEP_CLIENT_ACTIVE = 3;
export const MEP_CLIENT_DOWN = 4;
/** MEP Alarms bit 4: failed communications (the health monitor fired). */
export const ALARM_FAILED_COMMS = 0x10;

export class HealthMonitor {
  readonly timeoutMs: number;
  private lastOk: number;
  private alarms = 0;
  /** Times the monitor fired (alarm raised). */
  fired = 0;

  constructor(timeoutS: number, now: number) {
    this.timeoutMs = timeoutS * 1000;
    this.lastOk = now;
  }

  /** A request passed authentication at `now`. */
  ok(now: number): void {
    this.check(now);
    this.lastOk = now;
  }

  /** Latches the alarm if the client has been silent too long; true while it is down. */
  check(now: number): boolean {
    const down = now - this.lastOk > this.timeoutMs;
    if (down && !(this.alarms & ALARM_FAILED_COMMS)) {
      this.alarms |= ALARM_FAILED_COMMS;
      this.fired++;
    }
    return down;
  }

  status(now: number): number {
    return this.check(now) ? MEP_CLIENT_DOWN : MEP_CLIENT_ACTIVE;
  }

  /** The latched MEP Alarms word. */
  alarmWord(now: number): number {
    this.check(now);
    return this.alarms;
  }

  /** EP18 "clear MEP alarms". */
  clear(): void {
    this.alarms = 0;
  }
}
