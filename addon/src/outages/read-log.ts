// Reads a meter's outage log through its module (raw reads, meters/raw-read.ts) and returns it as a LogView: only the
// header and the records not dealt with yet (plus a few for context), not the whole ring.
// - ET81 (guide pp. 184–185): the 6-byte header, then the newest entries. A meter before firmware 3.70 has no ET81
//   (the read fails), and one whose ET81 holds no entries says so (list type false: "set to False if the maximum
//   number of entries is 0"): then the primary event log BT74 (pp. 240–242) is used, with its record size from BT71.3
//   and its ring size from BT71.5 (ANSI C12.19 ACT_LOG_TBL).
// Reads go one at a time, `spacingMs` apart (guide pp. 51, 260: at most one table read per second on average).
import { READ_MAX_COUNT } from '../../../discovery/contract';
import { BT71, BT74, decodeBt71, decodeEventLog, EVENT_LOG_HEADER } from '../../../device/src/meter/tables/bt74-event-log';
import { decodeEt81, ET81_ENTRY, ET81_HEADER } from '../../../device/src/meter/tables/et81-outage-log';
import { ET81 } from '../../../device/src/meter/tables/lp-config';
import { rawRead, RawReadError, RawReadOptions, ReadSender } from '../meters/raw-read';
import { newestRanges, ringSize } from './log-ranges';
import { LogSource, LogView, seqAfter, viewOfEt81, viewOfEventLog } from './log-view';

export interface LogReadOptions extends RawReadOptions {
  /** Pause between two reads, ms. Default 1000. */
  spacingMs?: number;
}

/** Where the reading starts: the log used last time and its newest sequence number dealt with (null: none yet). */
export interface ReadFrom {
  source: LogSource | null;
  lastSeq: number | null;
}

/** The meter refused both ET81 and its event log: it keeps no outage log a MEP client may read. */
export class NoOutageLogError extends RawReadError {}

export interface LogRead {
  view: LogView;
  reads: number;
  /** Why ET81 was not used (BT74 read instead), for the log. */
  et81Problem?: string;
}

/** Records read, at most, when there is no sequence number to start from (a first read, a log that went backwards):
 *  the outages that ended since the watch began are found by time among them. ET81 holds at most 253 (guide p. 108). */
const BY_TIME_READ = { ET81: 253, BT74: 64 };
/** BT74 records read before the new ones, to find the power down of a new power up. */
const BT74_CONTEXT = 2;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The module relayed the meter's error reply to the read ("ET81: service not supported (0x2)", meter/session.ts
 *  failJob), not a failure of the module or the link. A wrong key (0x0b) or a sequence reply (0x0c) says nothing about
 *  the table. */
export function meterRefused(message: string): boolean {
  const code = /\(0x([0-9a-f]{1,2})\)$/.exec(message)?.[1];
  return code !== undefined && ![0x0b, 0x0c].includes(parseInt(code, 16));
}

function toRead(source: LogSource, from: ReadFrom, lastSeq: number, valid: number, context: number): number {
  if (from.source !== source || from.lastSeq === null) return Math.min(valid, BY_TIME_READ[source]);
  const ahead = seqAfter(lastSeq, from.lastSeq);
  if (ahead >= 0x8000) return Math.min(valid, BY_TIME_READ[source]);
  return ahead === 0 ? 0 : Math.min(valid, ahead + context);
}

/** The outage log of module `deviceId`'s meter: ET81, else BT74. `zone` reads ET81's local times. */
export async function readOutageLog(sender: ReadSender, deviceId: string, from: ReadFrom, zone: string, options: LogReadOptions = {}): Promise<LogRead> {
  const spacing = options.spacingMs ?? 1000;
  let reads = 0;
  const read = async (table: number, offset: number, count: number): Promise<Uint8Array> => {
    if (reads > 0 && spacing > 0) await sleep(spacing);
    reads++;
    return rawRead(sender, deviceId, table, offset, count, options);
  };
  let et81Problem: string | undefined;
  if (from.source !== 'BT74') {
    let header: Uint8Array | null = null;
    try {
      header = await read(ET81, 0, ET81_HEADER);
    } catch (err) {
      // Only the meter's refusal means "no ET81"; a module that is away, busy or restarting is tried again later.
      if (!(err instanceof RawReadError) || !meterRefused(err.message)) throw err;
      et81Problem = err.message;
    }
    if (header !== null) {
      const circular = (header[0]! & 0x04) !== 0;
      const valid = header[1]!;
      if (circular || valid > 0) {
        const lastEntry = header[2]!;
        const lastSeq = header[3]! | (header[4]! << 8);
        const capacity = ringSize(valid, lastEntry);
        const n = toRead('ET81', from, lastSeq, valid, 0);
        const image = new Uint8Array(ET81_HEADER + capacity * ET81_ENTRY);
        image.set(header, 0);
        for (const r of newestRanges(lastEntry, capacity, n, ET81_HEADER, ET81_ENTRY, READ_MAX_COUNT)) image.set(await read(ET81, r.offset, r.count), r.offset);
        const decoded = decodeEt81(image);
        if (!decoded.ok) throw new RawReadError(decoded.message);
        const log = { ...decoded.value, entries: decoded.value.entries.slice(0, n) };
        return { view: viewOfEt81(log, zone), reads };
      }
      et81Problem = 'the meter\'s ET81 holds no entries (its outage log is off)';
    }
  }
  let bt71Bytes: Uint8Array;
  try {
    bt71Bytes = await read(BT71, 0, 7);
  } catch (err) {
    if (et81Problem !== undefined && err instanceof RawReadError && meterRefused(err.message)) {
      throw new NoOutageLogError(`the meter has neither an outage log (${et81Problem}) nor an event log it lets us read (${err.message})`);
    }
    throw err;
  }
  const bt71 = decodeBt71(bt71Bytes);
  if (!bt71.ok) throw new RawReadError(bt71.message);
  const size = 12 + bt71.value.argumentSize;
  const header = await read(BT74, 0, EVENT_LOG_HEADER);
  const valid = header[1]! | (header[2]! << 8);
  const lastEntry = header[3]! | (header[4]! << 8);
  const lastSeq = (header[5]! | (header[6]! << 8)) >>> 0; // low half of the UINT32: the records carry only that
  const capacity = Math.max(bt71.value.historyEntries, ringSize(valid, lastEntry));
  const n = toRead('BT74', from, lastSeq, valid, BT74_CONTEXT);
  const image = new Uint8Array(EVENT_LOG_HEADER + capacity * size);
  image.set(header, 0);
  for (const r of newestRanges(lastEntry, capacity, n, EVENT_LOG_HEADER, size, READ_MAX_COUNT)) image.set(await read(BT74, r.offset, r.count), r.offset);
  const decoded = decodeEventLog(image, bt71.value.argumentSize, BT74);
  if (!decoded.ok) throw new RawReadError(decoded.message);
  const log = { ...decoded.value, events: decoded.value.events.slice(0, n) };
  return { view: viewOfEventLog(log), reads, ...(et81Problem !== undefined ? { et81Problem } : {}) };
}
