// Static table images (spec §8, §10). BT01/ET03 differ per profile; ET11/ET13/ET50 are the synthetic defaults.
import { ByteWriter, fromHex } from '../../src/meter/bytes';
import { SYNTHETIC_HEX } from './synthetic-tables';

export function syntheticImage(name: string): Uint8Array {
  const hex = SYNTHETIC_HEX[name];
  const bytes = hex === undefined ? null : fromHex(hex);
  if (!bytes) throw new Error(`no synthetic table ${name}`);
  return bytes;
}

function bitmap(ids: number[], bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (const id of ids) {
    const n = id & 0x07ff;
    if (n < bytes * 8) out[n >> 3] = (out[n >> 3] as number) | (1 << (n & 7));
  }
  return out;
}

/** BT00 GEN_CONFIG_TBL in the C12.19 order. The real contents on these meters are UNKNOWN (spec §8, §18.9); the
 *  spec asks for DATA_ORDER = 0 (LSB first), TM_FORMAT = 2 (binary UINT8 fields), NI_FORMAT1 = NI_FORMAT2 = 8 (INT32). */
export function bt00(tables: number[], writable: number[], mfgProcedures: number[]): Uint8Array {
  const std = tables.filter((t) => !(t & 0x0800));
  const mfg = tables.filter((t) => t & 0x0800);
  const DIM_TBLS = 8; // tables 0..63
  const DIM_MFG_PROC = 8; // procedures 0..63
  return new ByteWriter(64)
    .u8(0x02) // FORMAT_CONTROL_1: b0 DATA_ORDER = 0 (little-endian), b1-2 CHAR_FORMAT = 1 (ISO 7-bit ASCII)
    .u8(0x02 | (1 << 3)) // FORMAT_CONTROL_2: b0-2 TM_FORMAT = 2, b3-4 DATA_ACCESS_METHOD = 1 (offset access), INT_FORMAT 0
    .u8(0x88) // FORMAT_CONTROL_3: NI_FORMAT1 = 8, NI_FORMAT2 = 8 (INT32)
    .ascii('NES', 4, 0) // DEVICE_CLASS
    .u8(2) // NAMEPLATE_TYPE: electric
    .u8(0) // DEFAULT_SET_USED
    .u8(64) // MAX_PROC_PARM_LENGTH
    .u8(64) // MAX_RESP_DATA_LEN
    .u8(2) // STD_VERSION_NO
    .u8(0) // STD_REVISION_NO
    .u8(DIM_TBLS) // DIM_STD_TBLS_USED
    .u8(DIM_TBLS) // DIM_MFG_TBLS_USED
    .u8(1) // DIM_STD_PROC_USED
    .u8(DIM_MFG_PROC) // DIM_MFG_PROC_USED
    .u8(0) // DIM_MFG_STATUS_USED
    .u8(0) // NBR_PENDING
    .bytes(bitmap(std, DIM_TBLS)) // STD_TBLS_USED
    .bytes(bitmap(mfg, DIM_TBLS)) // MFG_TBLS_USED
    .bytes(new Uint8Array(1)) // STD_PROC_USED
    .bytes(bitmap(mfgProcedures, DIM_MFG_PROC)) // MFG_PROC_USED
    .bytes(bitmap(writable.filter((t) => !(t & 0x0800)), DIM_TBLS)) // STD_TBLS_WRITE
    .bytes(bitmap(writable.filter((t) => t & 0x0800), DIM_TBLS)) // MFG_TBLS_WRITE
    .toBytes();
}

/** BT01 (spec §10.1): MANUFACTURER(4) ED_MODEL(8) HW v/r FW v/r MFG_SERIAL_NUMBER(16). */
export function bt01(model: string, serial: string, hw: [number, number], fw: [number, number]): Uint8Array {
  return new ByteWriter(32)
    .ascii('NES ', 4)
    .ascii(model, 8)
    .u8(hw[0])
    .u8(hw[1])
    .u8(fw[0])
    .u8(fw[1])
    .ascii(serial, 16)
    .toBytes();
}

/** ET03 (spec §10.7): utility serial (30, space padded), UNKNOWN filler, image CRC BE16 at 137; 140 bytes. */
export function et03(utilitySerial: string, imageCrc: number): Uint8Array {
  const w = new ByteWriter(140).ascii(utilitySerial, 30);
  w.bytes(new Uint8Array(137 - 30));
  return w.u16be(imageCrc).u8(0).toBytes();
}

/** BT08 / ET58 procedure response (spec §10.6): PROC (LE16) | SEQ_NBR | RESULT_CODE | RESP_DATA. */
export function procedureResponse(proc: number, procSeq: number, result: number, data?: Uint8Array): Uint8Array {
  const w = new ByteWriter(8).u16le(proc).u8(procSeq).u8(result);
  if (data) w.bytes(data);
  return w.toBytes();
}
