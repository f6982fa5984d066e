import fc from 'fast-check';
import { BT21 } from '../../../../device/src/meter/table-ids';
import { BT21_LENGTH, decodeBt21 } from '../../../../device/src/meter/tables/bt21-actual-registers';
import {
  eachTruncation,
  expectError,
  expectNeverThrows,
  expectOverlongIgnored,
  frame,
  ok,
  replyData,
  syntheticTable,
} from './table-kit';

describe('[BT21] actual register dimensions (spec §10.2)', () => {
  test('[BT21] decodes reply F008 (variant A) to its "decoded" expectation, all 10 fields', () => {
    const want = frame('F008').decoded;
    expect(ok(decodeBt21(replyData('F008')))).toMatchObject({
      regFunc1Flags: want.reg_func1_flags,
      regFunc2Flags: want.reg_func2_flags,
      nbrSelfReads: want.nbr_self_reads,
      nbrSummations: want.nbr_summations,
      nbrDemands: want.nbr_demands,
      nbrCoinValues: want.nbr_coin_values,
      nbrOccur: want.nbr_occur,
      nbrTiers: want.nbr_tiers,
      nbrPresentDemands: want.nbr_present_demands,
      nbrPresentValues: want.nbr_present_values,
    });
    expect(decodeBt21(syntheticTable('BT21_A'))).toEqual(decodeBt21(replyData('F008')));
  });

  test('[BT21] variant A has no demand-reset byte and no time remaining', () => {
    const v = ok(decodeBt21(replyData('F008')));
    expect([v.demandResetCounter, v.timeRemaining, v.dateTimeField, v.cumDemand, v.contCumDemand]).toEqual([
      false, false, false, false, false,
    ]);
  });

  test('[BT21] variant B (F037, flags 0x44) sets DEMAND_RESET_CTR (bit 2) and TIME_REMAINING (bit 6)', () => {
    const v = ok(decodeBt21(replyData('F037')));
    expect(v).toMatchObject({ regFunc1Flags: 0x44, demandResetCounter: true, timeRemaining: true, nbrPresentDemands: 1 });
    expect([v.seasonInfo, v.dateTimeField, v.demandResetLock, v.cumDemand, v.contCumDemand]).toEqual([
      false, false, false, false, false,
    ]);
    expect(decodeBt21(syntheticTable('BT21_B'))).toEqual(decodeBt21(replyData('F037')));
  });

  test('[BT21] each REG_FUNC1_FLAGS bit maps to its own flag', () => {
    const names = ['seasonInfo', 'dateTimeField', 'demandResetCounter', 'demandResetLock', 'cumDemand', 'contCumDemand', 'timeRemaining'];
    names.forEach((name, b) => {
      const v = ok(decodeBt21(new Uint8Array([1 << b, 0, 0, 0, 0, 0, 0, 0, 0, 0]))) as unknown as Record<string, unknown>;
      for (const other of names) expect([other, v[other]]).toEqual([other, other === name]);
    });
  });

  test('[BT21] NBR_TIERS is byte 7, not byte 8 (reference bug §17 #7)', () => {
    // Variant B: byte 7 = 4 tiers, byte 8 = 1 present demand; the reference would report 1 tier.
    const data = replyData('F037');
    expect([data[7], data[8]]).toEqual([4, 1]);
    expect(ok(decodeBt21(data)).nbrTiers).toBe(4);
  });

  test('[BT21] truncated: every shorter table is an error at the first missing byte', () => {
    eachTruncation(decodeBt21, replyData('F008'), (len, r) => expectError(r, BT21, len));
    expect(BT21_LENGTH).toBe(10);
  });

  test('[BT21] over-long input: trailing bytes are ignored', () => {
    expectOverlongIgnored(decodeBt21, replyData('F037'));
  });

  test('[BT21] random bytes never throw', () => {
    expectNeverThrows((d) => decodeBt21(d), fc.constant(undefined));
  });
});
