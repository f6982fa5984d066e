import fc from 'fast-check';
import { toHex } from '../../../../device/src/meter/bytes';
import { ET13 } from '../../../../device/src/meter/table-ids';
import {
  baudRate,
  billingDay,
  billingFrequency,
  decodeEt13,
  Et13,
  et13AlertFlagsOffset,
  et13MepEntryOffset,
} from '../../../../device/src/meter/tables/et13-device-config';
import { decodeEt11 } from '../../../../device/src/meter/tables/et11-mfg-dimensions';
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

const E = ok(decodeEt11(replyData('F012'))).configEntrySize; // 66
const DATA = replyData('F014');

/** Every byte run and string reachable from a decoded value (Uint8Arrays and number arrays included). */
function leaves(value: unknown, out: { runs: number[][]; texts: string[] }): void {
  if (value instanceof Uint8Array) out.runs.push(Array.from(value));
  else if (Array.isArray(value)) {
    if (value.every((x) => typeof x === 'number')) out.runs.push(value as number[]);
    value.forEach((x) => leaves(x, out));
  } else if (typeof value === 'string') out.texts.push(value);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) { out.texts.push(k); leaves(v, out); }
}

function containsRun(run: number[], needle: number[]): boolean {
  for (let i = 0; i + needle.length <= run.length; i++) if (needle.every((b, j) => run[i + j] === b)) return true;
  return false;
}

/** Fails if any M-Bus security key (entry bytes 30.., its declared length, clipped to the entry) appears in the
 *  decoded output in any form, or if any field other than its length / set flag is named after it. */
function expectNoKeys(decoded: Et13, data: Uint8Array, size: number): void {
  const out = { runs: [] as number[][], texts: [] as string[] };
  leaves(decoded, out);
  const json = JSON.stringify(decoded, (_k, v) => (v instanceof Uint8Array ? toHex(v) : v));
  for (let i = 0; i < 4; i++) {
    const at = i * size + 30;
    const key = Array.from(data.slice(at, at + Math.min(data[i * size + 29] ?? 0, 32, size - 30)));
    if (key.length < 4) continue;
    const keyHex = toHex(new Uint8Array(key));
    const leaks = out.runs.filter((run) => containsRun(run, key)).length + out.texts.filter((t) => t.toLowerCase().includes(keyHex)).length;
    expect({ entry: i, leaks, inJson: json.includes(keyHex) }).toEqual({ entry: i, leaks: 0, inJson: false });
  }
  const keyNames = out.texts.filter((t) => /key/i.test(t) && t !== 'securityKeyLength' && t !== 'securityKeySet');
  expect(keyNames).toEqual([]);
}

