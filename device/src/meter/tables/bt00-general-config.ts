// BT00 GEN_CONFIG_TBL (spec §8): how the meter encodes table data. The reference never reads it; a robust client
// reads it once and checks DATA_ORDER = 0, NI_FORMAT1/2 = INT32 (8) and TM_FORMAT = 2 before trusting the decoders.
// Layout per ANSI C12.19 (CONFIRMED-SPEC); what these meters really report is UNKNOWN (spec §18 q9).
import { ByteReader, toHex } from '../bytes';
import { BT00 } from '../table-ids';
import { bit } from './fields';
import { Decoded, decodeWith } from './decode';

/** C12.19 NI_FORMAT code for a 4-byte two's-complement integer, the only one our decoders handle (spec §8). */
export const NI_FORMAT_INT32 = 8;
/** C12.19 TM_FORMAT code for binary UINT8 date/time fields (BT52, STIME_DATE), assumed by our decoders (spec §8). */
export const TM_FORMAT_UINT8 = 2;

/** The fixed header after the three format bytes (C12.19 BT00 bytes 3..18); the table/procedure sets are skipped. */
export interface Bt00Header {
  /** DEVICE_CLASS (C12.19-2008) / MANUFACTURER (1997): 4 bytes, shown as hex. */
  deviceClassHex: string;
  nameplateType: number;
  defaultSetUsed: number;
  maxProcParmLength: number;
  maxRespDataLen: number;
  stdVersionNo: number;
  stdRevisionNo: number;
  dimStdTblsUsed: number;
  dimMfgTblsUsed: number;
  dimStdProcUsed: number;
  dimMfgProcUsed: number;
  dimMfgStatusUsed: number;
  nbrPending: number;
}

export interface Bt00 {
  /** FORMAT_CONTROL_1 bit 0: 0 = least significant byte first (what §8 observes), 1 = MSB first. */
  dataOrder: number;
  /** FORMAT_CONTROL_1 bits 1..3 (1 = ISO 7-bit, 2 = ISO 8859/1, ...). */
  charFormat: number;
  /** FORMAT_CONTROL_1 bits 4..6. */
  modelSelect: number;
  /** FORMAT_CONTROL_2 bits 0..2 (0 none, 1 BCD, 2 UINT8, 3 UINT32 minutes, 4 UINT32 seconds). */
  tmFormat: number;
  /** FORMAT_CONTROL_2 bits 3..4. */
  dataAccessMethod: number;
  /** FORMAT_CONTROL_2 bit 5. */
  idForm: number;
  /** FORMAT_CONTROL_2 bits 6..7. */
  intFormat: number;
  /** FORMAT_CONTROL_3 bits 0..3 (8 = INT32). */
  niFormat1: number;
  /** FORMAT_CONTROL_3 bits 4..7. */
  niFormat2: number;
  /** Bytes 3..18 when the table is at least 19 bytes long, else null (tolerated: only bytes 0..2 matter to us). */
  header: Bt00Header | null;
}

const HEADER_END = 19;

function readHeader(r: ByteReader): Bt00Header {
  return {
    deviceClassHex: toHex(r.bytesOf(4)),
    nameplateType: r.u8(),
    defaultSetUsed: r.u8(),
    maxProcParmLength: r.u8(),
    maxRespDataLen: r.u8(),
    stdVersionNo: r.u8(),
    stdRevisionNo: r.u8(),
    dimStdTblsUsed: r.u8(),
    dimMfgTblsUsed: r.u8(),
    dimStdProcUsed: r.u8(),
    dimMfgProcUsed: r.u8(),
    dimMfgStatusUsed: r.u8(),
    nbrPending: r.u8(),
  };
}

function readBt00(r: ByteReader): Bt00 {
  const fc1 = r.u8();
  const fc2 = r.u8();
  const fc3 = r.u8();
  return {
    dataOrder: fc1 & 1,
    charFormat: (fc1 >> 1) & 7,
    modelSelect: (fc1 >> 4) & 7,
    tmFormat: fc2 & 7,
    dataAccessMethod: (fc2 >> 3) & 3,
    idForm: bit(fc2, 5) ? 1 : 0,
    intFormat: (fc2 >> 6) & 3,
    niFormat1: fc3 & 15,
    niFormat2: (fc3 >> 4) & 15,
    header: r.bytes.length >= HEADER_END ? readHeader(r) : null,
  };
}

/** Needs the 3 format-control bytes; the 16-byte header is decoded when present. Extra bytes are ignored. */
export function decodeBt00(data: Uint8Array): Decoded<Bt00> {
  return decodeWith(BT00, data, readBt00);
}

/** Reasons why the BT/ET decoders here (LSB-first INT32, binary UINT8 times) would misread this meter; [] = fine. */
export function bt00Incompatibilities(cfg: Bt00): string[] {
  const problems: string[] = [];
  if (cfg.dataOrder !== 0) problems.push('DATA_ORDER is MSB first');
  if (cfg.niFormat1 !== NI_FORMAT_INT32) problems.push(`NI_FORMAT1 is ${cfg.niFormat1}, not INT32 (8)`);
  if (cfg.niFormat2 !== NI_FORMAT_INT32) problems.push(`NI_FORMAT2 is ${cfg.niFormat2}, not INT32 (8)`);
  if (cfg.tmFormat !== TM_FORMAT_UINT8) problems.push(`TM_FORMAT is ${cfg.tmFormat}, not UINT8 (2)`);
  return problems;
}
