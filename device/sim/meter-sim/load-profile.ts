// The simulated meter's load profile (guide pp. 29–31, 95–97, 231–240) and its outage logs (ET81, BT74: logs.ts),
// recorded from the physics model: at every interval end the energy registers are snapshotted (the same whole units
// BT23 shows: on a CT meter the ET55 "Energy Register Unit" of 10 or 100 Wh/varh, guide pp. 155, 158 [INFERRED for
// the profile: its channels log the registers' totals]), so the profile and BT23 agree. One data set (BT64), 1–16 channels of the standard sources (p. 203),
// a circular buffer of blocks (a day by default). Recording is lazy: every table read first records the intervals
// that ended since the last one (advancing the physics to each interval end in turn), so a meter nobody read for
// hours still has every interval. Injected outages stop the energy (the load model reads zero), flag the intervals
// they touch "power fail" (extended status common bit 1) and become ET81 entries once over.
// [INFERRED] Intervals ending inside an outage are filled in at power-up with the unchanged totals (flagged); the
// guide does not say whether a meter records them or leaves them unprocessed.
import { ByteWriter } from '../../src/meter/bytes';
import { BT60, BT61, BT62, BT63, BT64, ET21, ET81 } from '../../src/meter/tables/lp-config';
import type { EnergyRegisters, MeterPhysics } from './physics';
import { BT71, BT74 } from '../../src/meter/tables/bt74-event-log';
import { bt71Image, bt74Image, et81Image, ltime } from './load-profile-logs';

/** Argument bytes of a simulated event log record (BT71.3; real meters: UNKNOWN). */
const EVENT_ARGUMENT_SIZE = 4;

export interface LoadProfileOptions {
  /** Interval length, minutes (1..60 dividing an hour, or 1440). Default 60. */
  intervalMinutes?: number;
  /** Intervals per block. Default: a day's worth. */
  intervalsPerBlock?: number;
  /** Blocks the circular buffer holds. Default 40 (40 days of hourly intervals). */
  blocks?: number;
  /** Interval source IDs (guide p. 203): default 0 Fwd active Wh, 1 Rev active Wh, 2 import varh, 3 export varh. */
  sources?: number[];
  /** ET81 entries. Default 10. */
  outageLogEntries?: number;
  /** Wh (varh) per register unit, ET55's "Energy Register Unit" (1, 10 or 100 on CT meters; guide pp. 155, 158).
   *  The channels snapshot the energy registers, so they count in that unit like BT23 (profiles.ts bt23Blocks).
   *  Default 1; the simulator passes its profile's unit. */
  energyUnitWh?: number;
}

export interface SimOutage {
  startMs: number;
  endMs: number;
}

const HOUR = 3_600_000;
const POWER_FAIL = 0x20; // common nibble bit 1 in byte 0's high nibble (guide p. 239)

function stime(w: ByteWriter, ms: number): ByteWriter {
  const d = new Date(ms);
  return w.u8(d.getUTCFullYear() - 2000).u8(d.getUTCMonth() + 1).u8(d.getUTCDate()).u8(d.getUTCHours()).u8(d.getUTCMinutes());
}


function u32le(w: ByteWriter, v: number): ByteWriter {
  return w.u16le(v & 0xffff).u16le((v >>> 16) & 0xffff);
}

/** The register a standard source logs (whole register units of `unit` Wh, as BT23); sources we do not model log 0. */
function sourceValue(source: number, e: EnergyRegisters, unit: number): number {
  const imp = Math.floor(e.importWh / unit);
  const exp = Math.floor(e.exportWh / unit);
  switch (source) {
    case 0: return imp;
    case 1: return exp;
    case 2: return Math.floor(e.importVarh / unit);
    case 3: return Math.floor(e.exportVarh / unit);
    case 6: return imp + exp;
    case 7: return Math.max(0, imp - exp);
    default: return 0;
  }
}

export class SimLoadProfile {
  readonly intervalMinutes: number;
  readonly intervalsPerBlock: number;
  readonly blocks: number;
  readonly sources: number[];
  readonly energyUnitWh: number;
  readonly statusSize: number;
  readonly intervalSize: number;
  readonly headerSize: number;
  readonly blockSize: number;
  private readonly intervalMs: number;
  private readonly data: Uint8Array;
  private readonly physics: MeterPhysics;
  private readonly now: () => number;
  private readonly localOffsetMs: number;
  private readonly outages: SimOutage[] = [];
  private readonly logged: SimOutage[] = [];
  private readonly logCapacity: number;
  /** End of the next interval to record, ms. */
  private nextEnd: number;
  /** Absolute block number (interval start / block span) of the block being filled; -1 before the first. */
  private blockAbs = -1;
  private blockSeq = -1;
  private lastBlock = 0;
  private validBlocks = 0;
  private validIntervals = 0;
  private lastInterval = 0;
  private lastEndMs = 0;
  private configId = 1;

