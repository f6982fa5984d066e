// Executes one authenticated, in-sequence request APDU (spec §6, §15.4) against the table store.
// Frame-level numbers are big-endian; table data goes out as stored (little-endian values, spec §8).
import { ByteReader } from '../../src/meter/bytes';
import { CMD_FULL_READ, CMD_FULL_WRITE, CMD_PARTIAL_READ, CMD_PARTIAL_WRITE } from '../../src/meter/requests';
import { RESPONSE_OK, RESPONSE_OPERATION_NOT_POSSIBLE } from '../../src/meter/result-codes';
import { BT07 } from '../../src/meter/table-ids';
import { MAX_TABLE_DATA } from '../../src/meter/frame';
import type { PayloadCipher } from './cipher-types';
import type { ProcedureEngine, ProcedureRecord } from './procedures';
import type { TableStore } from './table-store';

export interface CommandOptions {
  /** Unknown table: 0x02 by default; 0x05 is the other candidate (spec §15.4, real code UNKNOWN). */
  unknownTableCode: number;
  /** Full read whose maxlen argument is smaller than the table: 0x04 by default; null ignores maxlen (spec §3.3). */
  oversizeCode: number | null;
  /** 0x40 write to anything but BT07 (spec §15.4). */
  readOnlyCode: number;
  /** 0x4F partial write (spec §15.4: 0x03 by default). */
  partialWriteCode: number;
}

export const DEFAULT_COMMAND_OPTIONS: CommandOptions = {
  unknownTableCode: 0x02,
  oversizeCode: RESPONSE_OPERATION_NOT_POSSIBLE,
  readOnlyCode: 0x03,
  partialWriteCode: 0x03,
};

export interface CommandContext {
  store: TableStore;
  procedures: ProcedureEngine;
  cipher: PayloadCipher;
  options: CommandOptions;
}

export interface CommandResult {
  status: number;
  /** Read replies: the table data to send (already through the cipher). */
  data?: Uint8Array;
  table?: number;
  procedure?: ProcedureRecord;
}

const ERR_UNRECOGNIZED = 0x01;
const ERR_NOT_SUPPORTED = 0x02;

/** C12.18 services this meter does not offer: indexed reads/writes 0x31–0x39 / 0x41–0x49 (spec §6 → 0x02);
 *  everything else that is not a MEP command is "unrecognized" (spec §15.4 → 0x01). */
function isUnsupportedC1218Service(cmd: number): boolean {
  return (cmd >= 0x31 && cmd <= 0x39) || (cmd >= 0x41 && cmd <= 0x49);
}

export function executeApdu(apdu: Uint8Array, seq: number, ctx: CommandContext): CommandResult {
  const cmd = apdu[0] as number;
  const r = new ByteReader(apdu, 1);
  const o = ctx.options;
  try {
    switch (cmd) {
      case CMD_FULL_READ: {
        if (apdu.length !== 3 && apdu.length !== 5) return { status: ERR_UNRECOGNIZED };
        const table = r.u16be();
        const maxLen = apdu.length === 5 ? r.u16be() : null;
        const image = ctx.store.read(table);
        if (!image) return { status: o.unknownTableCode, table };
        if (maxLen !== null && o.oversizeCode !== null && image.length > maxLen) return { status: o.oversizeCode, table };
        // More than one reply can carry (465 bytes, guide p. 8): refused [INFERRED: the guide does not say].
        if (image.length > MAX_TABLE_DATA) return { status: RESPONSE_OPERATION_NOT_POSSIBLE, table };
        return { status: RESPONSE_OK, table, data: ctx.cipher.encrypt(image.slice(), { seq, table }) };
      }
      case CMD_PARTIAL_READ: {
        if (apdu.length !== 8) return { status: ERR_UNRECOGNIZED };
        const table = r.u16be();
        const offset = r.u24be();
        const count = r.u16be();
        const image = ctx.store.read(table);
        if (!image) return { status: o.unknownTableCode, table };
        // Past the end → 0x04 [INFERRED] (spec §15.4); so is more than one reply can carry, 465 bytes (guide p. 8:
        // 476 after LEN; what a meter does then is not stated).
        if (offset + count > image.length || count > MAX_TABLE_DATA) return { status: RESPONSE_OPERATION_NOT_POSSIBLE, table };
        const data = image.slice(offset, offset + count);
        return { status: RESPONSE_OK, table, data: ctx.cipher.encrypt(data, { seq, table }) };
      }
      case CMD_FULL_WRITE: {
        const table = r.u16be();
        const count = r.u16be();
        if (r.remaining() !== count) return { status: ERR_UNRECOGNIZED, table };
        if (!ctx.store.has(table)) return { status: o.unknownTableCode, table };
        if (table !== BT07) return { status: o.readOnlyCode, table };
        const plain = ctx.cipher.decrypt(r.bytesOf(count).slice(), { seq, table });
        const res = ctx.procedures.write(plain);
        return { status: res.status, table, procedure: res.record };
      }
      case CMD_PARTIAL_WRITE: {
        const table = r.u16be();
        r.u24be();
        const count = r.u16be();
        if (r.remaining() !== count) return { status: ERR_UNRECOGNIZED, table };
        if (!ctx.store.has(table)) return { status: o.unknownTableCode, table };
        return { status: o.partialWriteCode, table };
      }
      default:
        return { status: isUnsupportedC1218Service(cmd) ? ERR_NOT_SUPPORTED : ERR_UNRECOGNIZED };
    }
  } catch {
    // Short APDU (ByteReader ran past the end): a malformed request.
    return { status: ERR_UNRECOGNIZED };
  }
}
