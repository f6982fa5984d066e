// Request APDU builders (spec §6). All frame-level numbers are big-endian; the procedure number inside BT07 is
// little-endian (spec §10.6). The APDU is what gets digested together with the sequence number (spec §4.4).
import { ByteWriter } from './bytes';
import { BT07 } from './table-ids';

export const CMD_FULL_READ = 0x30;
export const CMD_PARTIAL_READ = 0x3f;
export const CMD_FULL_WRITE = 0x40;
export const CMD_PARTIAL_WRITE = 0x4f;

/** The full-read length argument: part of the format ("0x30 = Table #, Length", guide p. 12; missing = indeterminate),
 *  the most table data a reply can carry (465: guide p. 8; the reference sent 512). */
export const DEFAULT_MAX_REPLY_LENGTH = 465;

/** Procedure sequence numbers on MEP cycle 5..9 (spec §10.6, §12). */
export const PROC_SEQ_FIRST = 5;
export const PROC_SEQ_LAST = 9;

export type RequestKind = 'full-read' | 'partial-read' | 'full-write' | 'partial-write' | 'procedure';

/** A request before sequencing: the APDU and what it asks for, so a reply can be interpreted. */
export interface MepRequest {
  kind: RequestKind;
  table: number;
  apdu: Uint8Array;
  /** Partial reads and writes. */
  offset?: number;
  /** Partial reads: bytes asked for. */
  count?: number;
  /** Writes: the table data written (for procedures: PROC | SEQ_NBR | PARM_DATA). */
  data?: Uint8Array;
  /** Procedures: procedure number (bits 0–10 + manufacturer bit 11) and procedure sequence number. */
  procedure?: number;
  procSeq?: number;
}

function checkRange(name: string, value: number, max: number): void {
  if (!(value >= 0 && value <= max) || Math.floor(value) !== value) {
    throw new Error(`${name} must be an integer from 0 to ${max}`);
  }
}

/** 0x30 full read. `maxReplyLength` null omits the argument (3-byte form some forks send; spec §3.3). */
export function fullRead(table: number, maxReplyLength?: number | null): MepRequest {
  checkRange('table id', table, 0xffff);
  const w = new ByteWriter(5).u8(CMD_FULL_READ).u16be(table);
  if (maxReplyLength !== null) {
    const max = maxReplyLength === undefined ? DEFAULT_MAX_REPLY_LENGTH : maxReplyLength;
    checkRange('max reply length', max, 0xffff);
    w.u16be(max);
  }
  return { kind: 'full-read', table, apdu: w.toBytes() };
}

/** 0x3F partial read: offset (BE24) and count (BE16). */
export function partialRead(table: number, offset: number, count: number): MepRequest {
  checkRange('table id', table, 0xffff);
  checkRange('offset', offset, 0xffffff);
  checkRange('count', count, 0xffff);
  const apdu = new ByteWriter(8).u8(CMD_PARTIAL_READ).u16be(table).u24be(offset).u16be(count).toBytes();
  return { kind: 'partial-read', table, offset, count, apdu };
}

/** 0x40 full write: count (BE16) and data, no checksum (spec §6). */
export function fullWrite(table: number, data: Uint8Array): MepRequest {
  checkRange('table id', table, 0xffff);
  checkRange('data length', data.length, 0xffff);
  const apdu = new ByteWriter(5 + data.length).u8(CMD_FULL_WRITE).u16be(table).u16be(data.length).bytes(data).toBytes();
  return { kind: 'full-write', table, data, apdu };
}

/** 0x4F partial write (INFERRED by analogy with C12.18; the reference never sends it). */
export function partialWrite(table: number, offset: number, data: Uint8Array): MepRequest {
  checkRange('table id', table, 0xffff);
  checkRange('offset', offset, 0xffffff);
  checkRange('data length', data.length, 0xffff);
  const apdu = new ByteWriter(8 + data.length)
    .u8(CMD_PARTIAL_WRITE)
    .u16be(table)
    .u24be(offset)
    .u16be(data.length)
    .bytes(data)
    .toBytes();
  return { kind: 'partial-write', table, offset, data, apdu };
}

/** Procedure call: a full write of BT07 = PROC (LE16) | SEQ_NBR | PARM_DATA (spec §10.6). */
export function procedureCall(procedure: number, procSeq: number, params: Uint8Array): MepRequest {
  checkRange('procedure', procedure, 0xffff);
  if (!(procSeq >= PROC_SEQ_FIRST && procSeq <= PROC_SEQ_LAST)) {
    throw new Error(`procedure sequence number must be ${PROC_SEQ_FIRST}..${PROC_SEQ_LAST}`);
  }
  const body = new ByteWriter(3 + params.length).u16le(procedure).u8(procSeq).bytes(params).toBytes();
  const write = fullWrite(BT07, body);
  return { kind: 'procedure', table: BT07, procedure, procSeq, data: body, apdu: write.apdu };
}

/** Next procedure sequence number: 5,6,7,8,9,5,… */
export function nextProcSeq(procSeq: number): number {
  return procSeq >= PROC_SEQ_LAST || procSeq < PROC_SEQ_FIRST ? PROC_SEQ_FIRST : procSeq + 1;
}

/** Manufacturer procedure EPnn = 0x0800 | nn. EP39 "Post MEP Data" = 0x0827 (spec §12). */
export const EP39_POST_MEP_DATA = 0x0827;
