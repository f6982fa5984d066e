// Load profile data, BT64–BT67 (guide pp. 29–31, 237–240): a circular array of BT61.7N blocks, each
//   End time STIME_DATE (UTC; the last recorded interval, or the block's end once complete)
//   [End readings INT32 × channels, if BT61.4.4]
//   Simple status: one bit per interval (1 = processed), LSB first
//   Intervals × BT61.9N: extended status ((channels / 2) + 1 bytes) + INT32 per channel (totals, not differences)
// plus the partial-read ranges the guide gives (p. 31) and the arithmetic to find the interval for a given time.
// Node-side only (the add-on's backfill, tests, the simulator): the firmware relays the bytes and never decodes them.
import { readI32le } from '../bytes';
import { Decoded, decodeError } from './decode';
import { bit } from './fields';
import { BT64, Bt61, Et21Set, intervalMs, LpSetDimensions, LpSetStatus, stimeDateMs } from './lp-config';

/** Extended status, common nibble (byte 0 high nibble) flags (guide p. 239). */
export const LP_DST = 1;
export const LP_POWER_FAIL = 2;
export const LP_CLOCK_FORWARD = 4;
export const LP_CLOCK_BACKWARD = 8;

/** Channel status nibble values (guide pp. 239–240). */
export const LP_CHANNEL_STATUS: { [code: number]: string } = {
  0: 'ok', 1: 'overflow', 2: 'partial', 3: 'long', 4: 'skipped', 5: 'test', 8: 'decryption-failure', 9: 'clock-error',
  10: 'device-missing', 11: 'not-current', 12: 'opt-out', 15: 'placeholder',
};

/** Byte sizes of one data set's blocks, from BT61 (ET21 reports the same numbers: blockSize, blockHeaderSize…). */
export interface LpLayout {
  set: number;
  dims: LpSetDimensions;
  endReadings: boolean;
  simpleStatusOffset: number;
  simpleStatusSize: number;
  /** Extended status bytes per interval: channels / 2 + 1. */
  statusSize: number;
  intervalSize: number;
  headerSize: number;
  blockSize: number;
  intervalMs: number;
}

export function lpLayout(bt61: Bt61, set: number): LpLayout {
  const dims = bt61.sets[set];
  if (!dims) throw new Error(`load profile data set ${set + 1} is not configured (BT61 has ${bt61.sets.length})`);
  const n = dims.channels;
  const simpleStatusOffset = 5 + (bt61.endReadings ? 4 * n : 0);
  const simpleStatusSize = (dims.intervalsPerBlock + 7) >> 3;
  const statusSize = (n >> 1) + 1;
  const intervalSize = statusSize + 4 * n;
  const headerSize = simpleStatusOffset + simpleStatusSize;
  return {
    set, dims, endReadings: bt61.endReadings, simpleStatusOffset, simpleStatusSize, statusSize, intervalSize, headerSize,
    blockSize: headerSize + dims.intervalsPerBlock * intervalSize,
    intervalMs: intervalMs(dims),
  };
}

/** ET21's own sizes must agree with BT61's (they describe the same buffer); a mismatch means a layout we do not know. */
export function layoutMatches(layout: LpLayout, et21: Et21Set): boolean {
  return et21.blockSize === layout.blockSize && et21.blockHeaderSize === layout.headerSize && et21.intervalSize === layout.intervalSize;
}

