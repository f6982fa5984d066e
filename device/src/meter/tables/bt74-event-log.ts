// BT74 History Log Data, the primary event log (guide pp. 240–242; ET79, the alternate log, has the same layout,
// pp. 179–181), and the two fields of BT71 Actual Log it needs (the guide cites BT71.3 argument size and BT71.5 entry
// count; ET42 mirrors them at 40 and 38, p. 114). Header: flags (b0 order, b1 overflow, b2 circular), valid entries
// UINT16, last entry element UINT16, last sequence number UINT32, unread UINT16; then records of 12 + BT71.3 bytes:
// time LTIME_DATE (UTC), sequence number UINT16 (low half of the shared event sequence), user id UINT16 (0xFFFF no
// user, 0xFFFE PLC/P2P/G3, 0xFFFD a MEP client), event UINT(0..11), argument.
// The guide leaves event ids to the meter's documentation; ANSI C12.19's standard codes (1 primary power down,
// 2 primary power up, 3/4 time changed old/new …) are what the simulator uses. Node-side only.
import { Decoded, decodeError, decodeWith } from './decode';
import { bit } from './fields';
import { ltimeDateMs } from './lp-config';

export const BT71 = 0x0047;
export const BT74 = 0x004a;
export const ET79 = 0x084f;

/** C12.19 standard event codes the backfill cares about. */
export const EVENT_POWER_DOWN = 1;
export const EVENT_POWER_UP = 2;

export interface Bt71 {
  /** BT71.0 log flags (event number, date/time, sequence number present …). */
  flags: number;
  /** BT71.3: argument bytes per history record. */
  argumentSize: number;
  /** BT71.5: history log entries. */
  historyEntries: number;
}

/** The fields of BT71 the history log needs (offsets 0, 3, 5; C12.19 ACT_LOG_TBL order). */
export function decodeBt71(data: Uint8Array): Decoded<Bt71> {
  return decodeWith(BT71, data, (r) => {
    const flags = r.u8();
    r.skip(2); // standard / manufacturer event counts
    const argumentSize = r.u8();
    r.skip(1); // event data length
    return { flags, argumentSize, historyEntries: r.u16le() };
  });
}

export interface LogEvent {
  /** Event sequence number, low 16 bits (shared by BT74 and ET79). */
  seq: number;
  timeMs: number | null;
  userId: number;
  event: number;
  argument: Uint8Array;
}

export interface EventLog {
  overflow: boolean;
  circular: boolean;
  validEntries: number;
  lastEntry: number;
  lastSeq: number;
  unread: number;
  /** Newest first, walked back from the last entry (circular). */
  events: LogEvent[];
}

export const EVENT_LOG_HEADER = 11;

/** BT74 or ET79 (`table`) with records of 12 + `argumentSize` bytes (BT71.3 / ET42 offset 40). */
export function decodeEventLog(data: Uint8Array, argumentSize: number, table?: number): Decoded<EventLog> {
  const id = table === undefined ? BT74 : table;
  if (data.length < EVENT_LOG_HEADER) return decodeError(id, 0, `table too short (${data.length} bytes)`);
  return decodeWith(id, data, (r) => {
    const flags = r.u8();
    const validEntries = r.u16le();
    const lastEntry = r.u16le();
    const lastSeq = r.u32le();
    const unread = r.u16le();
    const size = 12 + argumentSize;
    const capacity = Math.floor((data.length - EVENT_LOG_HEADER) / size);
    if (validEntries > capacity) return decodeError(id, 1, `${validEntries} valid entries but room for ${capacity}`);
    if (validEntries > 0 && lastEntry >= capacity) return decodeError(id, 3, `last entry ${lastEntry} past the ${capacity} entries`);
    const events: LogEvent[] = [];
    for (let k = 0; k < validEntries; k++) {
      const at = EVENT_LOG_HEADER + ((lastEntry - k + capacity) % capacity) * size;
      events.push({
        timeMs: ltimeDateMs(data, at),
        seq: (data[at + 6] as number) | ((data[at + 7] as number) << 8),
        userId: (data[at + 8] as number) | ((data[at + 9] as number) << 8),
        event: ((data[at + 10] as number) | ((data[at + 11] as number) << 8)) & 0x0fff,
        argument: new Uint8Array(data.subarray(at + 12, at + size)),
      });
    }
    return { overflow: bit(flags, 1), circular: bit(flags, 2), validEntries, lastEntry, lastSeq, unread, events };
  });
}
