import { ByteWriter } from '../../../../device/src/meter/bytes';
import { BT28 } from '../../../../device/src/meter/table-ids';
import { Bt21Dimensions, decodeBt21 } from '../../../../device/src/meter/tables/bt21-actual-registers';
import { bt28Length, bt28ValuesOffset, decodeBt28 } from '../../../../device/src/meter/tables/bt28-present-values';
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
const C07_VALUES: number[] = frame('C07').decoded.present_values_int32_le;

// The "Capture C07" column of the spec §10.4 table, field by field.
const C07_NAMED = {
  fwdActiveW: 484,
  revActiveW: 0,
  importReactiveVar: 0,
  exportReactiveVar: 366,
  currentMa: [1027, 1101, 779],
  voltageMv: [232113, 231948, 231596],
  powerFactorMilli: [837, 546, 826],
  frequencyMilliHz: 50000,
  apparentPowerVa: 669,
  reactiveQuadrantVar: [0, 0, 0, 366],
  fwdActivePhaseW: [198, 139, 147],
  revActivePhaseW: [0, 0, 0],
  voltageContinuousMv: [232029, 232075, 231681],
  voltageAverageMv: [232112, 232111, 231727],
  fwdAvgActiveW: 484,
  revAvgActiveW: 0,
  fwdAvgActivePhaseW: [198, 139, 147],
  revAvgActivePhaseW: [0, 0, 0],
};