describe('[ET13] MEP/M-Bus device configuration (spec §10.9)', () => {
  test('[ET13] decodes reply F014 (E = 66 from ET11): MEP alert flags and their offsets', () => {
    const want = frame('F014').decoded;
    const v = ok(decodeEt13(DATA, { entrySize: E }));
    expect(et13MepEntryOffset(E)).toBe(want.mep_entry_offset);
    expect(et13AlertFlagsOffset(E)).toBe(want.mep_alert_flags_offset);
    expect(v.mep!.alertFlags).toBe(want.mep_alert_flags);
    expect(DATA[et13AlertFlagsOffset(E)]).toBe(want.mep_alert_flags);
    expect(v.complete).toBe(true);
    expect(decodeEt13(syntheticTable('ET13'), { entrySize: E })).toEqual(decodeEt13(DATA, { entrySize: E }));
  });

  test('[ET13] MEP entry: schedule bytes 0-7 and 57 bytes of downlink data (9..65)', () => {
    const mep = ok(decodeEt13(DATA, { entrySize: E })).mep!;
    expect(mep.schedule).toEqual({
      billingDay: { kind: 'disabled', code: 39, weekday: null },
      billingHour: 0,
      billingMinute: 0,
      billingFrequencyCode: 4,
      billingFrequency: 'never',
      statusReadFrequency: 0,
      baudRateCode: 0,
      baudRate: 9600,
      alarmMask: 0,
    });
    expect(mep.complete).toBe(true);
    expect(mep.downlinkData).toEqual(DATA.slice(4 * E + 9, 5 * E));
    expect(mep.downlinkData).toHaveLength(57);
  });

  test('[ET13] M-Bus entries: schedule, customer ID, key length, Ta/To (words LE, guide p. 40)', () => {
    const v = ok(decodeEt13(DATA, { entrySize: E }));
    expect(v.mbus).toHaveLength(4);
    v.mbus.forEach((m, i) => {
      expect(m).toEqual({
        complete: true,
        schedule: {
          billingDay: { kind: 'dayOfMonth', code: 1, weekday: null },
          billingHour: 0,
          billingMinute: 5 + i,
          billingFrequencyCode: 1,
          billingFrequency: 'daily',
          statusReadFrequency: 0x3c00, // the synthetic table stores 00 3c (the reference's big-endian 60)
          baudRateCode: 4,
          baudRate: 2400,
          alarmMask: 0,
        },
        customerId: `MBUSCUST0${i + 1}`,
        applicationResetParameter: 0,
        securityKeyLength: 16,
        securityKeySet: true,
        ta: 0x0a00,
        to: 0x1400,
      });
    });
  });

  test('[ET13] SECURITY: the M-Bus security keys of F014 never appear in the decoded output', () => {
    expectNoKeys(ok(decodeEt13(DATA, { entrySize: E })), DATA, E);
  });

  test('[ET13] SECURITY: random keys in tables with any entry size that holds them never leak', () => {
    const keyArb = fc.uint8Array({ minLength: 32, maxLength: 32, min: 1 });
    const arb = fc.tuple(fc.integer({ min: 62, max: 100 }), fc.array(keyArb, { minLength: 4, maxLength: 4 }), fc.integer({ min: 4, max: 32 }));
    fc.assert(
      fc.property(arb, ([size, keys, keyLength]) => {
        // Filler is zero and keys are non-zero, so any run of key bytes in the output can only be a leak.
        const data = new Uint8Array(5 * size);
        keys.forEach((key, i) => {
          data[size * i + 29] = keyLength;
          data.set(key, size * i + 30);
        });
        expectNoKeys(ok(decodeEt13(data, { entrySize: size })), data, size);
      }),
      { numRuns: 200 },
    );
  });

  test('[ET13] billing day 31 and frequency >= 5 map to unknown (reference crash, §17 #9); baud codes >= 13 reserved', () => {
    expect(billingDay(31)).toEqual({ kind: 'unknown', code: 31, weekday: null });
    expect(billingDay(255).kind).toBe('unknown');
    expect(billingDay(0)).toEqual({ kind: 'dayOfMonth', code: 0, weekday: null });
    expect(billingDay(32)).toEqual({ kind: 'weekday', code: 32, weekday: 0 });
    expect(billingDay(38)).toEqual({ kind: 'weekday', code: 38, weekday: 6 });
    expect(billingDay(39).kind).toBe('disabled');
    expect(['hourly', 'daily', 'weekly', 'monthly', 'never'].map((_, i) => billingFrequency(i))).toEqual(['hourly', 'daily', 'weekly', 'monthly', 'never']);
    expect([billingFrequency(5), billingFrequency(255)]).toEqual(['unknown', 'unknown']);
    expect([baudRate(0), baudRate(4), baudRate(12), baudRate(13), baudRate(255)]).toEqual([9600, 2400, 115200, null, null]);
    const data = DATA.slice();
    data[0] = 31;
    data[3] = 200;
    const m = ok(decodeEt13(data, { entrySize: E })).mbus[0]!;
    expect([m.schedule.billingDay.kind, m.schedule.billingFrequency]).toEqual(['unknown', 'unknown']);
  });

  test('[ET13] E < 66: entries are shorter and the fields past E are null; E < 9 has no MEP alert flags', () => {
    // E = 29 ends just before the key-length byte.
    const v = ok(decodeEt13(DATA, { entrySize: 29 }));
    expect(v.mbus[0]).toMatchObject({ complete: true, customerId: 'MBUSCUST01', applicationResetParameter: 0, securityKeyLength: null, securityKeySet: null, ta: null, to: null });
    expect(v.mep!.downlinkData).toEqual(DATA.slice(4 * 29 + 9, 5 * 29));
    const tiny = ok(decodeEt13(DATA, { entrySize: 8 }));
    expect(tiny.mep).toMatchObject({ alertFlags: null, downlinkData: new Uint8Array(0) });
    expect(ok(decodeEt13(DATA, { entrySize: 1 })).mbus[1]!.schedule.billingDay).toEqual(billingDay(DATA[1]!));
  });

  test('[ET13] E > 66 or a large E: entries past the data are null, nothing reads past the end', () => {
    const v = ok(decodeEt13(DATA, { entrySize: 255 }));
    expect(ok(decodeEt13(DATA, { entrySize: 0xffff })).mbus.map((m) => m !== null)).toEqual([true, false, false, false]);
    expect(v.complete).toBe(false);
    expect(v.mbus.map((m) => m !== null)).toEqual([true, true, false, false]);
    expect(v.mbus[1]!.complete).toBe(false);
    expect(v.mep).toBeNull();
  });

  test('[ET13] missing, zero or non-integer entry size, or an empty table, is an error', () => {
    expectError(decodeEt13(DATA), ET13, 0);
    expectError(decodeEt13(DATA, {}), ET13, 0);
    for (const entrySize of [0, -1, 1.5, NaN, Infinity, 0x10000]) expectError(decodeEt13(DATA, { entrySize }), ET13, 0);
    expectError(decodeEt13(new Uint8Array(0), { entrySize: E }), ET13, 0);
  });

  test('[ET13] truncated: any non-empty prefix decodes the entries present (documented partial result)', () => {
    eachTruncation((d) => decodeEt13(d, { entrySize: E }), DATA, (len, r) => {
      if (len === 0) return expectError(r, ET13, 0);
      const v = ok(r);
      expect(v.complete).toBe(false);
      expect(v.mbus.filter((m) => m !== null)).toHaveLength(Math.min(4, Math.ceil(len / E)));
      expect(v.mep === null ? null : v.mep.alertFlags).toBe(len > 4 * E ? (len > 4 * E + 8 ? 1 : null) : null);
      if (len > 4 * E) expect(v.mep!.downlinkData).toEqual(DATA.slice(4 * E + 9, len));
    });
  });

  test('[ET13] over-long input: trailing bytes are ignored', () => {
    expectOverlongIgnored((d) => decodeEt13(d, { entrySize: E }), DATA);
  });

  test('[ET13] Gen 4 (ET11 byte 0 = 6): entry 5 is MEP client 2, its alert flags at 5E + 8 (guide pp. 80–83)', () => {
    const six = new Uint8Array(6 * E);
    six.set(DATA.subarray(0, 5 * E));
    six[5 * E + 8] = 0x10;
    const v = ok(decodeEt13(six, { entrySize: E, entries: 6 }));
    expect(v.mep2).toMatchObject({ complete: true, alertFlags: 0x10 });
    expect(ok(decodeEt13(six, { entrySize: E })).mep2).toBeNull();
    expect(et13AlertFlagsOffset(E, 2)).toBe(5 * E + 8);
    expect(et13AlertFlagsOffset(E, 1)).toBe(4 * E + 8);
  });

  test('[ET13] random bytes with any entry size never throw', () => {
    expectNeverThrows((d, entrySize) => decodeEt13(d, { entrySize }), fc.integer({ min: -2, max: 300 }));
    expectNeverThrows((d, entrySize) => decodeEt13(d, { entrySize }), fc.integer({ min: 1, max: 80 }), 420);
  });
});
