// The table decoders the firmware needs (RAM and flash are scarce on the ESP32: espruino.md §3): identity (BT01),
// dimensions (BT21), energy (BT23), present values (BT28) and the clock (BT52). The `mep` tool and tests use
// every decoder (index.ts TABLE_DECODERS).
import { BT01, BT21, BT23, BT28, BT52 } from '../table-ids';
import { decodeBt01 } from './bt01-manufacturer-id';
import { decodeBt21 } from './bt21-actual-registers';
import { decodeBt23 } from './bt23-current-register-data';
import { decodeBt28 } from './bt28-present-values';
import { decodeBt52 } from './bt52-clock';
import type { TableDecoder } from './index';

export const DEVICE_TABLE_DECODERS: TableDecoder[] = [
  { table: BT01, decode: (d) => decodeBt01(d) },
  { table: BT21, decode: (d) => decodeBt21(d) },
  { table: BT23, decode: (d, ctx) => decodeBt23(d, { bt21: ctx.bt21 }) },
  { table: BT28, decode: (d, ctx) => decodeBt28(d, { bt21: ctx.bt21 }) },
  { table: BT52, decode: (d) => decodeBt52(d) },
];

/** What the firmware reads once per link start: identity and dimensions (the alert chain reads its own bytes). */
export const DEVICE_IDENTITY_TABLES = [BT01, BT21];
