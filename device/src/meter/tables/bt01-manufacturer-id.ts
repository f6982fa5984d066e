// BT01 GENERAL_MFG_ID_TBL (spec §10.1): who made the meter and which firmware it runs. 32 bytes; the reference
// needs 16, so a 16..31-byte table decodes without the serial number.
import { ByteReader } from '../bytes';
import { BT01 } from '../table-ids';
import { trimEnd } from './fields';
import { Decoded, decodeWith } from './decode';

export interface Bt01 {
  /** MANUFACTURER, 4 ASCII characters as sent (not trimmed: "NES " keeps its space, as the reference shows it). */
  manufacturer: string;
  /** ED_MODEL, 8 ASCII characters, trailing spaces trimmed. */
  model: string;
  hwVersion: number;
  hwRevision: number;
  fwVersion: number;
  fwRevision: number;
  /** MFG_SERIAL_NUMBER, 16 ASCII characters trimmed (real format UNKNOWN); null when the table is under 32 bytes. */
  mfgSerial: string | null;
}

/** Bytes the reference needs (spec §10.1). */
export const BT01_MIN_LENGTH = 16;
export const BT01_LENGTH = 32;

function readBt01(r: ByteReader): Bt01 {
  const manufacturer = r.ascii(4);
  const model = trimEnd(r.ascii(8));
  const hwVersion = r.u8();
  const hwRevision = r.u8();
  const fwVersion = r.u8();
  const fwRevision = r.u8();
  const mfgSerial = r.remaining() >= 16 ? trimEnd(r.ascii(16)) : null;
  return { manufacturer, model, hwVersion, hwRevision, fwVersion, fwRevision, mfgSerial };
}

export function decodeBt01(data: Uint8Array): Decoded<Bt01> {
  return decodeWith(BT01, data, readBt01);
}
