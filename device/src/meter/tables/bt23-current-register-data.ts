// BT23 CURRENT_REG_DATA_TBL (spec §10.3): energy registers. The layout is driven by BT21 (ctx.bt21):
//   [NBR_DEMAND_RESETS UINT8 if REG_FUNC1 bit 2] TOT_DATA_BLOCK TIER_DATA_BLOCK[NBR_TIERS]
//   DATA_BLK = SUMMATIONS[NBR_SUMMATIONS] (NI_FMAT1 = INT32 LE) DEMANDS[NBR_DEMANDS] COINCIDENTS[NBR_COIN_VALUES]
// The periodic poll is a partial read at offset 0 (13 or A+16 bytes); a table shorter than its full length is
// decoded as such a partial read: the whole total-block summations present, no demands, no tiers (complete = false).
import { ByteReader } from '../bytes';
import { BT23 } from '../table-ids';
import { BT21_CONT_CUM_DEMAND, BT21_CUM_DEMAND, BT21_DATE_TIME_FIELD, BT21_DEMAND_RESET_CTR, Bt21Dimensions } from './bt21-actual-registers';
import { bit, valueAt } from './fields';
import { Decoded, DecodeError, decodeError, decodeWith } from './decode';

export interface Bt23Context {
  bt21?: Bt21Dimensions;
}

