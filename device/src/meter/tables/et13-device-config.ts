// ET13 MEP/M-Bus device configuration (spec §10.9; guide pp. 80–83): ET11 byte 0 entries of E bytes (E = ET11 byte
// 1, ctx.entrySize): entries 0–3 are M-Bus devices 1–4, entry 4 (at 4·E) MEP client 1, entry 5 (Gen 4) MEP client 2.
// Multi-byte fields are little-endian (guide p. 40). The reference loops over a fixed layout
// and can overflow (spec §17 #6, #9); here any E and any length decode without reading past an entry or the data:
// a field that does not fit is null. SECURITY: the M-Bus security key (entry bytes 30..61) is never copied into
// the output; only its declared length and whether one is set are exposed.
import { ET13 } from '../table-ids';
import { asciiAt, copyBytes, u16leAt, u8At } from './fields';
import { Decoded, decodeError, decodeWith } from './decode';

export interface Et13Context {
  /** E, the entry size from ET11 byte 1 (expected 66). */
  entrySize?: number;
  /** Entries, ET11 byte 0: 6 on a Gen 4 meter with two MEP ports (then entry 5 is MEP2); default 5. */
  entries?: number;
}

export type BillingDayKind = 'dayOfMonth' | 'weekday' | 'disabled' | 'unknown';

/** Scheduled billing read day: 0–30 day of month (whether 0 means the 1st is UNKNOWN, so the code is kept),
 *  32–38 Sunday…Saturday, 39 disabled; 31 and ≥ 40 are 'unknown' (31 crashed the reference, spec §17 #9). */
export interface BillingDay {
  kind: BillingDayKind;
  code: number;
  /** 0 = Sunday … 6 = Saturday for kind 'weekday', else null. */
  weekday: number | null;
}

export type BillingFrequency = 'hourly' | 'daily' | 'weekly' | 'monthly' | 'never' | 'unknown';

/** Entry bytes 0–7, the same in M-Bus and MEP entries; a field past the end of a cut entry is null. */
export interface Et13Schedule {
  /** Byte 0 (an entry is never empty, so this is always present). */
  billingDay: BillingDay;
  billingHour: number | null;
  billingMinute: number | null;
  billingFrequencyCode: number | null;
  /** Codes ≥ 5 are 'unknown' (they indexed past the reference's string array, spec §17 #9). */
  billingFrequency: BillingFrequency | null;
  /** Bytes 4–5, UINT16 LE (guide p. 40). */
  statusReadFrequency: number | null;
  baudRateCode: number | null;
  /** bit/s; null for reserved codes (≥ 13). */
  baudRate: number | null;
  /** Device alarm bitmask. */
  alarmMask: number | null;
}

export interface Et13MbusEntry {
  /** All E bytes of the entry are in the data (fields past E, when E < 66, are still null). */
  complete: boolean;
  schedule: Et13Schedule;
  /** Bytes 8–27, ASCII, trimmed. */
  customerId: string | null;
  applicationResetParameter: number | null;
  /** Byte 29: bytes of the security key in use. The key itself is never decoded (secret). */
  securityKeyLength: number | null;
  /** A key is configured (securityKeyLength > 0). */
  securityKeySet: boolean | null;
  /** Bytes 62–63, UINT16 LE. */
  ta: number | null;
  /** Bytes 64–65, UINT16 LE. */
  to: number | null;
}

export interface Et13MepEntry {
  complete: boolean;
  schedule: Et13Schedule;
  /** Byte 8: MEP alert flags (guide pp. 82–83): b0 scheduled read request, b1 on-demand request pending in ET15,
   *  b3 M-Bus change, b4 delta data alert. */
  alertFlags: number | null;
  /** Bytes 9..E−1: "non-urgent downlink data" (57 bytes when E = 66), as many as are present. */
  downlinkData: Uint8Array;
}

export interface Et13 {
  entrySize: number;
  /** All 5·E bytes are present. */
  complete: boolean;
  /** Always 4 slots (M-Bus devices 1–4); null when the entry starts past the end of the data. */
  mbus: (Et13MbusEntry | null)[];
  /** MEP client 1 (entry 4). */
  mep: Et13MepEntry | null;
  /** MEP client 2 (entry 5, Gen 4 meters with two MEP ports); null when the table has no sixth entry. */
  mep2: Et13MepEntry | null;
}

const MBUS_ENTRIES = 4;
/** E is one byte on the wire; anything up to a 16-bit size is accepted, larger (or Infinity) is a bad context. */
const MAX_ENTRY_SIZE = 0xffff;
/** bit/s per baud-rate code 0..12 (spec §10.9); 0 is the MEP default 9600. */
const BAUD_RATES = [9600, 300, 600, 1200, 2400, 4800, 9600, 14400, 19200, 28800, 38400, 57600, 115200];
const FREQUENCIES: BillingFrequency[] = ['hourly', 'daily', 'weekly', 'monthly', 'never'];

