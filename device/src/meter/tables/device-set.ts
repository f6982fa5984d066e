// The table decoders the firmware needs (RAM and flash are scarce on the ESP32: espruino.md §3): identity (BT01),
// dimensions (BT21), energy (BT23), present values (BT28) and the clock (BT52). The `mep` tool and tests use
// every decoder (index.ts TABLE_DECODERS).
import { BT01, BT21, BT23, BT28, BT52 } from '../table-ids';
import { decodeBt01 } from './bt01-manufacturer-id';
import { decodeBt21 } from './bt21-actual-registers';
import { decodeBt23 } from './bt23-current-register-data';
import { decodeBt28 } from './bt28-present-values';
import { decodeBt52 } from './bt52-clock';
import type { TableContext } from './index';
import type { Decoded } from './decode';

/** One function, not a TableDecoder list: five objects and their closures would stay in RAM (~50 JsVars). */
export function decodeDeviceTable(table: number, d: Uint8Array, ctx: TableContext): Decoded<unknown> | null {
  switch (table) {
    case BT01: return decodeBt01(d);
    case BT21: return decodeBt21(d);
    case BT23: return decodeBt23(d, { bt21: ctx.bt21 });
    case BT28: return decodeBt28(d, { bt21: ctx.bt21 });
    case BT52: return decodeBt52(d);
    default: return null;
  }
}

/** What the firmware reads once per link start: identity and dimensions (the alert chain reads its own bytes). */
export const DEVICE_IDENTITY_TABLES = [BT01, BT21];