export interface TableRange {
  table: number;
  offset: number;
  count: number;
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/** The table of a data set: BT64 + N. */
export function lpTable(set: number): number {
  return BT64 + set;
}

/** Guide p. 31, step 5: the most recent complete block, offset ((BT63.3N − 1) mod BT61.7N) × ET21.8N. */
export function lastCompleteBlockRange(layout: LpLayout, status: LpSetStatus): TableRange {
  return { table: lpTable(layout.set), offset: mod(status.lastBlock - 1, layout.dims.blocks) * layout.blockSize, count: layout.blockSize };
}

/** Guide p. 31, step 6: the most recent interval, offset BT63.3N × ET21.8N + ET21.12N + ET21.20N × ET21.25N. */
export function lastIntervalRange(layout: LpLayout, status: LpSetStatus, et21: Et21Set): TableRange {
  return {
    table: lpTable(layout.set),
    offset: status.lastBlock * layout.blockSize + layout.headerSize + et21.lastIntervalNumber * layout.intervalSize,
    count: layout.intervalSize,
  };
}

/** Array index of the block `back` blocks before the last one (circular: modulo the block count, guide p. 31);
 *  -1 when that block holds no data (back ≥ valid blocks). */
export function blockIndex(layout: LpLayout, status: LpSetStatus, back: number): number {
  if (back < 0 || back >= status.validBlocks) return -1;
  return mod(status.lastBlock - back, layout.dims.blocks);
}

/** A block's header: end time and simple status. */
export function blockHeaderRange(layout: LpLayout, index: number): TableRange {
  return { table: lpTable(layout.set), offset: index * layout.blockSize, count: layout.headerSize };
}

/** Intervals first..last (inclusive) of a block, split into reads of at most `maxCount` bytes (465 per reply, guide
 *  p. 8) on interval boundaries. */
export function intervalRanges(layout: LpLayout, index: number, first: number, last: number, maxCount: number): TableRange[] {
  const per = Math.max(1, Math.floor(maxCount / layout.intervalSize));
  const out: TableRange[] = [];
  for (let i = first; i <= last; i += per) {
    const n = Math.min(per, last - i + 1);
    out.push({ table: lpTable(layout.set), offset: index * layout.blockSize + layout.headerSize + i * layout.intervalSize, count: n * layout.intervalSize });
  }
  return out;
}

export interface LpInterval {
  /** Position in the block. */
  index: number;
  /** End of the interval, ms (UTC). */
  endMs: number;
  /** Simple status bit: the interval was processed. Unprocessed intervals may hold stale data: ignore them. */
  valid: boolean;
  /** Common status flags (LP_POWER_FAIL …). */
  common: number;
  /** Channel status nibbles (0 = ok; LP_CHANNEL_STATUS). */
  status: number[];
  /** INT32 per channel: register totals at the end of the interval. */
  values: number[];
}

export interface LpBlockHeader {
  /** STIME_DATE end time: the last recorded interval's end (minutes precision); null when the block is empty. */
  endMs: number | null;
  /** Simple status bits, one per interval. */
  processed: boolean[];
  endReadings: number[] | null;
}

export function decodeBlockHeader(layout: LpLayout, data: Uint8Array): Decoded<LpBlockHeader> {
  const table = lpTable(layout.set);
  if (data.length < layout.headerSize) return decodeError(table, 0, `block header needs ${layout.headerSize} bytes, got ${data.length}`);
  let endReadings: number[] | null = null;
  if (layout.endReadings) {
    endReadings = [];
    for (let c = 0; c < layout.dims.channels; c++) endReadings.push(readI32le(data, 5 + 4 * c));
  }
  const processed: boolean[] = [];
  for (let i = 0; i < layout.dims.intervalsPerBlock; i++) {
    processed.push(bit(data[layout.simpleStatusOffset + (i >> 3)] as number, i & 7));
  }
  return { ok: true, value: { endMs: stimeDateMs(data, 0), processed, endReadings } };
}

/** Index of the interval the block's end time belongs to: the last processed one. */
export function lastProcessed(header: LpBlockHeader): number {
  for (let i = header.processed.length - 1; i >= 0; i--) if (header.processed[i]) return i;
  return -1;
}

/** Intervals `first`.. of a block from their bytes (data starts at interval `first`), timed from the block header:
 *  interval i ends at endMs + (i − lastProcessed) × interval (the block's end time is that of its last recorded
 *  interval, guide p. 238). */
export function decodeIntervals(layout: LpLayout, header: LpBlockHeader, first: number, data: Uint8Array): Decoded<LpInterval[]> {
  const table = lpTable(layout.set);
  if (data.length % layout.intervalSize !== 0) {
    return decodeError(table, 0, `${data.length} bytes is not a whole number of ${layout.intervalSize}-byte intervals`);
  }
  const last = lastProcessed(header);
  const out: LpInterval[] = [];
  const n = layout.dims.channels;
  for (let k = 0; k * layout.intervalSize < data.length; k++) {
    const at = k * layout.intervalSize;
    const i = first + k;
    const status: number[] = [];
    for (let c = 0; c < n; c++) {
      const nib = c + 1; // nibble 0 is the common status
      const byte = data[at + (nib >> 1)] as number;
      status.push(nib & 1 ? byte & 0x0f : byte >> 4);
    }
    const values: number[] = [];
    for (let c = 0; c < n; c++) values.push(readI32le(data, at + layout.statusSize + 4 * c));
    out.push({
      index: i,
      endMs: header.endMs === null || last < 0 ? NaN : header.endMs + (i - last) * layout.intervalMs,
      valid: !!header.processed[i],
      common: (data[at] as number) >> 4,
      status,
      values,
    });
  }
  return { ok: true, value: out };
}

/** A whole block (header + all intervals) as read with blockRange / lastCompleteBlockRange. */
export function decodeBlock(layout: LpLayout, data: Uint8Array): Decoded<{ header: LpBlockHeader; intervals: LpInterval[] }> {
  if (data.length !== layout.blockSize) return decodeError(lpTable(layout.set), 0, `a block is ${layout.blockSize} bytes, got ${data.length}`);
  const h = decodeBlockHeader(layout, data);
  if (!h.ok) return h;
  const iv = decodeIntervals(layout, h.value, 0, data.subarray(layout.headerSize));
  if (!iv.ok) return iv;
  return { ok: true, value: { header: h.value, intervals: iv.value } };
}

export function blockRange(layout: LpLayout, index: number): TableRange {
  return { table: lpTable(layout.set), offset: index * layout.blockSize, count: layout.blockSize };
}

/** Where the interval ending at `endMs` should be, counted back from the last block whose last recorded interval
 *  ends at `lastEndMs` with index `lastIndex`: { back, index } (back = blocks before the last). Assumes no clock
 *  change between them; the caller checks the end time it reads (a clock set back or forward moves intervals). */
export function locateInterval(layout: LpLayout, lastEndMs: number, lastIndex: number, endMs: number): { back: number; index: number } {
  const steps = Math.round((endMs - lastEndMs) / layout.intervalMs); // ≤ 0 for the past
  const abs = lastIndex + steps; // index relative to the last block's first interval
  const per = layout.dims.intervalsPerBlock;
  const blocks = Math.floor(abs / per);
  return { back: blocks === 0 ? 0 : -blocks, index: mod(abs, per) };
}

/** Energy per interval from register totals: the difference to the previous valid interval of the same channel.
 *  Only consecutive valid intervals give a difference (a gap could hide a register reset). */
export function intervalDeltas(intervals: LpInterval[], channel: number, intervalMsValue: number): { endMs: number; delta: number; common: number }[] {
  const out: { endMs: number; delta: number; common: number }[] = [];
  let prev: LpInterval | null = null;
  for (let k = 0; k < intervals.length; k++) {
    const iv = intervals[k] as LpInterval;
    if (!iv.valid || (iv.status[channel] as number) === 4) {
      prev = null;
      continue;
    }
    if (prev && iv.endMs - prev.endMs === intervalMsValue) {
      out.push({ endMs: iv.endMs, delta: (iv.values[channel] as number) - (prev.values[channel] as number), common: iv.common });
    }
    prev = iv;
  }
  return out;
}

/** Interval differences summed per hour (key: the hour's start, ms), for hourly statistics. An hour is complete when
 *  all of its intervals are present; incomplete hours are reported with `complete: false`. */
export function hourlySums(deltas: { endMs: number; delta: number }[], intervalMsValue: number): { startMs: number; sum: number; complete: boolean }[] {
  const HOUR = 3600000;
  const per = Math.max(1, Math.round(HOUR / intervalMsValue));
  const hours: { [start: string]: { startMs: number; sum: number; n: number } } = {};
  const order: string[] = [];
  for (let k = 0; k < deltas.length; k++) {
    const d = deltas[k] as { endMs: number; delta: number };
    const start = Math.floor((d.endMs - 1) / HOUR) * HOUR; // an interval ending on the hour belongs to the hour before
    const key = String(start);
    let h = hours[key];
    if (!h) {
      h = hours[key] = { startMs: start, sum: 0, n: 0 };
      order.push(key);
    }
    h.sum += d.delta;
    h.n++;
  }
  return order.map((k) => {
    const h = hours[k] as { startMs: number; sum: number; n: number };
    return { startMs: h.startMs, sum: h.sum, complete: h.n === per };
  });
}