/** Table offset of the MEP entry: entry 4 for MEP1, entry 5 for MEP2 (guide p. 80). */
export function et13MepEntryOffset(entrySize: number, port?: number): number {
  return (port === 2 ? 5 : 4) * entrySize;
}

/** Table offset of the MEP alert-flags byte the alert chain reads (spec §13 step 2; guide p. 83). */
export function et13AlertFlagsOffset(entrySize: number, port?: number): number {
  return et13MepEntryOffset(entrySize, port) + 8;
}

export function billingDay(code: number): BillingDay {
  if (code <= 30) return { kind: 'dayOfMonth', code, weekday: null };
  if (code >= 32 && code <= 38) return { kind: 'weekday', code, weekday: code - 32 };
  if (code === 39) return { kind: 'disabled', code, weekday: null };
  return { kind: 'unknown', code, weekday: null };
}

export function billingFrequency(code: number): BillingFrequency {
  const f = code >= 0 && code < FREQUENCIES.length ? FREQUENCIES[code] : undefined;
  return f === undefined ? 'unknown' : f;
}

export function baudRate(code: number): number | null {
  const b = code >= 0 && code < BAUD_RATES.length ? BAUD_RATES[code] : undefined;
  return b === undefined ? null : b;
}

/** `e` is a non-empty entry (entryBytes never returns an empty one). */
function readSchedule(e: Uint8Array): Et13Schedule {
  const freq = u8At(e, 3);
  const baud = u8At(e, 6);
  return {
    billingDay: billingDay(e[0] as number),
    billingHour: u8At(e, 1),
    billingMinute: u8At(e, 2),
    billingFrequencyCode: freq,
    billingFrequency: freq === null ? null : billingFrequency(freq),
    statusReadFrequency: u16leAt(e, 4),
    baudRateCode: baud,
    baudRate: baud === null ? null : baudRate(baud),
    alarmMask: u8At(e, 7),
  };
}

/** M-Bus entry; entry bytes 30..61 (the security key) are deliberately never read. */
function readMbus(e: Uint8Array, complete: boolean): Et13MbusEntry {
  const keyLength = u8At(e, 29);
  return {
    complete,
    schedule: readSchedule(e),
    customerId: asciiAt(e, 8, 20),
    applicationResetParameter: u8At(e, 28),
    securityKeyLength: keyLength,
    securityKeySet: keyLength === null ? null : keyLength > 0,
    ta: u16leAt(e, 62),
    to: u16leAt(e, 64),
  };
}

function readMep(e: Uint8Array, complete: boolean): Et13MepEntry {
  return { complete, schedule: readSchedule(e), alertFlags: u8At(e, 8), downlinkData: copyBytes(e, 9, e.length) };
}

/** Entry i clipped to the data, or null when it starts past the end. */
function entryBytes(data: Uint8Array, i: number, size: number): Uint8Array | null {
  const start = i * size;
  if (start >= data.length) return null;
  return data.subarray(start, Math.min(start + size, data.length));
}

function readEt13(data: Uint8Array, size: number, entries: number): Et13 {
  const mbus: (Et13MbusEntry | null)[] = [];
  for (let i = 0; i < MBUS_ENTRIES; i++) {
    const e = entryBytes(data, i, size);
    mbus.push(e === null ? null : readMbus(e, e.length === size));
  }
  const m = entryBytes(data, MBUS_ENTRIES, size);
  const mep = m === null ? null : readMep(m, m.length === size);
  const m2 = entries > MBUS_ENTRIES + 1 ? entryBytes(data, MBUS_ENTRIES + 1, size) : null;
  const mep2 = m2 === null ? null : readMep(m2, m2.length === size);
  return { entrySize: size, complete: data.length >= 5 * size, mbus, mep, mep2 };
}

/** Any integer E 1..65535 and any non-empty length decode (partially: see Et13); E missing/invalid or no data is an error. */
export function decodeEt13(data: Uint8Array, ctx?: Et13Context): Decoded<Et13> {
  const size = ctx ? ctx.entrySize : undefined;
  if (size === undefined || !(size >= 1 && size <= MAX_ENTRY_SIZE) || Math.floor(size) !== size) {
    return decodeError(ET13, 0, 'layout needs the entry size from ET11 byte 1 (ctx.entrySize, an integer 1..65535)');
  }
  if (data.length === 0) return decodeError(ET13, 0, 'table is empty');
  const entries = ctx && ctx.entries ? ctx.entries : MBUS_ENTRIES + 1;
  return decodeWith(ET13, data, (r) => readEt13(r.bytes, size, entries));
}
