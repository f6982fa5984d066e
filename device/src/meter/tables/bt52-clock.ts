// BT52 CLOCK_TBL (spec §10.5): the meter clock, 6 binary UINT8 date/time fields (TM_FORMAT 2, spec §8) plus the
// TIME_DATE_QUAL bits. Out-of-range fields are a DecodeError at the offending byte: a garbled clock must not be
// used to set the device time.
import { ByteReader } from '../bytes';
import { BT52 } from '../table-ids';
import { bit } from './fields';
import { Decoded, DecodeError, decodeError, decodeWith } from './decode';

export interface Bt52 {
  /** 2000 + byte 0. */
  year: number;
  /** 1–12. */
  month: number;
  /** 1–28/29/30/31 (checked against the month). */
  day: number;
  /** 0–23. */
  hour: number;
  /** 0–59. */
  minute: number;
  /** 0–59. */
  second: number;
  /** TIME_DATE_QUAL bits 0–2: 0 = Sunday … 6 = Saturday; null for 7 (undefined). */
  dayOfWeek: number | null;
  /** Bit 3: DST in effect. */
  dst: boolean;
  /** Bit 4: the time is GMT/UTC. */
  gmt: boolean;
  /** Bit 5: time-zone offset applied. */
  tzApplied: boolean;
  /** Bit 6: DST offset applied. */
  dstApplied: boolean;
  /** Bit 7: DST supported (not decoded by the reference). */
  dstSupported: boolean;
  /** TIME_DATE_QUAL byte as read. */
  qualifier: number;
}

export const BT52_LENGTH = 7;

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function outOfRange(offset: number, name: string, value: number): DecodeError {
  return decodeError(BT52, offset, `${name} ${value} out of range`);
}

/** Offset of the first field outside its range, or -1. */
function firstBadField(c: Bt52): number {
  if (c.month < 1 || c.month > 12) return 1;
  if (c.day < 1 || c.day > daysInMonth(c.year, c.month)) return 2;
  if (c.hour > 23) return 3;
  if (c.minute > 59) return 4;
  if (c.second > 59) return 5;
  return -1;
}

const FIELD_NAMES = ['year', 'month', 'day', 'hour', 'minute', 'second'];

function readBt52(r: ByteReader): Bt52 | DecodeError {
  const b = r.bytesOf(BT52_LENGTH);
  const q = b[6] as number;
  const c: Bt52 = {
    year: 2000 + (b[0] as number),
    month: b[1] as number,
    day: b[2] as number,
    hour: b[3] as number,
    minute: b[4] as number,
    second: b[5] as number,
    dayOfWeek: (q & 7) === 7 ? null : q & 7,
    dst: bit(q, 3),
    gmt: bit(q, 4),
    tzApplied: bit(q, 5),
    dstApplied: bit(q, 6),
    dstSupported: bit(q, 7),
    qualifier: q,
  };
  const bad = firstBadField(c);
  return bad < 0 ? c : outOfRange(bad, FIELD_NAMES[bad] as string, b[bad] as number);
}

/** Needs 7 bytes (a shorter table fails at offset 0: the clock is read as one unit); extra bytes are ignored. */
export function decodeBt52(data: Uint8Array): Decoded<Bt52> {
  return decodeWith(BT52, data, readBt52);
}

/** Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (no Date.UTC on Espruino). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Milliseconds since the Unix epoch, reading the clock fields as UTC.
 * Choice: that is exact when the GMT bit (4) is set. Without it the fields are local meter time whose offset we do
 * not know (BT53 is never read), so we return null unless `assumeUtc` is true; pass true for reference parity
 * (the reference always sets the ESP32 clock from BT52 as if it were UTC, spec §10.5).
 */
export function bt52EpochMs(clock: Bt52, assumeUtc?: boolean): number | null {
  if (!clock.gmt && !assumeUtc) return null;
  const days = daysFromCivil(clock.year, clock.month, clock.day);
  return ((days * 24 + clock.hour) * 60 + clock.minute) * 60000 + clock.second * 1000;
}
