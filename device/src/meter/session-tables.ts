// Decodes the tables the session reads, keeping the context later tables need (BT21 dimensions for BT23/BT28,
// ET11 entry size for ET13), so decoders never read global state (architecture C1).
import { MepRequest } from './requests';
import { BT21, BT23, BT28, ET11, tableName } from './table-ids';
import type { TableContext, TableDecoder } from './tables/index';
import { decodeError } from './tables/decode';
import { Bt21 } from './tables/bt21-actual-registers';
import { KNOWN_METER_BT21 } from './known-layouts';
import { SessionCommand } from './session-types';

export type TableOutcome = { ok: true; command: SessionCommand } | { ok: false; message: string };

export class SessionTables {
  private ctx: TableContext = {};
  private readonly decoders: TableDecoder[];

  constructor(decoders: TableDecoder[]) {
    this.decoders = decoders;
  }

  private decode(table: number, data: Uint8Array) {
    for (let i = 0; i < this.decoders.length; i++) {
      const d = this.decoders[i] as TableDecoder;
      if (d.table === table) return d.decode(data, this.ctx);
    }
    return decodeError(table, 0, `no decoder for ${tableName(table)}`);
  }

  /** True when BT23 starts with the NBR_DEMAND_RESETS byte (BT21 flag bit 2, spec §10.3). */
  demandResetByte(): boolean {
    const bt21 = this.ctx.bt21 as Bt21 | undefined;
    return !!bt21 && bt21.demandResetCounter;
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
    if (request.table === BT21) this.ctx.bt21 = decoded.value as Bt21;
    if (request.table === ET11) this.ctx.et11 = decoded.value as TableContext['et11'];
    return { ok: true, command: { type: 'table', table: request.table, value: decoded.value, partial, at: now } };
  }
}
