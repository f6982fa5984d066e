// ET50 MEP inbound data space (spec §10.10): MEP ID, the MEP flags byte whose bit 1 tells the alert chain where
// EP39 results are posted (BT08 or ET58, spec §13), and display-control words. Words and longs are little-endian
// (the reference copies raw bytes). The reference reads up to byte 67 after checking only 31: here a shorter
// table decodes what is present (whole elements only) with complete = false.
import { ByteReader, toHex } from '../bytes';
import { BT08, ET50, ET58 } from '../table-ids';
import { bit, i32leAt, u16leAt, u8At } from './fields';
import { Decoded, decodeWith } from './decode';

export interface Et50 {
  /** The table has all 68 bytes. */
  complete: boolean;
  /** Bytes 0..29, the MEP identification string, as hex. */
  mepIdHex: string;
  /** Byte 30: MEP flags. */
  mepFlags: number;
  /** Bit 1 of the MEP flags: EP39 results are posted to ET58 instead of BT08. */
  resultsInEt58: boolean;
  /** The table the alert chain reads the EP39 result from: BT08 (bit 1 clear) or ET58 (bit 1 set). */
  procedureResultTable: number;
  /** Bytes 31..42: 6 × UINT16 LE "data sources icon display control" (only whole values present). */
  iconDisplayControls: number[];
  /** Bytes 43..66: 6 × INT32 LE "data for display / load profile sources" (only whole values present). */
  displayData: number[];
  /** Byte 67: MEP icon display control; null when absent. */
  mepIconDisplayControl: number | null;
}

export const ET50_MIN_LENGTH = 31;
/** Length the layout implies (INFERRED, spec §10.10). */
export const ET50_LENGTH = 68;
/** Offset of the MEP flags byte (the alert chain's single-byte partial read, spec §13 step 3). */
export const ET50_FLAGS_OFFSET = 30;

/** The 6 words (width 2) or longs (width 4) at `at`, stopping at the first one that is not all there. */
function readSix(data: Uint8Array, at: number, width: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < 6; i++) {
    const v = width === 2 ? u16leAt(data, at + 2 * i) : i32leAt(data, at + 4 * i);
    if (v === null) break;
    out.push(v);
  }
  return out;
}

function readEt50(r: ByteReader): Et50 {
  const mepIdHex = toHex(r.bytesOf(30));
  const flags = r.u8();
  const data = r.bytes;
  const inEt58 = bit(flags, 1);
  return {
    complete: data.length >= ET50_LENGTH,
    mepIdHex,
    mepFlags: flags,
    resultsInEt58: inEt58,
    procedureResultTable: inEt58 ? ET58 : BT08,
    iconDisplayControls: readSix(data, 31, 2),
    displayData: readSix(data, 43, 4),
    mepIconDisplayControl: u8At(data, 67),
  };
}

/** Needs bytes 0..30 (ID and flags); the rest is decoded as far as present. Extra bytes are ignored. */
export function decodeEt50(data: Uint8Array): Decoded<Et50> {
  return decodeWith(ET50, data, readEt50);
}
