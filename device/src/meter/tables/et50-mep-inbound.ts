// ET50 MEP inbound data space (spec §10.10; guide pp. 124–127): MEP ID, the MEP flags byte (b0 registered, b1 "ET59
// Response": procedure results in ET59 instead of BT08, b2 M-Bus alerts, b3 delta data alerts; MEP2 always uses ET85),
// and display-control words. An ARRAY[ET11 byte 34] of elements: Gen 4's MEP2 uses the second one. Words and longs are little-endian
// (the reference copies raw bytes). The reference reads up to byte 67 after checking only 31: here a shorter
// table decodes what is present (whole elements only) with complete = false.
import { ByteReader, toHex } from '../bytes';
import { BT08, ET50, ET59, ET85 } from '../table-ids';
import { bit, i32leAt, u16leAt, u8At } from './fields';
import { Decoded, decodeWith } from './decode';

export interface Et50 {
  /** The table has all 68 bytes. */
  complete: boolean;
  /** Bytes 0..29, the MEP identification string, as hex. */
  mepIdHex: string;
  /** Byte 30: MEP flags. */
  mepFlags: number;
  /** Bit 0: a MEP device is registered (only a registered client gets alerts, guide p. 36). */
  registered: boolean;
  /** Bit 1 "ET59 Response": MEP1's procedure results are posted to ET59 instead of BT08 (guide p. 125). */
  resultsInEt59: boolean;
  /** Where MEP1 reads its procedure results: ET59 (bit 1 set) or BT08 (procedureResultTableFor for MEP2). */
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

/** Where a client on MEP `port` (1 or 2, ET70 offset 142) finds its procedure results: MEP2 always ET85; MEP1 ET59
 *  when ET50 flag bit 1 is set, else BT08 (guide pp. 22–24, 125). */
export function procedureResultTableFor(mepFlags: number, port: number): number {
  if (port === 2) return ET85;
  return bit(mepFlags, 1) ? ET59 : BT08;
}

function readEt50(r: ByteReader): Et50 {
  const mepIdHex = toHex(r.bytesOf(30));
  const flags = r.u8();
  const data = r.bytes;
  const inEt59 = bit(flags, 1);
  return {
    complete: data.length >= ET50_LENGTH,
    mepIdHex,
    mepFlags: flags,
    registered: bit(flags, 0),
    resultsInEt59: inEt59,
    procedureResultTable: procedureResultTableFor(flags, 1),
    iconDisplayControls: readSix(data, 31, 2),
    displayData: readSix(data, 43, 4),
    mepIconDisplayControl: u8At(data, 67),
  };
}

/** Needs bytes 0..30 (ID and flags); the rest is decoded as far as present. Extra bytes are ignored. */
export function decodeEt50(data: Uint8Array): Decoded<Et50> {
  return decodeWith(ET50, data, readEt50);
}
