// ET03 utility information (spec §10.7): the utility serial number shown as "Utility_SN", and an image CRC.
// Only bytes 0..29 and 137..138 are known; the table's real length is UNKNOWN, so bytes from 139 on are table
// data too and are kept raw (not treated as over-long input).
import { ByteReader } from '../bytes';
import { ET03 } from '../table-ids';
import { copyBytes, trimEnd, u16leAt } from './fields';
import { Decoded, decodeWith } from './decode';

export interface Et03 {
  /** Bytes 0..29, ASCII, trailing spaces trimmed. */
  utilitySerialNumber: string;
  /** Bytes 137..138, UINT16 LE like every multi-byte table field (guide p. 40; the reference read it big-endian).
   *  Informational only; null when the table is shorter than 139 bytes. */
  imageCrc: number | null;
  /** Bytes 30..136 (meaning UNKNOWN), as many as are present. */
  unknown: Uint8Array;
  /** Bytes from 139 on (meaning UNKNOWN). */
  tail: Uint8Array;
}

export const ET03_SERIAL_LENGTH = 30;
const CRC_OFFSET = 137;
/** Bytes the reference needs (spec §10.7). */
export const ET03_REFERENCE_LENGTH = 139;

function readEt03(r: ByteReader): Et03 {
  const data = r.bytes;
  const utilitySerialNumber = trimEnd(r.ascii(ET03_SERIAL_LENGTH));
  return {
    utilitySerialNumber,
    imageCrc: u16leAt(data, CRC_OFFSET),
    unknown: copyBytes(data, ET03_SERIAL_LENGTH, CRC_OFFSET),
    tail: copyBytes(data, ET03_REFERENCE_LENGTH, data.length),
  };
}

/** Needs the 30-byte serial number; the CRC is decoded when the table has 139 bytes or more. */
export function decodeEt03(data: Uint8Array): Decoded<Et03> {
  return decodeWith(ET03, data, readEt03);
}
