// Spec §8, §10, §15.6: default table images of the two profiles.
import { fullRead } from '../../device/src/meter/requests';
import { BT00, BT01, BT08, BT21, BT23, BT28, BT52, ET03, ET11, ET13, ET50, ET58 } from '../../device/src/meter/table-ids';
import { SYNTHETIC_HEX } from '../../device/sim/meter-sim/synthetic-tables';
import { Harness, START, hexOf } from './harness';
import { loadVectors } from '../helpers/vectors';

const tables: { [k: string]: string } = loadVectors('frames.json').synthetic_tables;
const ascii = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

describe('[MEP §15.6] three-phase profile = synthetic tables of frames.json', () => {
  test('the embedded copy still matches shared/vectors/frames.json', () => {
    expect(SYNTHETIC_HEX).toEqual(tables);
  });

  test('static tables', () => {
    const h = new Harness();
    const read = (t: number): string => hexOf(h.reply(fullRead(t)).data!);
    expect(read(BT01)).toBe(tables.BT01);
    expect(read(BT21)).toBe(tables.BT21_A);
    expect(read(ET03)).toBe(tables.ET03);
    expect(read(ET11)).toBe(tables.ET11);
    expect(read(ET13)).toBe(tables.ET13);
    expect(read(ET50)).toBe(tables.ET50);
    expect(read(BT08)).toBe(tables.BT08);
    expect(read(ET58)).toBe('00'.repeat(100)); // the M-Bus/MEP status extension (guide p. 165), 5 × 20 bytes
  });

  test('live BT23 starts at the synthetic register values; BT28 has 55 values; BT52 is the simulated UTC clock', () => {
    const h = new Harness();
    expect(hexOf(h.reply(fullRead(BT23)).data!)).toBe(tables.BT23_A);
    expect(h.reply(fullRead(BT28)).data!.length).toBe(220);
    expect(hexOf(h.reply(fullRead(BT52)).data!)).toBe('18031c0c0000' + '14'); // 2024-03-28 12:00:00, Thu, GMT
    h.advance(3_600_000 + 61_000);
    expect(hexOf(h.reply(fullRead(BT52)).data!)).toBe('18031c0d0101' + '14');
  });

  test('variant B layouts (BT21 flags b2 + b6, one present demand)', () => {
    const h = new Harness({ bt21Variant: 'B' });
    expect(hexOf(h.reply(fullRead(BT21)).data!)).toBe(tables.BT21_B);
    const bt23 = h.reply(fullRead(BT23)).data!;
    expect(bt23.length).toBe(221);
    expect(bt23[0]).toBe(7); // NBR_DEMAND_RESETS
    expect(hexOf(bt23.subarray(1))).toBe(tables.BT23_A);
    const bt28 = h.reply(fullRead(BT28)).data!;
    expect(bt28.length).toBe(227);
    expect(hexOf(bt28.subarray(0, 3))).toBe('000f00'); // TIME_REMAINING 00:15:00 at 12:00:00
  });

  test('BT00: DATA_ORDER 0, TM_FORMAT 2, NI_FORMAT1 = NI_FORMAT2 = 8, table bitmaps (spec §8)', () => {
    const h = new Harness();
    const b = h.reply(fullRead(BT00)).data!;
    expect(b[0]! & 1).toBe(0);
    expect(b[1]! & 7).toBe(2);
    expect(b[2]).toBe(0x88);
    const stdUsed = b.subarray(19, 27);
    for (const t of [0, 1, 7, 8, 21, 23, 28, 52]) expect((stdUsed[t >> 3]! >> (t & 7)) & 1).toBe(1);
    expect((stdUsed[3 >> 3]! >> 3) & 1).toBe(0);
    const mfgUsed = b.subarray(27, 35);
    for (const t of [3, 11, 13, 50, 58]) expect((mfgUsed[t >> 3]! >> (t & 7)) & 1).toBe(1);
    const mfgProc = b.subarray(36, 44);
    expect((mfgProc[39 >> 3]! >> (39 & 7)) & 1).toBe(1);
    const stdWrite = b.subarray(44, 52);
    expect(hexOf(stdWrite)).toBe('8000000000000000'); // only BT07
  });
});

describe('one-phase profile', () => {
  test('different model and serial, L2/L3 zero', () => {
    const h = new Harness({ profile: 'one-phase' });
    const bt01 = h.reply(fullRead(BT01)).data!;
    expect(ascii(bt01.subarray(0, 12))).toBe('NES 83331-1I');
    expect(ascii(bt01.subarray(16))).toBe('0000000087654321');
    expect(ascii(h.reply(fullRead(ET03)).data!.subarray(0, 12))).toBe('571234567891');
    const bt28 = h.reply(fullRead(BT28)).data!;
    const v = (k: number): number => Buffer.from(bt28).readInt32LE(4 * k);
    for (const k of [5, 6, 8, 9, 13, 14, 27, 28, 30, 31]) expect(v(k)).toBe(0);
    expect(v(4)).toBeGreaterThan(0);
    expect(v(7)).toBeGreaterThan(220_000);
    expect(v(0)).toBe(v(26));
  });

  test('frozen one-phase tables do not move', () => {
    const h = new Harness({ profile: 'one-phase', values: 'frozen' });
    const a = hexOf(h.reply(fullRead(BT23)).data!);
    h.advance(3_600_000);
    expect(hexOf(h.reply(fullRead(BT23)).data!)).toBe(a);
    expect(hexOf(h.reply(fullRead(BT52)).data!)).toBe(hexOf(new Uint8Array([24, 3, 28, 12, 0, 0, 0x14])));
    expect(START).toBe(Date.UTC(2024, 2, 28, 12));
  });
});
