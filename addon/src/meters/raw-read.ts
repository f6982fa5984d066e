// Raw table reads through a module (issue 13): the add-on sends <base>/cmd/read (signed when the module is paired:
// the commander signs it like every command) and awaits its cmd/result with the bytes as hex; the module relays them
// undecoded and the add-on decodes in Node with the firmware's own table code (device/src/meter/tables).
// readLoadProfileHours() reads a module's load profile between two times that way (guide pp. 29–31: BT61, BT62,
// BT63, ET21, then the blocks of BT64 by partial reads of at most 465 bytes) and turns it into hourly energies.
// Reads are spaced (default 1 s apart) and one at a time per module (the module refuses a second one); the module
// itself counts them with its polls in the guide's average of at most one table read per second (pp. 51, 260;
// device/src/meter/session.ts), so a backfill slows its polls a little rather than adding reads on top.
import type { CommandResult, ReadCommand } from '../../../discovery/contract';
import { READ_MAX_COUNT } from '../../../discovery/contract';
import { BT61, BT62, BT63, ET21, BT61_HEADER, BT63_SET, decodeBt61, decodeBt62, decodeBt63, decodeEt21, intervalMs, type LpSetControl } from '../../../device/src/meter/tables/lp-config';
import {
  blockHeaderRange, blockIndex, decodeBlockHeader, decodeIntervals, hourlySums, intervalDeltas, intervalRanges, lastProcessed,
  layoutMatches, locateInterval, lpLayout, LP_POWER_FAIL, type LpInterval, type LpLayout,
} from '../../../device/src/meter/tables/lp-data';

/** What sends a read command and resolves with its result (MqttDeviceCommander.read). */
export interface ReadSender {
  read(deviceId: string, cmd: Omit<ReadCommand, 'id'>): Promise<CommandResult>;
}

export interface RawReadOptions {
  /** Give up waiting for the result after this long, ms. Default 20000. */
  timeoutMs?: number;
  /** Tries when the module answers "a read is already in progress" (another reader), 1 s apart. Default 3. */
  busyRetries?: number;
}

/** A failed raw read, with the module's reason; `meterCode` is the meter's response code when the meter itself
 *  refused the read (the module's error ends "(0x5)": device/src/meter/session.ts), null for any other failure. */
export class RawReadError extends Error {
  readonly meterCode: number | null;

  constructor(message: string, moduleError?: string) {
    super(message);
    const m = moduleError !== undefined ? /\(0x([0-9a-f]{1,2})\)$/.exec(moduleError) : null;
    this.meterCode = m ? parseInt(m[1]!, 16) : null;
  }
}

/** Keeps raw reads of one module at least `spacingMs` apart, from the end of one to the start of the next, across
 *  calls (guide pp. 51, 260: on average at most one table read a second; the module holds them to that budget
 *  together with its polls). The first read goes at once. */
export class Pacer {
  private last = -Infinity;
  reads = 0;

  constructor(readonly spacingMs = 1000) {}

  async run<T>(read: () => Promise<T>): Promise<T> {
    const left = this.last + this.spacingMs - Date.now();
    if (left > 0) await sleep(left);
    this.reads++;
    try {
      return await read();
    } finally {
      this.last = Date.now();
    }
  }
}

