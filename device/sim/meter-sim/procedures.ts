// Procedures (spec §10.6, §12, §13): a 0x40 full write of BT07 = PROC (LE16) | SEQ_NBR | PARM_DATA starts one.
// The procedure sequence number must be 5..9 and differ from the last accepted one, else 0x04 [INFERRED, configurable].
// EP39 "Post MEP Data" records what the client posted; the result PROC|SEQ|RESULT goes to ET59 when ET50's flag bit 1
// ("ET59 Response") is set, else BT08, and always to ET85 for a client on MEP2 (guide pp. 22–24, 125, 165, 186).
import { BT07, ET50 } from '../../src/meter/table-ids';
import { procedureResultTableFor } from '../../src/meter/tables/et50-mep-inbound';
import { EP39_POST_MEP_DATA, PROC_SEQ_FIRST, PROC_SEQ_LAST } from '../../src/meter/requests';
import { RESPONSE_OK, RESPONSE_OPERATION_NOT_POSSIBLE } from '../../src/meter/result-codes';
import { procedureResponse } from './table-images';
import type { TableStore } from './table-store';

export interface ProcedureOptions {
  /** 'ref' (default): SEQ_NBR must be 5..9 and not repeat the previous accepted one; 'range': only 5..9; 'off'. */
  procSeqCheck: 'ref' | 'range' | 'off';
  /** Status for a rejected procedure sequence number (default 0x04, as the reference expects). */
  badProcSeqCode: number;
}

export const DEFAULT_PROCEDURE_OPTIONS: ProcedureOptions = {
  procSeqCheck: 'ref',
  badProcSeqCode: RESPONSE_OPERATION_NOT_POSSIBLE,
};

/** One procedure the meter accepted. For EP39 the parameters are decoded as data type, status, LE16 length, data
 *  (spec §12, INFERRED from the reference's comments). */
export interface ProcedureRecord {
  procedure: number;
  procSeq: number;
  params: Uint8Array;
  /** C12.19 result code written to BT08/ET59/ET85: 0 completed, 2 invalid parameter, 6 unrecognized procedure. */
  result: number;
  ep39?: { dataType: number; status: number; data: Uint8Array };
}

/** C12.19 procedure result codes used here (spec §10.6). */
const RESULT_COMPLETED = 0;
const RESULT_INVALID_PARAMETER = 2;
const RESULT_UNRECOGNIZED = 6;

export class ProcedureEngine {
  private readonly options: ProcedureOptions;
  private readonly store: TableStore;
  private lastProcSeq: number | null = null;
  readonly log: ProcedureRecord[] = [];

  constructor(store: TableStore, options: Partial<ProcedureOptions> = {}) {
    this.store = store;
    this.options = { ...DEFAULT_PROCEDURE_OPTIONS, ...options };
  }

  /** Handles the (already deciphered) BT07 data of a 0x40 write; returns the reply STATUS and, when a procedure ran,
   *  its record. A malformed BT07 (shorter than 3 bytes) is 0x01. */
  write(data: Uint8Array): { status: number; record?: ProcedureRecord } {
    if (data.length < 3) return { status: 0x01 };
    const proc = (data[0] as number) | ((data[1] as number) << 8);
    const procSeq = data[2] as number;
    const check = this.options.procSeqCheck;
    const inRange = procSeq >= PROC_SEQ_FIRST && procSeq <= PROC_SEQ_LAST;
    if ((check !== 'off' && !inRange) || (check === 'ref' && procSeq === this.lastProcSeq)) {
      return { status: this.options.badProcSeqCode };
    }
    this.lastProcSeq = procSeq;
    const params = data.slice(3);
    const record: ProcedureRecord = { procedure: proc, procSeq, params, result: RESULT_UNRECOGNIZED };
    // Bits 12–15 are the SELECTOR (response handling); bits 0–11 name the procedure (spec §10.6).
    if ((proc & 0x0fff) === EP39_POST_MEP_DATA) {
      if (params.length >= 4) {
        const len = (params[2] as number) | ((params[3] as number) << 8);
        const body = params.slice(4, 4 + len);
        record.ep39 = { dataType: params[0] as number, status: params[1] as number, data: body };
        record.result = body.length === len ? RESULT_COMPLETED : RESULT_INVALID_PARAMETER;
      } else {
        record.result = RESULT_INVALID_PARAMETER;
      }
    }
    const response = procedureResponse(proc, procSeq, record.result);
    this.store.set(BT07, data.slice());
    const et50 = this.store.read(ET50);
    this.store.set(procedureResultTableFor(et50 && et50.length > 30 ? (et50[30] as number) : 0, this.store.port), response);
    this.log.push(record);
    return { status: RESPONSE_OK, record };
  }
}
