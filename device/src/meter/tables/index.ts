// Table decoder registry (spec §10): table id → decoder, with the layout context (BT21 dimensions, ET13 entry
// size) passed explicitly. Single-byte partial reads used by the alert chain (ET11 byte 1, ET13 alert flags,
// ET50 flags) are read directly by the session; a BT23 partial read goes through decodeBt23 / decodeBt23Partial.
import { BT00, BT01, BT08, BT21, BT23, BT28, BT52, ET03, ET11, ET13, ET50, ET58, ET59, ET85, tableName } from '../table-ids';
import { decodeBt00 } from './bt00-general-config';
import { decodeBt01 } from './bt01-manufacturer-id';
import { decodeBt08, decodeEt59, decodeEt85 } from './bt08-procedure-response';
import { decodeEt58 } from './et58-status-extension';
import { Bt21Dimensions, decodeBt21 } from './bt21-actual-registers';
import { decodeBt23 } from './bt23-current-register-data';
import { decodeBt28 } from './bt28-present-values';
import { decodeBt52 } from './bt52-clock';
import { decodeEt03 } from './et03-utility-info';
import { decodeEt11 } from './et11-mfg-dimensions';
import { decodeEt13 } from './et13-device-config';
import { decodeEt50 } from './et50-mep-inbound';
import { Decoded, decodeError } from './decode';

export * from './decode';
export * from './bt00-general-config';
export * from './bt01-manufacturer-id';
export * from './bt08-procedure-response';
export * from './bt21-actual-registers';
export * from './bt23-current-register-data';
export * from './bt28-present-values';
export * from './bt52-clock';
export * from './et03-utility-info';
export * from './et11-mfg-dimensions';
export * from './et13-device-config';
export * from './et50-mep-inbound';
export * from './et58-status-extension';

/** What layout-dependent tables need, read earlier from the meter (never from global config). */
export interface TableContext {
  /** BT21 dimensions: needed by BT23 and BT28. A decoded Bt21 fits. */
  bt21?: Bt21Dimensions;
  /** ET13 entry size E (ET11 byte 1) and entry count (byte 0): needed by ET13. A decoded Et11 fits, as does
   *  { configEntrySize } built from the alert chain's one-byte partial read. */
  et11?: { configEntrySize: number; nbrDevices?: number };
}

export interface TableDecoder {
  table: number;
  decode: (data: Uint8Array, ctx: TableContext) => Decoded<unknown>;
}

/** The decoders a session uses: a list, or one function that answers null for a table it does not decode (the
 *  firmware's: one function costs a few JsVars, a list of objects and closures ~50). */
export type TableDecoders = TableDecoder[] | ((table: number, data: Uint8Array, ctx: TableContext) => Decoded<unknown> | null);

function et13Entry(ctx: TableContext): number | undefined {
  return ctx.et11 ? ctx.et11.configEntrySize : undefined;
}

export const TABLE_DECODERS: TableDecoder[] = [
  { table: BT00, decode: (d) => decodeBt00(d) },
  { table: BT01, decode: (d) => decodeBt01(d) },
  { table: BT08, decode: (d) => decodeBt08(d) },
  { table: BT21, decode: (d) => decodeBt21(d) },
  { table: BT23, decode: (d, ctx) => decodeBt23(d, { bt21: ctx.bt21 }) },
  { table: BT28, decode: (d, ctx) => decodeBt28(d, { bt21: ctx.bt21 }) },
  { table: BT52, decode: (d) => decodeBt52(d) },
  { table: ET03, decode: (d) => decodeEt03(d) },
  { table: ET11, decode: (d) => decodeEt11(d) },
  { table: ET13, decode: (d, ctx) => decodeEt13(d, { entrySize: et13Entry(ctx), entries: ctx.et11 ? ctx.et11.nbrDevices : undefined }) },
  { table: ET50, decode: (d) => decodeEt50(d) },
  { table: ET58, decode: (d) => decodeEt58(d) },
  { table: ET59, decode: (d) => decodeEt59(d) },
  { table: ET85, decode: (d) => decodeEt85(d) },
];

export function findTableDecoder(tableId: number): TableDecoder | null {
  for (let i = 0; i < TABLE_DECODERS.length; i++) {
    const entry = TABLE_DECODERS[i] as TableDecoder;
    if (entry.table === tableId) return entry;
  }
  return null;
}

/** Decodes a full read of `tableId` (BT23 also accepts a partial read at offset 0); unknown table → DecodeError. */
export function decodeTable(tableId: number, data: Uint8Array, ctx: TableContext): Decoded<unknown> {
  const entry = findTableDecoder(tableId);
  if (!entry) return decodeError(tableId, 0, `no decoder for ${tableName(tableId)}`);
  return entry.decode(data, ctx || {});
}
