// BT21 ACTUAL_REGISTER_TBL (spec §10.2): the dimensions that drive the BT23 and BT28 layouts. 10 bytes.
// Reference bug fixed here: NBR_TIERS is byte 7 (the reference reads byte 8, spec §17 #7).
import { ByteReader } from '../bytes';
import { BT21 } from '../table-ids';
import { bit } from './fields';
import { Decoded, decodeWith } from './decode';

/** The BT21 values the BT23/BT28 layouts depend on; a decoded Bt21 is one, and so is a hand-made test context. */
export interface Bt21Dimensions {
  /** REG_FUNC1_FLAGS: bit 1 DATE_TIME_FIELD, bit 2 DEMAND_RESET_CTR, bit 4 CUM_DEMAND, bit 5 CONT_CUM_DEMAND,
   *  bit 6 TIME_REMAINING. */
  regFunc1Flags: number;
  nbrSummations: number;
  nbrDemands: number;
  nbrCoinValues: number;
  nbrOccur: number;
  nbrTiers: number;
  nbrPresentDemands: number;
  nbrPresentValues: number;
}

export interface Bt21 extends Bt21Dimensions {
  /** REG_FUNC2_FLAGS, shown only (spec §10.2). */
  regFunc2Flags: number;
  nbrSelfReads: number;
  /** REG_FUNC1_FLAGS bit 0 SEASON_INFO_FIELD. */
  seasonInfo: boolean;
  /** Bit 1 DATE_TIME_FIELD: demand records carry EVENT_TIME (STIME_DATE) entries. */
  dateTimeField: boolean;
  /** Bit 2 DEMAND_RESET_CTR: BT23 starts with a NBR_DEMAND_RESETS byte. */
  demandResetCounter: boolean;
  /** Bit 3 DEMAND_RESET_LOCK. */
  demandResetLock: boolean;
  /** Bit 4 CUM_DEMAND: demand records carry CUM_DEMAND. */
  cumDemand: boolean;
  /** Bit 5 CONT_CUM_DEMAND: demand records carry CONT_CUM_DEMAND. */
  contCumDemand: boolean;
  /** Bit 6 TIME_REMAINING: BT28 present demands carry a 3-byte TIME. */
  timeRemaining: boolean;
}

export const BT21_LENGTH = 10;

/** REG_FUNC1_FLAGS bits (spec §10.2). */
export const BT21_DATE_TIME_FIELD = 1;
export const BT21_DEMAND_RESET_CTR = 2;
export const BT21_CUM_DEMAND = 4;
export const BT21_CONT_CUM_DEMAND = 5;
export const BT21_TIME_REMAINING = 6;

function readBt21(r: ByteReader): Bt21 {
  const f1 = r.u8();
  return {
    regFunc1Flags: f1,
    regFunc2Flags: r.u8(),
    nbrSelfReads: r.u8(),
    nbrSummations: r.u8(),
    nbrDemands: r.u8(),
    nbrCoinValues: r.u8(),
    nbrOccur: r.u8(),
    nbrTiers: r.u8(),
    nbrPresentDemands: r.u8(),
    nbrPresentValues: r.u8(),
    seasonInfo: bit(f1, 0),
    dateTimeField: bit(f1, BT21_DATE_TIME_FIELD),
    demandResetCounter: bit(f1, BT21_DEMAND_RESET_CTR),
    demandResetLock: bit(f1, 3),
    cumDemand: bit(f1, BT21_CUM_DEMAND),
    contCumDemand: bit(f1, BT21_CONT_CUM_DEMAND),
    timeRemaining: bit(f1, BT21_TIME_REMAINING),
  };
}

/** Needs all 10 bytes; extra bytes are ignored. */
export function decodeBt21(data: Uint8Array): Decoded<Bt21> {
  return decodeWith(BT21, data, readBt21);
}