  constructor(physics: MeterPhysics, now: () => number, options: LoadProfileOptions = {}) {
    this.physics = physics;
    this.now = now;
    this.intervalMinutes = options.intervalMinutes ?? 60;
    if (!(this.intervalMinutes === 1440 || (this.intervalMinutes >= 1 && 60 % this.intervalMinutes === 0))) {
      throw new Error(`load profile interval ${this.intervalMinutes} min: use a divisor of 60 or 1440`);
    }
    this.intervalMs = this.intervalMinutes * 60_000;
    this.intervalsPerBlock = options.intervalsPerBlock ?? Math.max(1, Math.round((24 * HOUR) / this.intervalMs));
    this.blocks = options.blocks ?? 40;
    this.sources = options.sources ?? [0, 1, 2, 3];
    this.energyUnitWh = options.energyUnitWh ?? 1;
    if (this.sources.length < 1 || this.sources.length > 16) throw new Error('a load profile data set has 1 to 16 channels');
    this.statusSize = (this.sources.length >> 1) + 1;
    this.intervalSize = this.statusSize + 4 * this.sources.length;
    this.headerSize = 5 + ((this.intervalsPerBlock + 7) >> 3);
    this.blockSize = this.headerSize + this.intervalsPerBlock * this.intervalSize;
    this.data = new Uint8Array(this.blocks * this.blockSize);
    this.logCapacity = options.outageLogEntries ?? 10;
    this.localOffsetMs = physics.model.params.utcOffsetHours * HOUR;
    this.nextEnd = Math.floor(physics.time / this.intervalMs) * this.intervalMs + this.intervalMs;
    // The load model reads zero while the power is off: no energy is integrated during an outage.
    physics.model.powerOff = (t: number) => this.inOutage(t);
  }

  /** Tables this module serves. */
  tables(): number[] {
    return [BT60, BT61, BT62, BT63, BT64, ET21, ET81, BT71, BT74];
  }

  /** A power outage from startMs for durationMs (simulated time). Energy stops; the meter records it. */
  injectOutage(startMs: number, durationMs: number): void {
    if (!(durationMs > 0)) throw new Error('an outage needs a positive duration');
    if (startMs < this.physics.time) throw new Error('an outage cannot start before the meter\'s present time');
    this.outages.push({ startMs, endMs: startMs + durationMs });
  }

  inOutage(t: number): boolean {
    for (const o of this.outages) if (t >= o.startMs && t < o.endMs) return true;
    return false;
  }

  /** Records every interval that ended by the present simulated time. Call before the physics moves on. */
  sync(): void {
    const now = this.now();
    while (this.nextEnd <= now) {
      this.physics.advanceTo(this.nextEnd);
      this.record(this.nextEnd, this.physics.registers());
      this.nextEnd += this.intervalMs;
    }
    for (const o of this.outages) if (o.endMs <= now && !this.logged.includes(o)) this.logged.push(o);
    this.logged.sort((a, b) => a.startMs - b.startMs);
  }

  /** A table's current image, or null when it is not one of ours. */
  read(table: number): Uint8Array | null {
    switch (table) {
      case BT60: return this.bt60();
      case BT61: return this.bt61();
      case BT62: return this.bt62();
      case BT63: return this.bt63();
      case BT64: return this.data;
      case ET21: return this.et21();
      case ET81:
      case BT71:
      case BT74: return this.logs(table);
      default: return null;
    }
  }

  private record(endMs: number, regs: EnergyRegisters): void {
    const startMs = endMs - this.intervalMs;
    const span = this.intervalMs * this.intervalsPerBlock;
    const abs = Math.floor(startMs / span);
    const index = Math.round((startMs - abs * span) / this.intervalMs);
    if (abs !== this.blockAbs) {
      this.blockAbs = abs;
      this.blockSeq++;
      this.lastBlock = this.blockSeq % this.blocks;
      this.validBlocks = Math.min(this.validBlocks + 1, this.blocks);
      this.validIntervals = 0;
      this.data.fill(0, this.lastBlock * this.blockSize, (this.lastBlock + 1) * this.blockSize);
    }
    const block = this.lastBlock * this.blockSize;
    this.data.set(stime(new ByteWriter(5), endMs).toBytes(), block);
    const ss = block + 5 + (index >> 3);
    this.data[ss] = (this.data[ss] as number) | (1 << (index & 7));
    let fail = false;
    for (const o of this.outages) if (o.startMs < endMs && o.endMs > startMs) fail = true;
    const w = new ByteWriter(this.intervalSize);
    const status = new Uint8Array(this.statusSize);
    if (fail) status[0] = POWER_FAIL;
    w.bytes(status);
    for (const s of this.sources) w.i32le(sourceValue(s, regs, this.energyUnitWh) | 0);
    this.data.set(w.toBytes(), block + this.headerSize + index * this.intervalSize);
    this.validIntervals++;
    this.lastInterval = index;
    this.lastEndMs = endMs;
  }