const BUSY = 'a read is already in progress';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One partial read of `count` (1–465) bytes at `offset` of `table` through module `deviceId`. */
export async function rawRead(sender: ReadSender, deviceId: string, table: number, offset: number, count: number, options: RawReadOptions = {}): Promise<Uint8Array> {
  if (!Number.isInteger(table) || table < 0 || table > 0xffff) throw new RawReadError(`table ${table} is not a table id (0–65535)`);
  if (!Number.isInteger(offset) || offset < 0 || offset > 0xffffff) throw new RawReadError(`offset ${offset} is out of range (0–16777215)`);
  if (!Number.isInteger(count) || count < 1 || count > READ_MAX_COUNT) throw new RawReadError(`count ${count} is out of range (1–${READ_MAX_COUNT}, guide p. 8)`);
  const timeoutMs = options.timeoutMs ?? 20000;
  for (let attempt = 0; ; attempt++) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<CommandResult>((resolve) => {
      timer = setTimeout(() => resolve({ id: null, command: 'read', ok: false, error: `no result within ${Math.round(timeoutMs / 1000)} s` }), timeoutMs);
    });
    const r = await Promise.race([sender.read(deviceId, { table, offset, count }), timeout]).finally(() => clearTimeout(timer));
    if (!r.ok && r.error === BUSY && attempt < (options.busyRetries ?? 3)) {
      await sleep(1000);
      continue;
    }
    if (!r.ok) throw new RawReadError(`reading ${count} bytes of table ${table} at ${offset}: ${r.error ?? 'failed'}`, r.error);
    if (r.table !== table || r.offset !== offset || typeof r.hex !== 'string' || r.hex.length !== 2 * count) {
      throw new RawReadError(`the module answered a different range or length (table ${r.table}, offset ${r.offset}, ${(r.hex ?? '').length / 2} bytes)`);
    }
    return new Uint8Array(Buffer.from(r.hex, 'hex'));
  }
}

export interface HourlyEnergy {
  /** Start of the hour (UTC), ms. */
  startMs: number;
  /** Active energy imported / exported in that hour, Wh (null when the profile has no such channel). */
  importWh: number | null;
  exportWh: number | null;
  /** Every interval of the hour was in the profile (an hour at the edge of the memory or around a gap is not). */
  complete: boolean;
  /** The meter flagged a power failure in one of its intervals (extended status, guide p. 239). */
  powerFail: boolean;
}

export interface LoadProfileHours {
  hours: HourlyEnergy[];
  intervalMinutes: number;
  /** Channels of Fwd active Wh (source 0) and Rev active Wh (source 1), -1 when absent (guide p. 203). */
  importChannel: number;
  exportChannel: number;
  /** Raw reads made. */
  reads: number;
  /** End of the oldest interval still in the meter's memory, ms; null when the profile is empty. */
  oldestMs: number | null;
}

export interface LoadProfileOptions extends RawReadOptions {
  /** Data set 0–3 (BT64–BT67). Default 0. */
  set?: number;
  /** Wh per register unit (ET55 "Energy Register Unit" on CT meters: 1, 10 or 100; guide pp. 155, 158). Default 1. */
  unitWh?: number;
  /** Pause between reads, ms. Default 1000 (guide pp. 51, 260). */
  spacingMs?: number;
  /** Spaces these reads with others of the same module (a backfill run's); default one of `spacingMs` for this call. */
  pacer?: Pacer;
}

/** The profile holds no active energy channel: nothing to backfill from (the panel says so). */
export class NoEnergyChannelsError extends RawReadError {}

function ok<T>(d: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!d.ok) throw new RawReadError(d.message);
  return d.value;
}

