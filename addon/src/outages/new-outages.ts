// Which outages of a meter's log are new (pure): given what a read of its outage log found (log-view.ts) and what was
// reported before (the cursor, kept on disk by outage-store.ts), the outages to report now, oldest first, and the
// cursor after them. Sequence numbers are UINT16 and wrap (ET81's is "never reset", guide p. 185); the log is a
// circular queue, so records the meter overwrote before they were read are counted as lost, not invented.
// - First run for a meter (no cursor): nothing older than when the add-on started watching it is reported (no flood of
//   old outages after an install); the newest outage becomes the "Last outage" sensor's value all the same.
// - The log went backwards (a reset, another meter, the other log): only outages that ended after the last one known
//   and after the watching started are reported.
// - Records with an unknown or inverted time are skipped (counted); an outage in progress is left for a later read.
import { LogSource, LogView, OutageRecord, seqAfter } from './log-view';

export interface Outage {
  seq: number;
  /** UTC, epoch ms. */
  startMs: number;
  endMs: number;
  durationS: number;
}

export interface OutageCursor {
  /** The log the sequence number belongs to (the numbers of ET81 and BT74 are unrelated). */
  source: LogSource | null;
  /** Newest sequence number dealt with; null before the first read. */
  lastSeq: number | null;
  /** The newest outage known (the "Last outage" sensor). */
  last: Outage | null;
  /** Epoch ms since when the add-on watches this meter: outages that ended before it are never announced. */
  watchingSince: number;
}

export interface OutageStep {
  /** Outages to announce, oldest first. */
  fresh: Outage[];
  /** The cursor once all of them are announced. */
  cursor: OutageCursor;
  /** Records skipped for an unknown or inverted time. */
  skipped: number;
  /** Sequence numbers the meter overwrote before they were read (for ET81, outages). */
  lost: number;
  inProgressSince: number | null;
}

const HALF = 0x8000;

function complete(r: OutageRecord): Outage | null {
  if (r.startMs === null || r.endMs === null || r.endMs < r.startMs) return null;
  return { seq: r.seq, startMs: r.startMs, endMs: r.endMs, durationS: Math.round((r.endMs - r.startMs) / 1000) };
}

/** The step for one read of the log. */
export function newOutages(view: LogView, cursor: OutageCursor): OutageStep {
  const settledRecords = view.outages.filter((r) => seqAfter(view.settledSeq, r.seq) < HALF);
  const sameLog = cursor.source === view.source && cursor.lastSeq !== null && seqAfter(view.lastSeq, cursor.lastSeq) < HALF;
  let candidates: OutageRecord[];
  let lost = 0;
  if (sameLog) {
    const from = cursor.lastSeq as number;
    candidates = settledRecords.filter((r) => { const d = seqAfter(r.seq, from); return d > 0 && d < HALF; });
    const gap = seqAfter(view.oldestSeq, from);
    if (gap > 1 && gap < HALF) lost = gap - 1;
  } else {
    // No cursor for this log: by time only.
    const after = Math.max(cursor.watchingSince, cursor.last ? cursor.last.endMs + 1 : -Infinity);
    candidates = settledRecords.filter((r) => r.endMs !== null && r.endMs >= after);
  }
  const fresh: Outage[] = [];
  let skipped = 0;
  for (const r of [...candidates].reverse()) {
    const o = complete(r);
    if (o === null) skipped++;
    else if (o.endMs >= cursor.watchingSince) fresh.push(o);
  }
  const newestKnown = settledRecords.map(complete).find((o): o is Outage => o !== null) ?? null;
  const last = fresh.length > 0 ? fresh[fresh.length - 1]! : newer(newestKnown, cursor.last);
  // The cursor never moves back within one log (a read that saw fewer records than before settles nothing older).
  const lastSeq = sameLog && seqAfter(view.settledSeq, cursor.lastSeq as number) >= HALF ? cursor.lastSeq : view.settledSeq;
  return {
    fresh,
    cursor: { source: view.source, lastSeq, last, watchingSince: cursor.watchingSince },
    skipped,
    lost,
    inProgressSince: view.inProgressSince,
  };
}

function newer(a: Outage | null, b: Outage | null): Outage | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.endMs >= b.endMs ? a : b;
}
