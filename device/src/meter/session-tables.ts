// Decodes the tables the session reads, keeping the context later tables need (BT21 dimensions for BT23/BT28,
// ET11 entry size for ET13), so decoders never read global state (architecture C1).
import { MepRequest, partialRead } from './requests';
import { BT20, BT21, BT23, BT28, ET11, ET55, ET70, tableName } from './table-ids';
import type { TableContext, TableDecoder, TableDecoders } from './tables/index';
import { decodeError } from './tables/decode';
import { Bt21 } from './tables/bt21-actual-registers';
import { Bt23, scaleBt23Energy } from './tables/bt23-current-register-data';
import { KNOWN_METER_BT21 } from './known-layouts';
import { SessionCommand } from './session-types';

export type TableOutcome = { ok: true; command: SessionCommand } | { ok: false; message: string };

export class SessionTables {
  private ctx: TableContext = {};
  private readonly decoders: TableDecoders;
  /** ET70 offset 142: the MEP port we are on, 1 or 2 (guide p. 173); 1 until read, and on meters before 4.0. */
  port = 1;
  /** The ET70 read answered: a Gen 4 meter (firmware 4.0+), whose ET55 fields sit one byte later (guide p. 155). */
  private gen4 = false;
  /** ET55 "Energy Register Unit": BT23 energy counts in units of 1, 10 or 100 Wh/varh on CT meters (guide pp. 158,
   *  208); applied to every BT23 before it is reported. */
  energyUnit = 1;

  constructor(decoders: TableDecoders) {
    this.decoders = decoders;
  }

  private decode(table: number, data: Uint8Array) {
    const all = this.decoders;
    if (typeof all === 'function') {
      const decoded = all(table, data, this.ctx);
      if (decoded) return decoded;
    } else {
      for (let i = 0; i < all.length; i++) {
        const d = all[i] as TableDecoder;
        if (d.table === table) return d.decode(data, this.ctx);
      }
    }
    return decodeError(table, 0, `no decoder for ${tableName(table)}`);
  }

  /** True when BT23 starts with the NBR_DEMAND_RESETS byte (BT21 flag bit 2, spec §10.3). */
  demandResetByte(): boolean {
    const bt21 = this.ctx.bt21 as Bt21 | undefined;
    return !!bt21 && bt21.demandResetCounter;
  }

  /** A start-up byte (session.ts queueStartup): ET70.142, BT20.7 or ET55's energy unit. After BT20 it returns
   *  the ET55 read, at A + 39 with A = 146 + 4·(BT20.7 − 1), 147 + … on Gen 4 (guide pp. 155, 158). */
  meterByte(table: number, value: number): MepRequest | null {
    if (table === ET70) {
      this.gen4 = true;
      this.port = value === 2 ? 2 : 1;
    } else if (table === BT20 && value > 0) {
      return partialRead(ET55, (this.gen4 ? 147 : 146) + 4 * (value - 1) + 39, 1);
    } else if (table === ET55) {
      this.energyUnit = value === 10 || value === 100 ? value : 1; // other values are not supported (p. 158)
    }
    return null;
  }

  accept(request: MepRequest, data: Uint8Array, now: number): TableOutcome {
    const partial = request.kind === 'partial-read';
    if (partial && !(request.table === BT23 && request.offset === 0)) {
      return { ok: false, message: `no decoder for a partial read of ${tableName(request.table)}` };
    }
    if ((request.table === BT23 || request.table === BT28) && !this.ctx.bt21) {
      this.ctx.bt21 = KNOWN_METER_BT21; // BT21 unreadable: assume the layout of the known meters (spec §10.2)
    }
    const decoded = this.decode(request.table, data);
    if (!decoded.ok) return { ok: false, message: decoded.message };
    if (request.table === BT23) scaleBt23Energy(decoded.value as Bt23, this.energyUnit);
    if (request.table === BT21) this.ctx.bt21 = decoded.value as Bt21;
    if (request.table === ET11) this.ctx.et11 = decoded.value as TableContext['et11'];
    return { ok: true, command: { type: 'table', table: request.table, value: decoded.value, partial, at: now } };
  }
}