/** STIME_DATE: 5 binary bytes YY MM DD hh mm (spec §8, INFERRED: size assumes BT00 TM_FORMAT = 2). Not validated. */
export interface StimeDate {
  /** 2000 + YY. */
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** One DEMANDS record (C12.19 DEMANDS_RCD); which parts exist depends on BT21 REG_FUNC1 bits 1, 4 and 5. */
export interface Bt23Demand {
  /** EVENT_TIME[NBR_OCCUR] when bit 1 (DATE_TIME_FIELD), else null. */
  eventTimes: StimeDate[] | null;
  /** CUM_DEMAND (NI_FMAT1) when bit 4, else null. */
  cumDemand: number | null;
  /** CONT_CUM_DEMAND (NI_FMAT1) when bit 5, else null. */
  contCumDemand: number | null;
  /** DEMAND[NBR_OCCUR] (NI_FMAT2). */
  demands: number[];
}

export interface Bt23DataBlock {
  /** SUMMATIONS[k], signed INT32, as the guide lists them (pp. 207–211; names in bt23-fields.ts): 0 forward active
   *  Wh, 1 reverse active Wh, 2 import varh, 3 export varh, 4 outage seconds, 5 outage count, 6 forward + reverse Wh,
   *  7 forward − reverse Wh, 8/9 pulse inputs, 10 error counter, 11–14 varh Q1–Q4, 15–18 VAh Q1–Q4. Energy
   *  summations (0–3, 6, 7, 11–18) are in Wh/varh/VAh after scaleBt23Energy; the others are counts. */
  summations: number[];
  demands: Bt23Demand[];
  /** COINCIDENTS[NBR_COIN_VALUES], each COINCIDENT_VALUES[NBR_OCCUR] (NI_FMAT2). */
  coincidents: number[][];
}

export interface Bt23 {
  /** false for a partial read: total.summations may be shorter than NBR_SUMMATIONS, and total.demands,
   *  total.coincidents and tiers are empty because they were not read. */
  complete: boolean;
  /** NBR_DEMAND_RESETS when BT21 REG_FUNC1 bit 2 is set, else null. */
  nbrDemandResets: number | null;
  /** Total block k = 0: forward (import) active energy, Wh, L1+L2+L3. */
  fwdActiveWh: number | null;
  /** k = 1: reverse (export) active energy, Wh. */
  revActiveWh: number | null;
  /** k = 2: import reactive energy, varh (guide p. 208). Null when not read. */
  fwdReactiveVarh: number | null;
  /** k = 3: export reactive energy, varh. Null when not read. */
  revReactiveVarh: number | null;
  /** The ET55 energy unit the energy values were multiplied by (1, 10 or 100; scaleBt23Energy). */
  energyUnitWh: number;
  total: Bt23DataBlock;
  /** TIER_DATA_BLOCK[NBR_TIERS] (empty for a partial read). */
  tiers: Bt23DataBlock[];
}

/** A: 1 when the table starts with NBR_DEMAND_RESETS (spec §10.3). */
export function bt23DemandResetBytes(d: Bt21Dimensions): number {
  return bit(d.regFunc1Flags, BT21_DEMAND_RESET_CTR) ? 1 : 0;
}

function demandRecordLength(d: Bt21Dimensions): number {
  const f = d.regFunc1Flags;
  const times = bit(f, BT21_DATE_TIME_FIELD) ? 5 * d.nbrOccur : 0;
  return times + (bit(f, BT21_CUM_DEMAND) ? 4 : 0) + (bit(f, BT21_CONT_CUM_DEMAND) ? 4 : 0) + 4 * d.nbrOccur;
}

/** Bytes of one DATA_BLK. */
export function bt23BlockLength(d: Bt21Dimensions): number {
  return 4 * d.nbrSummations + d.nbrDemands * demandRecordLength(d) + d.nbrCoinValues * 4 * d.nbrOccur;
}

/** Bytes of the whole table: A + (1 + NBR_TIERS) blocks (220 for variant A, 221 for variant B). */
export function bt23Length(d: Bt21Dimensions): number {
  return bt23DemandResetBytes(d) + (1 + d.nbrTiers) * bt23BlockLength(d);
}

/** Partial-read count that covers A and summations 0..3 (import/export active and reactive), spec §10.3. */
export function bt23EnergyReadLength(d: Bt21Dimensions): number {
  return bt23DemandResetBytes(d) + 4 * Math.min(4, d.nbrSummations);
}

function readStimeDate(r: ByteReader): StimeDate {
  return { year: 2000 + r.u8(), month: r.u8(), day: r.u8(), hour: r.u8(), minute: r.u8() };
}

function readI32List(r: ByteReader, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(r.i32le());
  return out;
}

function readDemand(r: ByteReader, d: Bt21Dimensions): Bt23Demand {
  const f = d.regFunc1Flags;
  let eventTimes: StimeDate[] | null = null;
  if (bit(f, BT21_DATE_TIME_FIELD)) {
    eventTimes = [];
    for (let i = 0; i < d.nbrOccur; i++) eventTimes.push(readStimeDate(r));
  }
  const cumDemand = bit(f, BT21_CUM_DEMAND) ? r.i32le() : null;
  const contCumDemand = bit(f, BT21_CONT_CUM_DEMAND) ? r.i32le() : null;
  return { eventTimes, cumDemand, contCumDemand, demands: readI32List(r, d.nbrOccur) };
}

function readBlock(r: ByteReader, d: Bt21Dimensions): Bt23DataBlock {
  const summations = readI32List(r, d.nbrSummations);
  const demands: Bt23Demand[] = [];
  for (let i = 0; i < d.nbrDemands; i++) demands.push(readDemand(r, d));
  const coincidents: number[][] = [];
  for (let i = 0; i < d.nbrCoinValues; i++) coincidents.push(readI32List(r, d.nbrOccur));
  return { summations, demands, coincidents };
}

/** The record around a decoded total block; tiers === null marks a partial read (complete = false). */
function record(resets: number | null, total: Bt23DataBlock, tiers: Bt23DataBlock[] | null): Bt23 {
  const s = total.summations;
  return {
    complete: tiers !== null,
    nbrDemandResets: resets,
    fwdActiveWh: valueAt(s, 0),
    revActiveWh: valueAt(s, 1),
    fwdReactiveVarh: valueAt(s, 2),
    revReactiveVarh: valueAt(s, 3),
    energyUnitWh: 1,
    total,
    tiers: tiers === null ? [] : tiers,
  };
}

function readFull(r: ByteReader, d: Bt21Dimensions): Bt23 {
  const resets = bt23DemandResetBytes(d) ? r.u8() : null;
  const total = readBlock(r, d);
  const tiers: Bt23DataBlock[] = [];
  for (let i = 0; i < d.nbrTiers; i++) tiers.push(readBlock(r, d));
  return record(resets, total, tiers);
}

/** Whole total-block summations present; at least k = 0 and 1 (when the table has them) or a short-read error. */
function readPartial(r: ByteReader, d: Bt21Dimensions): Bt23 {
  const resets = bt23DemandResetBytes(d) ? r.u8() : null;
  const whole = Math.floor(r.remaining() / 4);
  const count = Math.min(d.nbrSummations, Math.max(whole, 2));
  const total: Bt23DataBlock = { summations: readI32List(r, count), demands: [], coincidents: [] };
  return record(resets, total, null);
}

/** Multiplies the energy summations (k 0–3, 6, 7, 11–18) of every block by the ET55 "Energy Register Unit" (1, 10
 *  or 100 Wh/varh on CT meters, guide pp. 158, 208), in place; counts (outages, pulses, errors) stay as they are. */
export function scaleBt23Energy(v: Bt23, unit: number): void {
  if (unit === 1 || v.energyUnitWh !== 1) return;
  const blocks = [v.total].concat(v.tiers);
  for (let b = 0; b < blocks.length; b++) {
    const s = (blocks[b] as Bt23DataBlock).summations;
    for (let k = 0; k < s.length; k++) if (k < 4 || k === 6 || k === 7 || k > 10) s[k] = (s[k] as number) * unit;
  }
  const t = v.total.summations;
  v.fwdActiveWh = valueAt(t, 0);
  v.revActiveWh = valueAt(t, 1);
  v.fwdReactiveVarh = valueAt(t, 2);
  v.revReactiveVarh = valueAt(t, 3);
  v.energyUnitWh = unit;
}

function missingBt21(): DecodeError {
  return decodeError(BT23, 0, 'layout needs the BT21 dimensions (ctx.bt21)');
}

/** Decodes a partial read at offset 0 (e.g. 13 or A+16 bytes). Needs A + 8 bytes (k = 0 and 1). */
export function decodeBt23Partial(data: Uint8Array, ctx?: Bt23Context): Decoded<Bt23> {
  const d = ctx ? ctx.bt21 : undefined;
  if (!d) return missingBt21();
  return decodeWith(BT23, data, (r) => readPartial(r, d));
}

/** Full table when data covers bt23Length(bt21) bytes (extra bytes ignored), else a partial read (see above). */
export function decodeBt23(data: Uint8Array, ctx?: Bt23Context): Decoded<Bt23> {
  const d = ctx ? ctx.bt21 : undefined;
  if (!d) return missingBt21();
  if (data.length < bt23Length(d)) return decodeBt23Partial(data, ctx);
  return decodeWith(BT23, data, (r) => readFull(r, d));
}
