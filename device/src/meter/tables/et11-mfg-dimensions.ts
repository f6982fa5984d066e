// ET11 MFG dimension table (spec §10.8; guide pp. 77–79): sizes of the manufacturer tables. Byte 0 is the number of
// ET13/ET14 entries (5, or 6 on Gen 4: 4 M-Bus + 2 MEP), byte 1 the ET13 entry size E that the alert chain needs
// (spec §13). The 2-byte fields are little-endian like every multi-byte table field (guide p. 40: the reference's
// big-endian reading was a bug). Byte 34 (firmware 4.0+) is the MEP channel count.
import { ByteReader, toHex } from '../bytes';
import { ET11 } from '../table-ids';
import { Decoded, decodeWith } from './decode';
import { u8At } from './fields';

export interface Et11 {
  /** Byte 0: number of ET13/ET14 entries (5; 6 on Gen 4). */
  nbrDevices: number;
  /** Byte 1: ET13 configuration-entry size E, bytes (expected 66). */
  configEntrySize: number;
  statusEntrySize: number;
  onDemandRequestQueueSize: number;
  onDemandRequestEntrySize: number;
  /** Bytes 5–6, UINT16 LE. */
  dataEntrySize: number;
  /** Bytes 7–8, UINT16 LE. */
  transactionRequestLength: number;
  /** Bytes 9–10, UINT16 LE. */
  transactionResponseLength: number;
  onDemandWriteEntrySize: number;
  phaseMeasurementDataSize: number;
  configEntry2Size: number;
  /** Bytes 14–17, meaning UNKNOWN, as hex. */
  unknown14Hex: string;
  nbrGroupIds: number;
  nbrHarmonics: number;
  mbusMulticastMessageLength: number;
  et22AlarmSize: number;
  mepDataSources: number;
  et48EntryCount: number;
  maxCriticalEventBitmaps: number;
  et57EntryCount: number;
  timeBasedRelaySwitches: number;
  mepDataAlertSources: number;
  /** Bytes 28–29, UINT16 LE. */
  ramOnlyTransactionRequestLength: number;
  /** Bytes 30–31, UINT16 LE. */
  ramOnlyTransactionResponseLength: number;
  /** Byte 34 (firmware 4.0+): MEP channels present and usable (2 on a Gen 4 meter with two MEP ports); null when the
   *  table is shorter. */
  mepChannelCount: number | null;
}

/** Bytes the reference needs (spec §10.8). */
export const ET11_LENGTH = 32;

function readEt11(r: ByteReader): Et11 {
  return {
    nbrDevices: r.u8(),
    configEntrySize: r.u8(),
    statusEntrySize: r.u8(),
    onDemandRequestQueueSize: r.u8(),
    onDemandRequestEntrySize: r.u8(),
    dataEntrySize: r.u16le(),
    transactionRequestLength: r.u16le(),
    transactionResponseLength: r.u16le(),
    onDemandWriteEntrySize: r.u8(),
    phaseMeasurementDataSize: r.u8(),
    configEntry2Size: r.u8(),
    unknown14Hex: toHex(r.bytesOf(4)),
    nbrGroupIds: r.u8(),
    nbrHarmonics: r.u8(),
    mbusMulticastMessageLength: r.u8(),
    et22AlarmSize: r.u8(),
    mepDataSources: r.u8(),
    et48EntryCount: r.u8(),
    maxCriticalEventBitmaps: r.u8(),
    et57EntryCount: r.u8(),
    timeBasedRelaySwitches: r.u8(),
    mepDataAlertSources: r.u8(),
    ramOnlyTransactionRequestLength: r.u16le(),
    ramOnlyTransactionResponseLength: r.u16le(),
    mepChannelCount: u8At(r.bytes, 34),
  };
}

/** Needs all 32 bytes (a short table fails at the first missing field); extra bytes are ignored. */
export function decodeEt11(data: Uint8Array): Decoded<Et11> {
  return decodeWith(ET11, data, readEt11);
}
