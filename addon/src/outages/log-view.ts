// The meter's outage records as one shape (pure), from either log it may keep:
// - ET81 Power Outage Log (fw ≥ 3.70, guide pp. 184–185): one entry per outage, start and end in LOCAL time, a UINT16
//   sequence number that is never reset; converted to UTC in the given zone (meter-time.ts). An entry with a start
//   but no end is an outage still in progress.
// - BT74 History Log (guide pp. 240–242), for meters without ET81: a "primary power down" then a "primary power up"
//   event (times in UTC) make one outage, known by the power up's sequence number; a power down with no power up after
//   it is an outage still in progress. The guide leaves event ids to the meter's documentation: the ANSI C12.19
//   standard codes 1 and 2 are used, as in the simulator [INFERRED]. Record sequence numbers are the low half of a
//   sequence shared with the alternate log ET79 (p. 241), so BT74 alone has gaps: "lost" counts for it are an upper
//   bound.
// `settledSeq` is the newest sequence number whose record is final: what was already reported may move up to it,
// never past an outage in progress (it is reported once it has ended).
import type { Et81 } from '../../../device/src/meter/tables/et81-outage-log';
import { EVENT_POWER_DOWN, EVENT_POWER_UP, type EventLog } from '../../../device/src/meter/tables/bt74-event-log';
import { spanOf, instantsOf } from './meter-time';

export type LogSource = 'ET81' | 'BT74';

/** One outage record; null times are unknown (an unset clock, a power down outside what was read). */
export interface OutageRecord {
  seq: number;
  startMs: number | null;
  endMs: number | null;
}

export interface LogView {
  source: LogSource;
  /** Sequence number of the log's newest record (UINT16 space). */
  lastSeq: number;
  /** Newest record that is final (lastSeq unless an outage is in progress). */
  settledSeq: number;
  /** Oldest sequence number the records read cover (lastSeq + 1 when none were read). */
  oldestSeq: number;
  /** Outages found in the records read, newest first, UTC. */
  outages: OutageRecord[];
  /** Start (UTC) of an outage still in progress, else null. */
  inProgressSince: number | null;
}

export const SEQ_MOD = 0x10000;
export const seqAdd = (seq: number, n: number): number => (((seq + n) % SEQ_MOD) + SEQ_MOD) % SEQ_MOD;
/** How far `a` is after `b` in a UINT16 sequence that wraps (0 when equal; over 0x7fff means `a` is before `b`). */
export const seqAfter = (a: number, b: number): number => seqAdd(a, -b);

/** ET81 as decoded (its entries may be only the newest few: those read), local times in `zone`. */
export function viewOfEt81(log: Et81, zone: string): LogView {
  const outages = log.entries.map((e): OutageRecord => {
    if (e.startLocalMs !== null && e.endLocalMs !== null) return { seq: e.seq, ...spanOf(e.startLocalMs, e.endLocalMs, zone) };
    return { seq: e.seq, startMs: e.startLocalMs === null ? null : instantsOf(e.startLocalMs, zone)[0]!, endMs: e.endLocalMs === null ? null : instantsOf(e.endLocalMs, zone)[0]! };
  });
  const lastSeq = log.lastSeq % SEQ_MOD;
  const newest = outages[0];
  const open = newest !== undefined && newest.seq === lastSeq && newest.startMs !== null && newest.endMs === null;
  return {
    source: 'ET81',
    lastSeq,
    settledSeq: open ? seqAdd(lastSeq, -1) : lastSeq,
    oldestSeq: seqAdd(lastSeq, 1 - outages.length),
    outages: open ? outages.slice(1) : outages,
    inProgressSince: open ? newest.startMs : null,
  };
}

/** BT74 (or ET79) as decoded (its events may be only the newest few). */
export function viewOfEventLog(log: EventLog): LogView {
  const lastSeq = log.lastSeq % SEQ_MOD;
  const oldestFirst = [...log.events].reverse();
  const outages: OutageRecord[] = [];
  let down: { seq: number; timeMs: number | null } | null = null;
  for (const e of oldestFirst) {
    if (e.event === EVENT_POWER_DOWN) {
      down = { seq: e.seq, timeMs: e.timeMs };
    } else if (e.event === EVENT_POWER_UP) {
      // A power up whose power down is older than the events read has no known start.
      outages.push({ seq: e.seq, startMs: down?.timeMs ?? null, endMs: e.timeMs });
      down = null;
    }
  }
  const open = down;
  return {
    source: 'BT74',
    lastSeq,
    settledSeq: open !== null ? seqAdd(open.seq, -1) : lastSeq,
    oldestSeq: log.events.length > 0 ? log.events[log.events.length - 1]!.seq : seqAdd(lastSeq, 1),
    outages: outages.reverse(),
    inProgressSince: open !== null ? open.timeMs : null,
  };
}