  private setDims(w: ByteWriter, blocks: number, intervals: number, channels: number, minutes: number): ByteWriter {
    return w.u16le(blocks).u16le(intervals).u8(channels).u8(minutes === 1440 ? 84 : minutes);
  }

  /** BT60 Dimension Load Profile: the maxima (guide p. 231, values for 128K NVM). */
  private bt60(): Uint8Array {
    const w = u32le(new ByteWriter(13), 104832).u16le(0x0c00).u8(0x20);
    return this.setDims(w, 9530, 1440, 16, 255).toBytes();
  }

  /** BT61 Actual Load Profile: extended + simple status always on (flags bits 10, 11), INT32 only (format bit 5). */
  private bt61(): Uint8Array {
    const w = u32le(new ByteWriter(13), this.data.length).u16le(0x0c00).u8(0x20);
    return this.setDims(w, this.blocks, this.intervalsPerBlock, this.sources.length, this.intervalMinutes).toBytes();
  }

  /** BT62 Load Profile Control: per channel (end-reading flag, interval source, end-reading source), format 32. */
  private bt62(): Uint8Array {
    const w = new ByteWriter(3 * this.sources.length + 1);
    for (const s of this.sources) w.u8(0).u8(s).u8(0);
    return w.u8(32).toBytes();
  }

  /** BT63 Load Profile Status (13 bytes): ascending, circular (b2), active (b5); unread = valid (no head end here). */
  private bt63(): Uint8Array {
    this.sync();
    const w = new ByteWriter(13).u8(0x24).u16le(this.validBlocks).u16le(this.lastBlock);
    return u32le(w, Math.max(0, this.blockSeq)).u16le(this.validBlocks).u16le(this.validIntervals).toBytes();
  }

  /** ET21 Load Profile Internal Configuration, one 131-byte element (fw ≥ 3.60 layout, guide pp. 95–97). */
  private et21(): Uint8Array {
    this.sync();
    const out = new Uint8Array(131);
    const w = new ByteWriter(131);
    u32le(w, this.lastBlock * this.blockSize); // current block address (we use the table offset)
    u32le(w, this.lastBlock * this.blockSize + this.headerSize + this.lastInterval * this.intervalSize);
    u32le(w, this.blockSize);
    w.u16le(this.headerSize).u16le(this.validBlocks).u16le(this.validIntervals).u16le(this.lastBlock).u16le(this.lastInterval);
    w.u8(5).u8(this.headerSize - 5).u8(this.headerSize).u8(this.intervalSize).u8(this.statusSize).u8(0);
    w.u8(this.sources.length).u8(this.intervalMinutes === 1440 ? 84 : this.intervalMinutes);
    out.set(w.toBytes(), 0);
    for (let c = 0; c < this.sources.length; c++) out[c < 8 ? 30 + c : 70 + c - 8] = this.sources[c] as number;
    out.set(u32le(new ByteWriter(4), this.configId).toBytes(), 78);
    const blockStart = (this.blockAbs < 0 ? 0 : this.blockAbs) * this.intervalMs * this.intervalsPerBlock;
    if (this.blockAbs >= 0) out.set(ltime(new ByteWriter(6), blockStart).toBytes(), 83);
    if (this.validBlocks > 0) {
      out.set(ltime(new ByteWriter(6), this.lastEndMs).toBytes(), 94);
      out.set(ltime(new ByteWriter(6), this.lastEndMs + this.localOffsetMs).toBytes(), 101);
    }
    out.set(u32le(new ByteWriter(4), 104832).toBytes(), 107); // max memory length (fw ≥ 3.50)
    return out;
  }

  /** ET81, and the event log BT74 with BT71 (load-profile-logs.ts). */
  private logs(table: number): Uint8Array {
    this.sync();
    if (table === ET81) return et81Image(this.logged, this.logCapacity, this.localOffsetMs);
    if (table === BT71) return bt71Image(EVENT_ARGUMENT_SIZE, this.logCapacity * 2);
    return bt74Image(this.outages, this.now(), this.logCapacity * 2, EVENT_ARGUMENT_SIZE);
  }

}
