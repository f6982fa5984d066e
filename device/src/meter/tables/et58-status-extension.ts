// ET58 M-Bus/MEP status extension (guide p. 165): ARRAY[ET11 byte 0] of 20-byte records, one per ET13/ET14 entry;
// byte 0 is the latest control (valve) status. Not a procedure response table: procedure results are in ET59/BT08
// (MEP1) or ET85 (MEP2), bt08-procedure-response.ts.
import { ET58 } from '../table-ids';
import { copyBytes } from './fields';
import { Decoded, decodeWith } from './decode';

export const ET58_RECORD_LENGTH = 20;

export interface Et58Record {
  /** Byte 0: latest control (valve) status. */
  controlStatus: number;
  /** Bytes 1–19 (their layout is not needed by a reader), as many as are present. */
  rest: Uint8Array;
}

/** Whole and cut records alike (a cut one keeps what it has); an empty table is an error. */
export function decodeEt58(data: Uint8Array): Decoded<Et58Record[]> {
  return decodeWith(ET58, data, (r) => {
    if (r.bytes.length === 0) r.u8(); // nothing: a short-read error at 0
    const out: Et58Record[] = [];
    for (let at = 0; at < r.bytes.length; at += ET58_RECORD_LENGTH) {
      out.push({ controlStatus: r.bytes[at] as number, rest: copyBytes(r.bytes, at + 1, Math.min(at + ET58_RECORD_LENGTH, r.bytes.length)) });
    }
    return out;
  });
}
