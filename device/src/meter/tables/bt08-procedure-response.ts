// BT08 PROC_RESPONSE_TBL (spec §10.6) and the tables laid out the same way: ET59, where a MEP1 client's procedure
// results go when ET50 flag bit 1 ("ET59 Response") is set, and ET85, MEP2's (guide pp. 125, 165, 186). Not ET58:
// that is the M-Bus/MEP status extension (et58-status-extension.ts; the reference's read of it was a bug).
//   PROC (UINT16 LE: bits 0–10 number, bit 11 manufacturer, bits 12–15 selector) | SEQ_NBR | RESULT_CODE | RESP_DATA
import { ByteReader } from '../bytes';
import { BT08, ET59, ET85 } from '../table-ids';
import { Decoded, decodeWith } from './decode';

export { ET85 };

export interface ProcedureResponse {
  /** PROC as read (LE16), e.g. 0x0827 for EP39. */
  proc: number;
  /** Bits 0–10: procedure number. */
  procNumber: number;
  /** Bit 11: manufacturer procedure (EPnn). */
  manufacturer: boolean;
  /** Bits 12–15: SELECTOR (response handling). */
  selector: number;
  /** SEQ_NBR of the procedure call this answers (5..9 on MEP). */
  procSeq: number;
  /** RESULT_CODE (C12.19: 0..6). */
  resultCode: number;
  resultText: string;
  /** RESP_DATA: every byte after RESULT_CODE (a copy; its length is not known from the table itself). */
  respData: Uint8Array;
}

/** C12.19 procedure result codes (spec §10.6). */
export const PROCEDURE_RESULT_TEXTS = [
  'procedure completed',
  'procedure accepted but not fully completed',
  'invalid parameter',
  'procedure conflicts with current device setup',
  'timing constraint',
  'no authorization for requested procedure',
  'unrecognized procedure',
];

export function procedureResultText(code: number): string {
  const text = code >= 0 && code < PROCEDURE_RESULT_TEXTS.length ? PROCEDURE_RESULT_TEXTS[code] : undefined;
  return text === undefined ? `unknown result code ${code}` : text;
}

function readResponse(r: ByteReader): ProcedureResponse {
  const proc = r.u16le();
  const procSeq = r.u8();
  const resultCode = r.u8();
  return {
    proc,
    procNumber: proc & 0x07ff,
    manufacturer: (proc & 0x0800) !== 0,
    selector: (proc >> 12) & 0x0f,
    procSeq,
    resultCode,
    resultText: procedureResultText(resultCode),
    // A copy, not a view of the receive buffer (as copyBytes). Espruino 2v29: typed-array .slice() returns a plain Array (shared/espruino/README.md, known difference (a)).
    respData: new Uint8Array(r.bytes.subarray(r.pos, r.bytes.length)),
  };
}

/** Needs the 4 header bytes. `table` only labels errors (BT08, ET59 or ET85). */
export function decodeProcedureResponse(data: Uint8Array, table: number): Decoded<ProcedureResponse> {
  return decodeWith(table, data, readResponse);
}

export function decodeBt08(data: Uint8Array): Decoded<ProcedureResponse> {
  return decodeProcedureResponse(data, BT08);
}

export function decodeEt59(data: Uint8Array): Decoded<ProcedureResponse> {
  return decodeProcedureResponse(data, ET59);
}

export function decodeEt85(data: Uint8Array): Decoded<ProcedureResponse> {
  return decodeProcedureResponse(data, ET85);
}
