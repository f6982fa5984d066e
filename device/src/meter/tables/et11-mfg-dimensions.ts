// ET11 MFG dimension table (spec §10.8): sizes of the manufacturer tables. Byte 1 is the ET13 entry size E that
// the alert chain needs (spec §13). The 2-byte fields are read BIG-endian as the reference does: UNVERIFIED
// (spec §8, §17 #8), so nothing should be driven from them; every field the client uses is a single byte.
import { ByteReader, toHex } from '../bytes';
import { ET11 } from '../table-ids';
import { Decoded, decodeWith } from './decode';

export interface Et11 {
  /** Byte 0: number of (M-Bus) devices. */
  nbrDevices: number;
  /** Byte 1: ET13 configuration-entry size E, bytes (expected 66). */
  configEntrySize: number;
  statusEntrySize: number;
  onDemandRequestQueueSize: number;
  onDemandRequestEntrySize: number;
  /** Bytes 5–6, BE (UNVERIFIED). */
  dataEntrySize: number;
  /** Bytes 7–8, BE (UNVERIFIED). */
  transactionRequestLength: number;
  /** Bytes 9–10, BE (UNVERIFIED). */
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
  /** Bytes 28–29, BE (UNVERIFIED). */
  ramOnlyTransactionRequestLength: number;
  /** Bytes 30–31, BE (UNVERIFIED). */
  ramOnlyTransactionResponseLength: number;
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
    dataEntrySize: r.u16be(),
    transactionRequestLength: r.u16be(),
    transactionResponseLength: r.u16be(),
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
    ramOnlyTransactionRequestLength: r.u16be(),
    ramOnlyTransactionResponseLength: r.u16be(),
  };
}

/** Needs all 32 bytes (a short table fails at the first missing field); extra bytes are ignored. */
export function decodeEt11(data: Uint8Array): Decoded<Et11> {
  return decodeWith(ET11, data, readEt11);
}
