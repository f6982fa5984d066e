// BT28 PRESENT_REGISTER_DATA_TBL (spec §10.4): instantaneous power, voltage, current, PF and frequency.
//   PRESENT_DEMANDS[NBR_PRESENT_DEMANDS]: [TIME_REMAINING TIME(3) if BT21 bit 6] DEMAND_VALUE NI_FMAT2 (INT32 LE)
//   PRESENT_VALUES[NBR_PRESENT_VALUES]:   NI_FMAT1 (INT32 LE, signed: ref bug #12 printed them unsigned)
// Value k is at (T + 4) * NBR_PRESENT_DEMANDS + 4k, T = 3 with TIME_REMAINING. Every k 0–83 is named in the guide
// (pp. 215–220; guide-fields.ts for the tool); the fields below are the ones the firmware and HA use.
import { ByteReader } from '../bytes';
import { BT28 } from '../table-ids';
import { BT21_TIME_REMAINING, Bt21Dimensions } from './bt21-actual-registers';
import { bit, phasesAt, valueAt } from './fields';
import { Decoded, decodeError, decodeWith } from './decode';

export interface Bt28Context {
  bt21?: Bt21Dimensions;
}

/** [L1, L2, L3]. */
export type Phases = [number, number, number];

export interface Bt28PresentDemand {
  /** TIME_REMAINING (3 bytes hh mm ss, INFERRED) in seconds when BT21 bit 6 is set, else null. */
  timeRemainingSeconds: number | null;
  /** DEMAND_VALUE, NI_FMAT2 (unit UNKNOWN). */
  demand: number;
}

/** Every named field is null when the meter has fewer present values than its index needs. */
export interface Bt28 {
  presentDemands: Bt28PresentDemand[];
  /** All NBR_PRESENT_VALUES values indexed by k (55 on firmware 3.70–3.x, 72/75 on 4.0/4.10, 84 on 4.30+), including
   *  those without a named field below (guide-fields.ts names them all). */
  values: number[];
  /** k 0: active power import, total, W. */
  fwdActiveW: number | null;
  /** k 1: active power export, total, W. */
  revActiveW: number | null;
  /** k 2: reactive power import, total, VAr. */
  importReactiveVar: number | null;
  /** k 3: reactive power export, total, VAr. */
  exportReactiveVar: number | null;
  /** k 4–6: RMS current L1–L3, mA. */
  currentMa: Phases | null;
  /** k 7–9: RMS voltage L1–L3, mV. */
  voltageMv: Phases | null;
  /** k 10, 13, 14: power factor L1–L3, 1/1000. */
  powerFactorMilli: Phases | null;
  /** k 11: frequency, mHz (1/1000 Hz). */
  frequencyMilliHz: number | null;
  /** k 12: apparent power, total, VA. */
  apparentPowerVa: number | null;
  /** k 22–25: reactive power per quadrant Q1..Q4, VAr (guide p. 217, firmware 3.10+). */
  reactiveQuadrantVar: [number, number, number, number] | null;
  /** k 26–28: active power import L1–L3, W. */
  fwdActivePhaseW: Phases | null;
  /** k 29–31: active power export L1–L3, W. */
  revActivePhaseW: Phases | null;
  /** k 41–43: RMS voltage L1–L3 "continuous", mV. */
  voltageContinuousMv: Phases | null;
  /** k 44–46: RMS voltage L1–L3 "average", mV (the averaging window is set in ET80, guide p. 218). */
  voltageAverageMv: Phases | null;
  /** k 47: average active power import, total, W. */
  fwdAvgActiveW: number | null;
  /** k 48: average active power export, total, W. */
  revAvgActiveW: number | null;
  /** k 49–51: average active power import L1–L3, W. */
  fwdAvgActivePhaseW: Phases | null;
  /** k 52–54: average active power export L1–L3, W. */
  revAvgActivePhaseW: Phases | null;
}

/** Present values the reference needs (k 0..54). */
export const BT28_REFERENCE_VALUES = 55;

function timeBytes(d: Bt21Dimensions): number {
  return bit(d.regFunc1Flags, BT21_TIME_REMAINING) ? 3 : 0;
}

/** Table offset of present value 0: (T + 4) * NBR_PRESENT_DEMANDS. */
export function bt28ValuesOffset(d: Bt21Dimensions): number {
  return (timeBytes(d) + 4) * d.nbrPresentDemands;
}

/** Bytes of the whole table (220 for variant A, 227 for variant B). */
export function bt28Length(d: Bt21Dimensions): number {
  return bt28ValuesOffset(d) + 4 * d.nbrPresentValues;
}

function readDemands(r: ByteReader, d: Bt21Dimensions): Bt28PresentDemand[] {
  const withTime = timeBytes(d) > 0;
  const out: Bt28PresentDemand[] = [];
  for (let i = 0; i < d.nbrPresentDemands; i++) {
    const seconds = withTime ? r.u8() * 3600 + r.u8() * 60 + r.u8() : null;
    out.push({ timeRemainingSeconds: seconds, demand: r.i32le() });
  }
  return out;
}

function quadrants(v: number[]): [number, number, number, number] | null {
  if (v.length < 26) return null;
  return [v[22] as number, v[23] as number, v[24] as number, v[25] as number];
}

function named(presentDemands: Bt28PresentDemand[], v: number[]): Bt28 {
  return {
    presentDemands,
    values: v,
    fwdActiveW: valueAt(v, 0),
    revActiveW: valueAt(v, 1),
    importReactiveVar: valueAt(v, 2),
    exportReactiveVar: valueAt(v, 3),
    currentMa: phasesAt(v, [4, 5, 6]),
    voltageMv: phasesAt(v, [7, 8, 9]),
    powerFactorMilli: phasesAt(v, [10, 13, 14]),
    frequencyMilliHz: valueAt(v, 11),
    apparentPowerVa: valueAt(v, 12),
    reactiveQuadrantVar: quadrants(v),
    fwdActivePhaseW: phasesAt(v, [26, 27, 28]),
    revActivePhaseW: phasesAt(v, [29, 30, 31]),
    voltageContinuousMv: phasesAt(v, [41, 42, 43]),
    voltageAverageMv: phasesAt(v, [44, 45, 46]),
    fwdAvgActiveW: valueAt(v, 47),
    revAvgActiveW: valueAt(v, 48),
    fwdAvgActivePhaseW: phasesAt(v, [49, 50, 51]),
    revAvgActivePhaseW: phasesAt(v, [52, 53, 54]),
  };
}

function readBt28(r: ByteReader, d: Bt21Dimensions): Bt28 {
  const demands = readDemands(r, d);
  const values: number[] = [];
  for (let k = 0; k < d.nbrPresentValues; k++) values.push(r.i32le());
  return named(demands, values);
}

/** Needs every present demand and all NBR_PRESENT_VALUES values (a short table is an error at the first missing
 *  field); extra bytes are ignored. */
export function decodeBt28(data: Uint8Array, ctx?: Bt28Context): Decoded<Bt28> {
  const d = ctx ? ctx.bt21 : undefined;
  if (!d) return decodeError(BT28, 0, 'layout needs the BT21 dimensions (ctx.bt21)');
  return decodeWith(BT28, data, (r) => readBt28(r, d));
}