/** Hourly energies of the hours starting in [fromMs, toMs) (whole hours, UTC), from module `deviceId`'s meter. */
export async function readLoadProfileHours(sender: ReadSender, deviceId: string, fromMs: number, toMs: number, options: LoadProfileOptions = {}): Promise<LoadProfileHours> {
  const HOUR = 3_600_000;
  const set = options.set ?? 0;
  const unit = options.unitWh ?? 1;
  const pacer = options.pacer ?? new Pacer(options.spacingMs ?? 1000);
  let reads = 0;
  const read = (table: number, offset: number, count: number): Promise<Uint8Array> => {
    reads++;
    return pacer.run(() => rawRead(sender, deviceId, table, offset, count, options));
  };
  // Dimensions (BT61 up to this set), channel sources (BT62), status (BT63) and sizes (ET21, re-read before every
  // load profile read: guide p. 30, step 4).
  const bt61 = ok(decodeBt61(await read(BT61, 0, BT61_HEADER + 6 * (set + 1))));
  const layout: LpLayout = lpLayout(bt61, set);
  let bt62Offset = 0;
  for (let n = 0; n < set; n++) bt62Offset += 3 * bt61.sets[n]!.channels + 1 + (bt61.scalarDivisor[n] ? 4 * bt61.sets[n]!.channels : 0);
  const bt62Count = 3 * layout.dims.channels + 1 + (bt61.scalarDivisor[set] ? 4 * layout.dims.channels : 0);
  const control = ok(decodeBt62(await read(BT62, 0, bt62Offset + bt62Count), bt61))[set] as LpSetControl;
  const importChannel = control.sources.indexOf(0);
  const exportChannel = control.sources.indexOf(1);
  if (importChannel < 0 && exportChannel < 0) {
    throw new NoEnergyChannelsError(`the meter's load profile (data set ${set + 1}) logs no active energy (sources ${control.sources.join(', ')})`);
  }
  const status = ok(decodeBt63(await read(BT63, BT63_SET * set, BT63_SET)))[0]!;
  const et21 = ok(decodeEt21(await read(ET21, 131 * set, 111)))[0]!;
  if (!layoutMatches(layout, et21)) {
    throw new RawReadError(`ET21 sizes (block ${et21.blockSize}, header ${et21.blockHeaderSize}, interval ${et21.intervalSize}) do not match BT61's layout`);
  }
  const empty = { hours: [], intervalMinutes: layout.intervalMs / 60000, importChannel, exportChannel, reads, oldestMs: null };
  if (status.validBlocks === 0) return empty;
  // The last block's header gives the time of its last interval; every other interval follows from it.
  const lastHeader = ok(decodeBlockHeader(layout, await read(...rangeArgs(blockHeaderRange(layout, status.lastBlock)))));
  const lastIdx = lastProcessed(lastHeader);
  if (lastHeader.endMs === null || lastIdx < 0) return { ...empty, reads };
  const step = intervalMs(layout.dims);
  const oldestMs = lastHeader.endMs - ((status.validBlocks - 1) * layout.dims.intervalsPerBlock + lastIdx) * step;
  // Interval ends needed: from the one before the first hour (its total is the starting point) to the last.
  const firstEnd = Math.max(Math.ceil(fromMs / step) * step, oldestMs + step) - step;
  const lastEnd = Math.min(Math.floor(toMs / step) * step, lastHeader.endMs);
  const intervals: LpInterval[] = [];
  if (lastEnd > firstEnd) {
    const first = locateInterval(layout, lastHeader.endMs, lastIdx, firstEnd);
    const last = locateInterval(layout, lastHeader.endMs, lastIdx, lastEnd);
    for (let back = first.back; back >= last.back; back--) {
      const index = blockIndex(layout, status, back);
      if (index < 0) continue;
      const header = back === 0 ? lastHeader : ok(decodeBlockHeader(layout, await read(...rangeArgs(blockHeaderRange(layout, index)))));
      const from = back === first.back ? first.index : 0;
      const to = back === last.back ? last.index : layout.dims.intervalsPerBlock - 1;
      for (const r of intervalRanges(layout, index, from, to, READ_MAX_COUNT)) {
        const at = (r.offset - index * layout.blockSize - layout.headerSize) / layout.intervalSize;
        intervals.push(...ok(decodeIntervals(layout, header, at, await read(r.table, r.offset, r.count))));
      }
    }
  }
  intervals.sort((a, b) => a.endMs - b.endMs);
  const sums = (channel: number) => (channel < 0 ? null : hourlySums(intervalDeltas(intervals, channel, step), step));
  const imp = sums(importChannel);
  const exp = sums(exportChannel);
  const hours: HourlyEnergy[] = [];
  for (let start = Math.ceil(fromMs / HOUR) * HOUR; start + HOUR <= toMs; start += HOUR) {
    const i = imp?.find((h) => h.startMs === start);
    const e = exp?.find((h) => h.startMs === start);
    const any = i ?? e;
    if (!any) continue;
    const powerFail = intervals.some((iv) => iv.valid && iv.endMs > start && iv.endMs <= start + HOUR && (iv.common & LP_POWER_FAIL) !== 0);
    hours.push({
      startMs: start,
      importWh: i ? i.sum * unit : imp ? 0 : null,
      exportWh: e ? e.sum * unit : exp ? 0 : null,
      complete: (!imp || !!i?.complete) && (!exp || !!e?.complete),
      powerFail,
    });
  }
  return { hours, intervalMinutes: layout.intervalMs / 60000, importChannel, exportChannel, reads, oldestMs };
}

function rangeArgs(r: { table: number; offset: number; count: number }): [number, number, number] {
  return [r.table, r.offset, r.count];
}