describe('[BT28] present register data (spec §10.4)', () => {
  test('[BT28] decodes every known field of capture C07 to the §10.4 "Capture C07" column', () => {
    const v = ok(decodeBt28(replyData('C07'), { bt21: BT21_A }));
    expect(v).toMatchObject(C07_NAMED);
    expect(v.presentDemands).toEqual([]);
  });

  test('[BT28] keeps all 55 values of C07 indexed by k, unknown ones (15-21, 32-40) raw', () => {
    const v = ok(decodeBt28(replyData('C07'), { bt21: BT21_A }));
    expect(v.values).toEqual(C07_VALUES);
    expect(v.values.slice(15, 18)).toEqual([-448, -741, -399]);
    expect(v.values.slice(38, 41)).toEqual([1057, 1111, 755]);
  });

  test('[BT28] signed values stay signed (ref bug #12): k 15-17 are negative in C07', () => {
    const v = ok(decodeBt28(replyData('C07'), { bt21: BT21_A }));
    expect(Math.min(...v.values)).toBe(-741);
  });

  test('[BT28] decodes per-phase power from capture C07 consistently: 198 + 139 + 147 = 484 W', () => {
    const v = ok(decodeBt28(replyData('C07'), { bt21: BT21_A }));
    const fwd = v.fwdActivePhaseW as number[];
    const rev = v.revActivePhaseW as number[];
    expect(fwd[0]! + fwd[1]! + fwd[2]!).toBe(v.fwdActiveW);
    // jnxxx validity check: sum(L fwd) - sum(L rev) = fwd - rev within 3 W.
    const phases = fwd[0]! + fwd[1]! + fwd[2]! - (rev[0]! + rev[1]! + rev[2]!);
    expect(Math.abs(phases - (v.fwdActiveW! - v.revActiveW!))).toBeLessThanOrEqual(3);
  });

  test('[BT28] units check on C07: per-phase PF ~ P / (V x I) with mV, mA, W and 1/1000', () => {
    const v = ok(decodeBt28(replyData('C07'), { bt21: BT21_A }));
    for (let p = 0; p < 3; p++) {
      const va = (v.voltageMv![p]! / 1000) * (v.currentMa![p]! / 1000);
      expect(Math.abs(v.fwdActivePhaseW![p]! / va - v.powerFactorMilli![p]! / 1000)).toBeLessThan(0.02);
    }
    expect(v.frequencyMilliHz! / 1000).toBe(50);
  });

  test('[BT28] synthetic reply F020 (variant A) decodes to its "decoded" expectation', () => {
    const want = frame('F020').decoded;
    const v = ok(decodeBt28(replyData('F020'), { bt21: BT21_A }));
    expect({
      fwd_w: v.fwdActiveW,
      rev_w: v.revActiveW,
      import_var: v.importReactiveVar,
      export_var: v.exportReactiveVar,
      i_l1_ma: v.currentMa![0],
      v_l1_mv: v.voltageMv![0],
      pf_l1_milli: v.powerFactorMilli![0],
      freq_mhz: v.frequencyMilliHz,
    }).toEqual(want);
    expect(decodeBt28(syntheticTable('BT28_A'), { bt21: BT21_A })).toEqual(decodeBt28(replyData('C07'), { bt21: BT21_A }));
  });

  test('[BT28] variant B (F043): one present demand with TIME_REMAINING, values start at offset 7', () => {
    const want = frame('F043').decoded;
    expect(bt28ValuesOffset(BT21_B)).toBe(want.present_values_offset);
    expect(bt28Length(BT21_B)).toBe(replyData('F043').length);
    const v = ok(decodeBt28(replyData('F043'), { bt21: BT21_B }));
    expect(v.fwdActiveW).toBe(want.fwd_w);
    expect(v.values).toEqual(C07_VALUES);
    // Bytes 00 0c 1e = 00:12:30 remaining, then DEMAND_VALUE 00 02 00 00 (LE) = 512.
    expect(v.presentDemands).toEqual([{ timeRemainingSeconds: 12 * 60 + 30, demand: 512 }]);
  });

  test('[BT28] present demands without TIME_REMAINING are 4 bytes each', () => {
    const bt21: Bt21Dimensions = { ...BT21_A, nbrPresentDemands: 2, nbrPresentValues: 1 };
    const v = ok(decodeBt28(new ByteWriter().i32le(-5).i32le(6).i32le(484).toBytes(), { bt21 }));
    expect(v.presentDemands).toEqual([{ timeRemainingSeconds: null, demand: -5 }, { timeRemainingSeconds: null, demand: 6 }]);
    expect(v.values).toEqual([484]);
  });

  test('[BT28] a meter with fewer present values leaves the higher-k fields null', () => {
    const bt21: Bt21Dimensions = { ...BT21_A, nbrPresentValues: 12 };
    const v = ok(decodeBt28(replyData('C07').slice(0, 48), { bt21 }));
    expect(v.values).toEqual(C07_VALUES.slice(0, 12));
    expect(v.frequencyMilliHz).toBe(50000);
    expect([v.apparentPowerVa, v.powerFactorMilli, v.fwdActivePhaseW, v.revAvgActivePhaseW]).toEqual([null, null, null, null]);
    expect(v.voltageMv).toEqual(C07_NAMED.voltageMv);
  });

  test('[BT28] without the BT21 context it is an error', () => {
    expectError(decodeBt28(replyData('C07')), BT28, 0);
  });

  test('[BT28] truncated variant A: an error at the first value that runs short', () => {
    eachTruncation((d) => decodeBt28(d, { bt21: BT21_A }), replyData('C07'), (len, r) => expectError(r, BT28, 4 * Math.floor(len / 4)));
  });

  test('[BT28] truncated variant B: an error at the TIME byte, the demand value or the value that runs short', () => {
    eachTruncation((d) => decodeBt28(d, { bt21: BT21_B }), replyData('F043'), (len, r) => {
      const at = len < 3 ? len : len < 7 ? 3 : 7 + 4 * Math.floor((len - 7) / 4);
      expectError(r, BT28, at);
    });
  });

  test('[BT28] over-long input: trailing bytes are ignored', () => {
    expectOverlongIgnored((d) => decodeBt28(d, { bt21: BT21_A }), replyData('C07'));
    expectOverlongIgnored((d) => decodeBt28(d, { bt21: BT21_B }), replyData('F043'));
  });

  test('[BT28] random bytes with random BT21 dimensions never throw', () => {
    expectNeverThrows((d, bt21) => decodeBt28(d, { bt21 }), bt21Arb);
    expectNeverThrows((d, bt21) => decodeBt28(d, { bt21 }), smallBt21Arb, 120);
  });
});
