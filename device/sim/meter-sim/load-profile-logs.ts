// The simulated meter's logs of its outages (load-profile.ts keeps the outages): ET81 Power Outage Log (guide
// pp. 184–185, local times) and the primary event log BT74 with BT71 (pp. 240–242), where an outage is a "primary
// power down" at its start and a "primary power up" at its end (ANSI C12.19 standard event codes 1 and 2: the guide
// defers event ids to the meter's documentation [INFERRED for these meters]), user id 0xFFFF (no user logged in).
import { ByteWriter } from '../../src/meter/bytes';
import { EVENT_POWER_DOWN, EVENT_POWER_UP } from '../../src/meter/tables/bt74-event-log';

export interface LoggedOutage {
  startMs: number;
  endMs: number;
}

/** LTIME_DATE: YY MM DD hh mm ss of `ms` read as UTC. */
export function ltime(w: ByteWriter, ms: number): ByteWriter {
  const d = new Date(ms);
  return w.u8(d.getUTCFullYear() - 2000).u8(d.getUTCMonth() + 1).u8(d.getUTCDate()).u8(d.getUTCHours()).u8(d.getUTCMinutes()).u8(d.getUTCSeconds());
}

/** ET81 with room for `capacity` entries; `outages` oldest first (all that ended), local = UTC + offset. */
export function et81Image(outages: LoggedOutage[], capacity: number, localOffsetMs: number): Uint8Array {
  const n = outages.length;
  const valid = Math.min(n, capacity);
  const out = new Uint8Array(6 + 12 * capacity);
  out[0] = 0x04 | (n > capacity ? 0x02 : 0); // circular; overflow once an entry was overwritten
  out[1] = valid;
  out[2] = n ? (n - 1) % capacity : 0;
  out[3] = n & 0xff; // last sequence number (never reset): one per outage
  out[4] = (n >> 8) & 0xff;
  out[5] = valid; // nobody reads them as the head end would
  for (let k = 0; k < n; k++) {
    const o = outages[k] as LoggedOutage;
    const w = ltime(new ByteWriter(12), o.startMs + localOffsetMs);
    out.set(ltime(w, o.endMs + localOffsetMs).toBytes(), 6 + 12 * (k % capacity));
  }
  return out;
}

/** BT71 as far as the history log needs it: flags (date/time + sequence number), argument size, entry count. */
export function bt71Image(argumentSize: number, entries: number): Uint8Array {
  return new ByteWriter(9).u8(0x06).u8(2).u8(0).u8(argumentSize).u8(0).u16le(entries).u16le(0).toBytes();
}

/** BT74: a power down and a power up per outage (a start only while it lasts), UTC, circular. */
export function bt74Image(outages: LoggedOutage[], now: number, capacity: number, argumentSize: number): Uint8Array {
  const events: { t: number; code: number }[] = [];
  for (const o of outages) {
    if (o.startMs <= now) events.push({ t: o.startMs, code: EVENT_POWER_DOWN });
    if (o.endMs <= now) events.push({ t: o.endMs, code: EVENT_POWER_UP });
  }
  events.sort((a, b) => a.t - b.t);
  const size = 12 + argumentSize;
  const n = events.length;
  const out = new Uint8Array(11 + size * capacity);
  const head = new ByteWriter(11).u8(0x04 | (n > capacity ? 0x02 : 0)).u16le(Math.min(n, capacity)).u16le(n ? (n - 1) % capacity : 0);
  out.set(head.u16le(n & 0xffff).u16le(n >>> 16).u16le(Math.min(n, capacity)).toBytes(), 0);
  events.forEach((e, k) => {
    const w = ltime(new ByteWriter(size), e.t).u16le((k + 1) & 0xffff).u16le(0xffff).u16le(e.code);
    out.set(w.toBytes(), 11 + size * (k % capacity));
  });
  return out;
}
