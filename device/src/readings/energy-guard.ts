// Energy registers go to Home Assistant's Energy dashboard as total_increasing: a value that goes down is read as a
// meter reset, and a jump is counted as real consumption. So a register value is published only when it is
// plausible: never 0 or negative, never below the last accepted value, and never rising faster than a domestic
// connection can draw (spec §10.3: a temporary jump was seen in the field). Rejected values are counted, not sent.

export interface EnergyGuardOptions {
  /** Highest power the connection can carry, W (default 100 kW, well above a 3 × 63 A house connection). */
  maxPowerW?: number;
  /** Consecutive rejections after which a new level is accepted (a meter exchanged or reset on purpose). Default 10. */
  acceptAfterRejections?: number;
}

export class EnergyGuard {
  private lastWh = -1;
  private lastAt = 0;
  private rejected = 0;
  private pendingWh = -1;
  private readonly maxPowerW: number;
  private readonly acceptAfter: number;
  rejections = 0;

  constructor(options?: EnergyGuardOptions) {
    this.maxPowerW = (options && options.maxPowerW) || 100000;
    this.acceptAfter = (options && options.acceptAfterRejections) || 10;
  }

  /** Returns the value to publish (Wh), or null to publish nothing for this register this time. */
  accept(wh: number, atMs: number): number | null {
    if (!(wh > 0) || wh !== wh) return this.reject(-1);
    if (this.lastWh < 0) return this.take(wh, atMs);
    const hours = Math.max(atMs - this.lastAt, 1000) / 3600000;
    const maxRise = this.maxPowerW * hours + 1;
    if (wh >= this.lastWh && wh - this.lastWh <= maxRise) return this.take(wh, atMs);
    return this.reject(wh, atMs);
  }

  private take(wh: number, atMs: number): number {
    this.lastWh = wh;
    this.lastAt = atMs;
    this.rejected = 0;
    this.pendingWh = -1;
    return wh;
  }

  /** Implausible values are held back; the same new level seen again and again is a real change and is accepted. */
  private reject(wh: number, atMs?: number): number | null {
    this.rejections++;
    if (wh > 0 && atMs !== undefined) {
      const sameLevel = this.pendingWh > 0 && Math.abs(wh - this.pendingWh) <= this.maxPowerW / 36; // ≈ 100 s at max
      this.rejected = sameLevel ? this.rejected + 1 : 1;
      this.pendingWh = wh;
      if (this.rejected >= this.acceptAfter) return this.take(wh, atMs);
    }
    return null;
  }
}
