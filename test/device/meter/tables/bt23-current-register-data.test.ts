import { ByteWriter, readI32le } from '../../../../device/src/meter/bytes';
import { BT23 } from '../../../../device/src/meter/table-ids';
import { Bt21Dimensions, decodeBt21 } from '../../../../device/src/meter/tables/bt21-actual-registers';
import {
  bt23EnergyReadLength,
  bt23Length,
  decodeBt23,
  decodeBt23Partial,
} from '../../../../device/src/meter/tables/bt23-current-register-data';
import {
  bt21Arb,
  eachTruncation,
  expectError,
  expectNeverThrows,
  expectOverlongIgnored,
  frame,
  ok,
  replyData,
  smallBt21Arb,
  syntheticTable,
} from './table-kit';

const BT21_A = ok(decodeBt21(syntheticTable('BT21_A')));
const BT21_B = ok(decodeBt21(syntheticTable('BT21_B')));
const C02 = frame('C02').decoded;

describe('[BT23] current register data (spec §10.3)', () => {
  test('[BT23] layout lengths: 220 bytes for variant A (5 x 44), 221 for variant B (+ NBR_DEMAND_RESETS)', () => {
    expect(bt23Length(BT21_A)).toBe(220);
    expect(bt23Length(BT21_B)).toBe(221);
    expect(bt23EnergyReadLength(BT21_A)).toBe(16);
    expect(bt23EnergyReadLength(BT21_B)).toBe(17);
  });

  test('[BT23] decodes the full capture C02 (variant A): total block, tier 1 and zero tiers 2-4', () => {
    const v = ok(decodeBt23(replyData('C02'), { bt21: BT21_A }));
    expect(v.complete).toBe(true);
    expect(v.nbrDemandResets).toBeNull();
    expect(v.total.summations).toEqual(C02.block0_int32_le);
    expect(v.tiers).toHaveLength(4);
    expect((v.tiers[0] as { summations: number[] }).summations).toEqual(C02.block1_int32_le);
    for (const tier of v.tiers.slice(1)) expect(tier).toEqual({ summations: new Array(11).fill(0), demands: [], coincidents: [] });
    expect([v.fwdActiveWh, v.revActiveWh]).toEqual([C02.fwd_active_wh, C02.rev_active_wh]);
    expect([v.fwdReactiveVarh, v.revReactiveVarh]).toEqual([C02.block0_int32_le[2], C02.block0_int32_le[3]]);
  });

  test('[BT23] synthetic full read F045 and the BT23_A table decode like capture C02', () => {
    const c02 = decodeBt23(replyData('C02'), { bt21: BT21_A });
    expect(decodeBt23(replyData('F045'), { bt21: BT21_A })).toEqual(c02);
    expect(decodeBt23(syntheticTable('BT23_A'), { bt21: BT21_A })).toEqual(c02);
  });

  test('[BT23] partial read F018 (13 bytes, variant A) gives import/export Wh and marks tiers absent', () => {
    const want = frame('F018').decoded;
    const v = ok(decodeBt23(replyData('F018'), { bt21: BT21_A }));
    expect([v.fwdActiveWh, v.revActiveWh]).toEqual([want.fwd_active_wh, want.rev_active_wh]);
    expect(v.complete).toBe(false);
    expect(v.tiers).toEqual([]);
    // 13 bytes hold 3 whole summations: k = 2 (reactive) is there, k = 3 is not.
    expect(v.total.summations).toEqual(C02.block0_int32_le.slice(0, 3));
    expect(v.revReactiveVarh).toBeNull();
    expect(decodeBt23Partial(replyData('F018'), { bt21: BT21_A })).toEqual(decodeBt23(replyData('F018'), { bt21: BT21_A }));
  });

  test('[BT23] partial read F041 (13 bytes, variant B) skips the NBR_DEMAND_RESETS byte', () => {
    const want = frame('F041').decoded;
    const v = ok(decodeBt23(replyData('F041'), { bt21: BT21_B }));
    expect(v).toMatchObject({ complete: false, nbrDemandResets: 7, fwdActiveWh: want.fwd_active_wh, revActiveWh: want.rev_active_wh });
    expect(v.total.summations).toEqual(C02.block0_int32_le.slice(0, 3));
  });

  test('[BT23] partial read of A + 16 bytes gives summations k = 0..3 (active and reactive)', () => {
    for (const [bt21, table] of [[BT21_A, 'BT23_A'], [BT21_B, 'BT23_B']] as [Bt21Dimensions, string][]) {
      const data = syntheticTable(table).slice(0, bt23EnergyReadLength(bt21));
      const v = ok(decodeBt23Partial(data, { bt21 }));
      expect(v.total.summations).toEqual(C02.block0_int32_le.slice(0, 4));
      expect([v.fwdReactiveVarh, v.revReactiveVarh]).toEqual(C02.block0_int32_le.slice(2, 4));
    }
  });

  test('[BT23] full read F039 (variant B): NBR_DEMAND_RESETS first, Wh at data offset 1', () => {
    const want = frame('F039').decoded;
    const data = replyData('F039');
    const v = ok(decodeBt23(data, { bt21: BT21_B }));
    expect(v).toMatchObject({ complete: true, nbrDemandResets: want.nbr_demand_resets });
    expect([v.fwdActiveWh, v.revActiveWh]).toEqual([want.fwd_active_wh, want.rev_active_wh]);
    expect(readI32le(data, want.data_offset_of_fwd)).toBe(v.fwdActiveWh);
    expect(v.total.summations).toEqual(C02.block0_int32_le);
    expect(decodeBt23(syntheticTable('BT23_B'), { bt21: BT21_B })).toEqual(decodeBt23(data, { bt21: BT21_B }));
  });

  test('[BT23] demand and coincident records follow the BT21 flags (time, cum, cont-cum; 5-byte STIME_DATE)', () => {
    // REG_FUNC1 bits 1 (DATE_TIME), 2 (DEMAND_RESET_CTR), 4 (CUM), 5 (CONT_CUM); 2 summations, 1 demand with
    // 2 occurrences, 1 coincident, 1 tier. Built field by field from the §10.3 grammar.
    const bt21: Bt21Dimensions = { regFunc1Flags: 0x36, nbrSummations: 2, nbrDemands: 1, nbrCoinValues: 1, nbrOccur: 2, nbrTiers: 1, nbrPresentDemands: 0, nbrPresentValues: 0 };
    const w = new ByteWriter().u8(3);
    for (const base of [1000, 2000]) {
      w.i32le(base).i32le(-base); // summations
      w.bytes(new Uint8Array([24, 3, 28, 17, 15, 24, 3, 29, 0, 45])); // EVENT_TIME x 2
      w.i32le(base + 1).i32le(base + 2).i32le(base + 3).i32le(base + 4); // cum, cont-cum, DEMAND x 2
      w.i32le(base + 5).i32le(-(base + 6)); // COINCIDENT_VALUES x 2
    }
    const data = w.toBytes();
    expect(bt23Length(bt21)).toBe(data.length);
    const v = ok(decodeBt23(data, { bt21 }));
    expect(v.nbrDemandResets).toBe(3);
    expect(v.total).toEqual({
      summations: [1000, -1000],
      demands: [{
        eventTimes: [{ year: 2024, month: 3, day: 28, hour: 17, minute: 15 }, { year: 2024, month: 3, day: 29, hour: 0, minute: 45 }],
        cumDemand: 1001,
        contCumDemand: 1002,
        demands: [1003, 1004],
      }],
      coincidents: [[1005, -1006]],
    });
    expect((v.tiers[0] as { summations: number[] }).summations).toEqual([2000, -2000]);
    expect([v.fwdActiveWh, v.revActiveWh, v.fwdReactiveVarh]).toEqual([1000, -1000, null]);
  });

  test('[BT23] without bit 1/4/5 a demand record is DEMAND[NBR_OCCUR] only', () => {
    const bt21: Bt21Dimensions = { ...BT21_A, nbrSummations: 1, nbrDemands: 1, nbrOccur: 1, nbrTiers: 0 };
    const v = ok(decodeBt23(new ByteWriter().i32le(5).i32le(-7).toBytes(), { bt21 }));
    expect(v.total.demands).toEqual([{ eventTimes: null, cumDemand: null, contCumDemand: null, demands: [-7] }]);
  });

  test('[BT23] without the BT21 context it is an error', () => {
    expectError(decodeBt23(replyData('C02')), BT23, 0);
    expectError(decodeBt23(replyData('C02'), {}), BT23, 0);
    expectError(decodeBt23Partial(replyData('F018')), BT23, 0);
  });

  test('[BT23] truncated variant A: < 8 bytes is an error at k = 0 or 1, longer prefixes are partial reads', () => {
    const full = replyData('C02');
    eachTruncation((d) => decodeBt23(d, { bt21: BT21_A }), full, (len, r) => {
      if (len < 8) return expectError(r, BT23, len < 4 ? 0 : 4);
      const v = ok(r);
      expect(v.complete).toBe(false);
      expect(v.total.summations).toEqual(C02.block0_int32_le.slice(0, Math.min(11, Math.floor(len / 4))));
      expect(v.tiers).toEqual([]);
    });
  });

  test('[BT23] truncated variant B: the demand-reset byte, then k = 0 and 1 are required', () => {
    eachTruncation((d) => decodeBt23(d, { bt21: BT21_B }), replyData('F039'), (len, r) => {
      if (len < 9) return expectError(r, BT23, len === 0 ? 0 : len < 5 ? 1 : 5);
      expect(ok(r)).toMatchObject({ complete: false, nbrDemandResets: 7, fwdActiveWh: C02.fwd_active_wh });
    });
  });

  test('[BT23] over-long input: trailing bytes are ignored', () => {
    expectOverlongIgnored((d) => decodeBt23(d, { bt21: BT21_A }), replyData('C02'));
    expectOverlongIgnored((d) => decodeBt23(d, { bt21: BT21_B }), replyData('F039'));
  });

  test('[BT23] random bytes with random BT21 dimensions never throw', () => {
    expectNeverThrows((d, bt21) => decodeBt23(d, { bt21 }), bt21Arb);
    expectNeverThrows((d, bt21) => decodeBt23(d, { bt21 }), smallBt21Arb, 120);
    expectNeverThrows((d, bt21) => decodeBt23Partial(d, { bt21 }), bt21Arb, 64);
  });
});
