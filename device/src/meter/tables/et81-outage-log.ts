// ET81 Power Outage Log (guide pp. 184–185; fw ≥ 3.70): a circular queue of outages with start and end times in
// the meter's LOCAL time. Header: flags (b0 order, b1 overflow, b2 circular), valid entries, last entry element,
// last entry sequence number (UINT16, never reset), unread entries; then 12-byte entries (two LTIME_DATE).
// The entry count the table holds comes from ET36 / ET42 ("Power Outage Log Count"): here, from the length.
// Node-side only.
import { Decoded, decodeError, decodeWith } from './decode';
import { bit } from './fields';
import { ET81, ltimeDateMs } from './lp-config';

export interface OutageEntry {
  /** Sequence number, derived from the header's last sequence number walking back. */
  seq: number;
  /** Local meter time read as if UTC (the table carries no offset), ms. */
  startLocalMs: number | null;
  endLocalMs: number | null;
}

export interface Et81 {
  overflow: boolean;
  circular: boolean;
  validEntries: number;
  lastEntry: number;
  lastSeq: number;
  unread: number;
  /** Newest first (walked back from lastEntry, as the guide recommends for BT26 and ET81-like queues). */
  entries: OutageEntry[];
}

export const ET81_HEADER = 6;
export const ET81_ENTRY = 12;

export function decodeEt81(data: Uint8Array): Decoded<Et81> {
  if (data.length < ET81_HEADER) return decodeError(ET81, 0, `table too short (${data.length} bytes)`);
  return decodeWith(ET81, data, (r) => {
    const flags = r.u8();
    const validEntries = r.u8();
    const lastEntry = r.u8();
    const lastSeq = r.u16le();
    const unread = r.u8();
    const capacity = Math.floor((data.length - ET81_HEADER) / ET81_ENTRY);
    if (validEntries > capacity) return decodeError(ET81, 1, `${validEntries} valid entries but room for ${capacity}`);
    if (validEntries > 0 && lastEntry >= capacity) return decodeError(ET81, 2, `last entry ${lastEntry} past the ${capacity} entries`);
    const entries: OutageEntry[] = [];
    for (let k = 0; k < validEntries; k++) {
      const e = (lastEntry - k + capacity) % capacity;
      const at = ET81_HEADER + e * ET81_ENTRY;
      entries.push({ seq: (lastSeq - k + 0x10000) % 0x10000, startLocalMs: ltimeDateMs(data, at), endLocalMs: ltimeDateMs(data, at + 6) });
    }
    return { overflow: bit(flags, 1), circular: bit(flags, 2), validEntries, lastEntry, lastSeq, unread, entries };
  });
}
