// Shared shape of every table decoder: bytes + explicit context in, a typed record or a DecodeError out (no throws
// escape a decoder). Table data is the COUNT bytes of a read reply; offsets are table-data offsets (spec §10).
import { ByteReader, ShortReadError } from '../bytes';
import { tableName } from '../table-ids';

export interface DecodeError {
  ok: false;
  table: number;
  /** Table-data offset at which decoding failed. */
  offset: number;
  message: string;
}

export type Decoded<T> = { ok: true; value: T } | DecodeError;

export function decodeError(table: number, offset: number, message: string): DecodeError {
  return { ok: false, table, offset, message: `${tableName(table)} at offset ${offset}: ${message}` };
}

/** Runs `read` over the data; a short read becomes a DecodeError carrying the offset of the field that ran short. */
export function decodeWith<T>(table: number, data: Uint8Array, read: (r: ByteReader) => T | DecodeError): Decoded<T> {
  const reader = new ByteReader(data);
  try {
    const value = read(reader);
    if (value && (value as DecodeError).ok === false) return value as DecodeError;
    return { ok: true, value: value as T };
  } catch (e) {
    const err = e as ShortReadError;
    if (err && err.code === 'short-read') return decodeError(table, err.offset, `table too short (${data.length} bytes)`);
    return decodeError(table, reader.pos, err && err.message ? err.message : 'decode failed');
  }
}
