// Encoders for the live tables: BT23 (layout driven by BT21, spec §10.3), BT28 (spec §10.4), BT52 (spec §10.5).
// Table data is little-endian INT32 (NI_FMAT1/2 = INT32, spec §8), written with ByteWriter.
import { ByteWriter } from '../../src/meter/bytes';

/** BT21 ACTUAL_REGISTER_TBL (spec §10.2). */
export interface Bt21Layout {
  regFunc1: number;
  regFunc2: number;
  nbrSelfReads: number;
  nbrSummations: number;
  nbrDemands: number;
  nbrCoinValues: number;
  nbrOccur: number;
  nbrTiers: number;
  nbrPresentDemands: number;
  nbrPresentValues: number;
}

export function parseBt21(image: Uint8Array): Bt21Layout {
  if (image.length < 10) throw new Error('BT21 image must be 10 bytes');
  const b = (i: number): number => image[i] as number;
  return {
    regFunc1: b(0),
    regFunc2: b(1),
    nbrSelfReads: b(2),
    nbrSummations: b(3),
    nbrDemands: b(4),
    nbrCoinValues: b(5),
    nbrOccur: b(6),
    nbrTiers: b(7),
    nbrPresentDemands: b(8),
    nbrPresentValues: b(9),
  };
}

const hasDemandResetCtr = (l: Bt21Layout): boolean => (l.regFunc1 & 0x04) !== 0; // b2
const hasTimeRemaining = (l: Bt21Layout): boolean => (l.regFunc1 & 0x40) !== 0; // b6

/** Size of one DEMANDS record (spec §10.3): [EVENT_TIME × occur] [CUM] [CONT_CUM] DEMAND × occur. */
function demandRecordSize(l: Bt21Layout): number {
  let n = 4 * l.nbrOccur;
  if (l.regFunc1 & 0x02) n += 5 * l.nbrOccur; // DATE_TIME_FIELD: STIME_DATE (5 bytes with TM_FORMAT 2)
  if (l.regFunc1 & 0x10) n += 4; // CUM_DEMAND
  if (l.regFunc1 & 0x20) n += 4; // CONT_CUM_DEMAND
  return n;
}

/** BT23: [NBR_DEMAND_RESETS] then 1 + NBR_TIERS data blocks. `blocks[b][k]` = summation k of block b (missing = 0);
 *  demand and coincident records are written as zeros (no demand register is simulated). */
export function encodeBt23(l: Bt21Layout, blocks: number[][], demandResets: number): Uint8Array {
  const w = new ByteWriter(256);
  if (hasDemandResetCtr(l)) w.u8(demandResets);
  const zeros = new Uint8Array(l.nbrDemands * demandRecordSize(l) + l.nbrCoinValues * l.nbrOccur * 4);
  for (let b = 0; b <= l.nbrTiers; b++) {
    const words = blocks[b] ?? [];
    for (let k = 0; k < l.nbrSummations; k++) w.i32le(Math.trunc(words[k] ?? 0));
    w.bytes(zeros);
  }
  return w.toBytes();
}

export interface PresentDemand {
  /** Seconds left in the demand interval (TIME, 3 bytes hh mm ss), shown only if BT21 b6 is set. */
  remainingS: number;
  value: number;
}

/** BT28: PRESENT_DEMANDS then PRESENT_VALUES (spec §10.4). */
export function encodeBt28(l: Bt21Layout, demands: PresentDemand[], values: number[]): Uint8Array {
  const w = new ByteWriter(256);
  for (let d = 0; d < l.nbrPresentDemands; d++) {
    const dem = demands[d] ?? { remainingS: 0, value: 0 };
    if (hasTimeRemaining(l)) {
      const s = Math.max(0, Math.floor(dem.remainingS));
      w.u8(Math.floor(s / 3600) % 256).u8(Math.floor(s / 60) % 60).u8(s % 60);
    }
    w.i32le(Math.trunc(dem.value));
  }
  for (let k = 0; k < l.nbrPresentValues; k++) w.i32le(Math.trunc(values[k] ?? 0));
  return w.toBytes();
}

/** BT52: YY MM DD hh mm ss (binary, UTC) + TIME_DATE_QUAL = day of week | GMT bit (spec §10.5). */
export function encodeBt52(simMs: number): Uint8Array {
  const d = new Date(simMs);
  return new ByteWriter(7)
    .u8(d.getUTCFullYear() - 2000)
    .u8(d.getUTCMonth() + 1)
    .u8(d.getUTCDate())
    .u8(d.getUTCHours())
    .u8(d.getUTCMinutes())
    .u8(d.getUTCSeconds())
    .u8(d.getUTCDay() | 0x10)
    .toBytes();
}
