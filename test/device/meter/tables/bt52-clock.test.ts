import fc from 'fast-check';
import { BT52 } from '../../../../device/src/meter/table-ids';
import { bt52EpochMs, decodeBt52 } from '../../../../device/src/meter/tables/bt52-clock';
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

function clock(bytes: number[]): Uint8Array {
  return new Uint8Array(bytes);
}

describe('[BT52] clock (spec §10.5)', () => {
  test('[BT52] decodes reply F004 to its "decoded" expectation', () => {
    const want = frame('F004').decoded;
    const v = ok(decodeBt52(replyData('F004')));
    expect({
      year: v.year,
      month: v.month,
      day: v.day,
      hour: v.hour,
      minute: v.minute,
      second: v.second,
      day_of_week: v.dayOfWeek,
      dst: v.dst,
      gmt: v.gmt,
      tz_applied: v.tzApplied,
      dst_applied: v.dstApplied,
    }).toEqual(want);
    expect(v.dstSupported).toBe(false);
    expect(decodeBt52(syntheticTable('BT52'))).toEqual(decodeBt52(replyData('F004')));
  });

  test('[BT52] qualifier bits: 3 DST, 4 GMT, 5 TZ applied, 6 DST applied, 7 DST supported; day 7 = undefined', () => {
    const names = ['dst', 'gmt', 'tzApplied', 'dstApplied', 'dstSupported'];
    names.forEach((name, i) => {
      const v = ok(decodeBt52(clock([24, 1, 1, 0, 0, 0, 1 << (i + 3)]))) as unknown as Record<string, unknown>;
      for (const other of names) expect([other, v[other]]).toEqual([other, other === name]);
      expect(v.dayOfWeek).toBe(0);
    });
    expect(ok(decodeBt52(clock([24, 1, 1, 0, 0, 0, 0xff]))).dayOfWeek).toBeNull();
  });

  test('[BT52] epoch ms of the UTC clock F004 equals Date.UTC', () => {
    expect(bt52EpochMs(ok(decodeBt52(replyData('F004'))))).toBe(Date.UTC(2024, 2, 28, 17, 27, 13));
  });

  test('[BT52] epoch ms: local time (GMT bit clear) is null unless assumeUtc (reference parity)', () => {
    const v = ok(decodeBt52(clock([24, 3, 28, 17, 27, 13, 4])));
    expect(bt52EpochMs(v)).toBeNull();
    expect(bt52EpochMs(v, true)).toBe(Date.UTC(2024, 2, 28, 17, 27, 13));
  });

  test('[BT52] epoch ms agrees with Date.UTC for every valid date 2000-2255', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(Date.UTC(2000, 0, 1)), max: new Date(Date.UTC(2255, 11, 31, 23, 59, 59)), noInvalidDate: true }), (d) => {
        const bytes = clock([d.getUTCFullYear() - 2000, d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), 0x10 | d.getUTCDay()]);
        const v = ok(decodeBt52(bytes));
        expect(v.dayOfWeek).toBe(d.getUTCDay());
        expect(bt52EpochMs(v)).toBe(Math.floor(d.getTime() / 1000) * 1000);
      }),
    );
  });

  test('[BT52] out-of-range fields are a DecodeError at the offending byte', () => {
    const cases: [number[], number][] = [
      [[24, 0, 1, 0, 0, 0, 0], 1],
      [[24, 13, 1, 0, 0, 0, 0], 1],
      [[24, 1, 0, 0, 0, 0, 0], 2],
      [[24, 1, 32, 0, 0, 0, 0], 2],
      [[24, 4, 31, 0, 0, 0, 0], 2],
      [[23, 2, 29, 0, 0, 0, 0], 2],
      [[24, 1, 1, 24, 0, 0, 0], 3],
      [[24, 1, 1, 0, 60, 0, 0], 4],
      [[24, 1, 1, 0, 0, 60, 0], 5],
    ];
    for (const [bytes, at] of cases) expectError(decodeBt52(clock(bytes)), BT52, at);
    expect(ok(decodeBt52(clock([24, 2, 29, 23, 59, 59, 0]))).day).toBe(29);
    expect(ok(decodeBt52(clock([0, 2, 29, 0, 0, 0, 0]))).year).toBe(2000);
  });

  test('[BT52] truncated: the 7-byte clock is read as one unit, every shorter table fails at offset 0', () => {
    eachTruncation(decodeBt52, replyData('F004'), (_len, r) => expectError(r, BT52, 0));
  });

  test('[BT52] over-long input: trailing bytes are ignored', () => {
    expectOverlongIgnored(decodeBt52, replyData('F004'));
  });

  test('[BT52] random bytes never throw', () => {
    expectNeverThrows((d) => decodeBt52(d), fc.constant(undefined), 16);
  });
});
