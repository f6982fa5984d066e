// Load profile decoders (guide pp. 29–31, 95–97, 231–240) and ET81 (pp. 184–185). The guide prints no worked load
// profile example (shared/vectors/guide-examples.json has none), so the bytes are built by hand from its tables.
import {
  blockHeaderRange, blockIndex, decodeBlock, decodeIntervals, decodeBlockHeader, hourlySums, intervalDeltas, intervalRanges,
  lastCompleteBlockRange, lastIntervalRange, layoutMatches, locateInterval, lpLayout, LP_POWER_FAIL,
} from '../../../../device/src/meter/tables/lp-data';
import { decodeBt61, decodeBt62, decodeBt63, decodeEt21 } from '../../../../device/src/meter/tables/lp-config';
import { decodeEt81 } from '../../../../device/src/meter/tables/et81-outage-log';
import { decodeBt71, decodeEventLog, EVENT_POWER_DOWN, EVENT_POWER_UP } from '../../../../device/src/meter/tables/bt74-event-log';

function le(...parts: [number, number][]): number[] {
  const out: number[] = [];
  for (const [v, n] of parts) for (let i = 0; i < n; i++) out.push((v >>> (8 * i)) & 0xff);
  return out;
}

// Guide p. 29's example data set: 30-minute intervals, 1-day blocks, 30 blocks; 2 channels.
const BT61_BYTES = new Uint8Array([...le([0x10000, 4], [0x0c00, 2], [0x20, 1]), ...le([30, 2], [48, 2], [2, 1], [30, 1])]);

describe('BT61 / BT62 / BT63 / ET21', () => {
  test('BT61: memory, flags and one data set (offsets 0, 4, 6, 7 + 6N)', () => {
    const d = decodeBt61(BT61_BYTES);
    expect(d.ok && d.value).toEqual({
      memoryLength: 0x10000, endReadings: false, scalarDivisor: [false, false, false, false], extendedStatus: true,
      simpleStatus: true, formats: 0x20, sets: [{ blocks: 30, intervalsPerBlock: 48, channels: 2, intervalMinutes: 30 }],
    });
    expect(decodeBt61(BT61_BYTES.subarray(0, 10)).ok).toBe(false);
  });

  test('BT62: 3-byte channel records then the format byte', () => {
    const bt61 = decodeBt61(BT61_BYTES);
    if (!bt61.ok) throw new Error(bt61.message);
    const d = decodeBt62(new Uint8Array([0, 0, 0, 0, 1, 0, 32]), bt61.value);
    expect(d.ok && d.value).toEqual([{ sources: [0, 1], format: 32, scalars: null, divisors: null }]);
  });

  test('BT63: 13 bytes per set (flags, valid blocks, last block, sequence, unread, valid intervals)', () => {
    const d = decodeBt63(new Uint8Array([0x26, ...le([30, 2], [4, 2], [1234, 4], [7, 2], [12, 2])]));
    expect(d.ok && d.value).toEqual([{ overflow: true, active: true, validBlocks: 30, lastBlock: 4, lastBlockSeq: 1234, unreadBlocks: 7, validIntervals: 12 }]);
  });

  test('ET21: sizes at 8/12, last block/interval at 18/20, interval layout at 22–29, sources at 30, times at 83/94', () => {
    const b = new Uint8Array(131);
    b.set(le([0, 4], [0, 4], [491, 4], [11, 2], [30, 2], [12, 2], [4, 2], [11, 2]), 0);
    b.set([5, 6, 11, 10, 2, 0, 2, 30], 22); // interval size 10 = 2 status bytes + 2 × 4
    b.set([0, 1], 30);
    b.set([26, 12, 3, 0, 0, 0], 83);
    b.set([26, 12, 3, 6, 0, 0, 0], 94);
    const d = decodeEt21(b);
    if (!d.ok) throw new Error(d.message);
    const s = d.value[0]!;
    expect(s).toMatchObject({ blockSize: 491, blockHeaderSize: 11, validBlocks: 30, validIntervals: 12, lastBlockIndex: 4, lastIntervalNumber: 11, intervalSize: 10, channels: 2, intervalMinutes: 30, sources: [0, 1] });
    expect(s.blockStartMs).toBe(Date.UTC(2026, 11, 3));
    expect(s.lastIntervalEndMs).toBe(Date.UTC(2026, 11, 3, 6));
    const bt61 = decodeBt61(BT61_BYTES);
    if (!bt61.ok) throw new Error(bt61.message);
    expect(layoutMatches(lpLayout(bt61.value, 0), s)).toBe(true);
  });
});

describe('BT64 blocks and the guide\'s offset formulas (p. 31)', () => {
  const bt61 = decodeBt61(BT61_BYTES);
  if (!bt61.ok) throw new Error(bt61.message);
  const layout = lpLayout(bt61.value, 0);

  test('block layout: end time 5, simple status ceil(48/8) = 6, interval = (2/2 + 1) + 4·2 = 10 bytes', () => {
    expect(layout).toMatchObject({ simpleStatusOffset: 5, simpleStatusSize: 6, statusSize: 2, intervalSize: 10, headerSize: 11, blockSize: 11 + 480, intervalMs: 1_800_000 });
  });

  test('last complete block = ((BT63.3 − 1) mod BT61.7) × block size; last interval adds header + index × size', () => {
    const status = { overflow: false, active: true, validBlocks: 30, lastBlock: 0, lastBlockSeq: 90, unreadBlocks: 0, validIntervals: 5 };
    expect(lastCompleteBlockRange(layout, status)).toEqual({ table: 0x40, offset: 29 * 491, count: 491 });
    const et21 = { lastIntervalNumber: 4 } as Parameters<typeof lastIntervalRange>[2];
    expect(lastIntervalRange(layout, { ...status, lastBlock: 3 }, et21)).toEqual({ table: 0x40, offset: 3 * 491 + 11 + 40, count: 10 });
    expect(blockIndex(layout, status, 2)).toBe(28);
    expect(blockIndex(layout, { ...status, validBlocks: 2 }, 2)).toBe(-1);
    expect(blockHeaderRange(layout, 28)).toEqual({ table: 0x40, offset: 28 * 491, count: 11 });
    // 48 intervals of 10 bytes in reads of at most 465 bytes: 46 + 2.
    expect(intervalRanges(layout, 1, 0, 47, 465)).toEqual([
      { table: 0x40, offset: 491 + 11, count: 460 },
      { table: 0x40, offset: 491 + 11 + 460, count: 20 },
    ]);
  });

  test('a block: times from the end time, simple status, extended status nibbles, INT32 totals', () => {
    const block = new Uint8Array(491);
    block.set([26, 12, 3, 2, 0], 0); // end time 2026-12-03 02:00 UTC = end of interval 3 (00:00 start)
    block[5] = 0x0f; // intervals 0–3 processed
    const iv = (k: number, common: number, ch0: number, ch1: number, a: number, b: number): void =>
      block.set([(common << 4) | ch0, ch1 << 4, ...le([a, 4], [b, 4])], 11 + 10 * k);
    iv(0, 0, 0, 0, 1000, 7);
    iv(1, LP_POWER_FAIL, 0, 0, 1100, 7);
    iv(2, 0, 0, 4, 1300, 0);
    iv(3, 0, 0, 0, 1450, 9);
    const d = decodeBlock(layout, block);
    if (!d.ok) throw new Error(d.message);
    const [a, b, c, e] = d.value.intervals;
    expect(a).toEqual({ index: 0, endMs: Date.UTC(2026, 11, 3, 0, 30), valid: true, common: 0, status: [0, 0], values: [1000, 7] });
    expect(b!.common).toBe(LP_POWER_FAIL);
    expect(c!.status).toEqual([0, 4]);
    expect(e!.endMs).toBe(Date.UTC(2026, 11, 3, 2));
    expect(d.value.intervals[4]!.valid).toBe(false);
    const deltas = intervalDeltas(d.value.intervals, 0, layout.intervalMs);
    expect(deltas.map((x) => x.delta)).toEqual([100, 200, 150]);
    // A skipped channel (status 4) breaks the chain for that channel only.
    expect(intervalDeltas(d.value.intervals, 1, layout.intervalMs).map((x) => x.delta)).toEqual([0]);
    expect(hourlySums(deltas, layout.intervalMs)).toEqual([
      { startMs: Date.UTC(2026, 11, 3, 0), sum: 100, complete: false },
      { startMs: Date.UTC(2026, 11, 3, 1), sum: 350, complete: true },
    ]);
    // The same intervals read on their own (a partial read) decode the same.
    const h = decodeBlockHeader(layout, block.subarray(0, 11));
    if (!h.ok) throw new Error(h.message);
    const part = decodeIntervals(layout, h.value, 2, block.subarray(31, 51));
    expect(part.ok && part.value.map((x) => x.values[0])).toEqual([1300, 1450]);
    expect(decodeIntervals(layout, h.value, 2, block.subarray(31, 50)).ok).toBe(false);
  });

  test('locating the interval for a time, across blocks', () => {
    const lastEnd = Date.UTC(2026, 11, 3, 2); // interval 3 of today's block
    expect(locateInterval(layout, lastEnd, 3, Date.UTC(2026, 11, 3, 1))).toEqual({ back: 0, index: 1 });
    expect(locateInterval(layout, lastEnd, 3, Date.UTC(2026, 11, 3, 0, 30))).toEqual({ back: 0, index: 0 });
    expect(locateInterval(layout, lastEnd, 3, Date.UTC(2026, 11, 3, 0, 0))).toEqual({ back: 1, index: 47 });
    expect(locateInterval(layout, lastEnd, 3, Date.UTC(2026, 11, 1, 12, 0))).toEqual({ back: 2, index: 23 });
  });
});

describe('ET81 power outage log', () => {
  test('header then 12-byte entries, walked back from the last entry (circular)', () => {
    const b = new Uint8Array(6 + 3 * 12);
    b.set([0x06, 3, 0, ...le([41, 2]), 1], 0);
    b.set([26, 12, 1, 10, 0, 0, 26, 12, 1, 11, 30, 0], 6); // element 0: newest (seq 41)
    b.set([26, 11, 1, 10, 0, 0, 26, 11, 1, 10, 5, 0], 18);
    b.set([26, 11, 20, 10, 0, 0, 26, 11, 20, 10, 1, 0], 30);
    const d = decodeEt81(b);
    if (!d.ok) throw new Error(d.message);
    expect(d.value).toMatchObject({ overflow: true, circular: true, validEntries: 3, lastEntry: 0, lastSeq: 41, unread: 1 });
    expect(d.value.entries.map((e) => e.seq)).toEqual([41, 40, 39]);
    expect(d.value.entries[0]).toEqual({ seq: 41, startLocalMs: Date.UTC(2026, 11, 1, 10), endLocalMs: Date.UTC(2026, 11, 1, 11, 30) });
    expect(d.value.entries[1]!.startLocalMs).toBe(Date.UTC(2026, 10, 20, 10)); // element 2 (wrapped)
    expect(decodeEt81(new Uint8Array([0, 5, 0, 0, 0, 0])).ok).toBe(false);
  });
});

describe('BT71 / BT74 event log', () => {
  test('BT71.3 argument size and BT71.5 entries; BT74 records of 12 + argument bytes, walked back from the last', () => {
    const bt71 = decodeBt71(new Uint8Array([0x06, 2, 0, 2, 0, ...le([3, 2], [0, 2])]));
    expect(bt71.ok && bt71.value).toEqual({ flags: 6, argumentSize: 2, historyEntries: 3 });
    const b = new Uint8Array(11 + 3 * 14);
    b.set([0x04, ...le([2, 2], [1, 2], [0x10007, 4], [2, 2])], 0);
    b.set([26, 12, 1, 10, 0, 0, ...le([6, 2], [0xffff, 2], [0xf001, 2]), 0xaa, 0xbb], 11); // element 0: power down
    b.set([26, 12, 1, 11, 0, 5, ...le([7, 2], [0xfffd, 2], [2, 2]), 0, 0], 25); // element 1: power up (newest)
    const d = decodeEventLog(b, 2);
    if (!d.ok) throw new Error(d.message);
    expect(d.value).toMatchObject({ circular: true, overflow: false, validEntries: 2, lastEntry: 1, lastSeq: 0x10007, unread: 2 });
    expect(d.value.events.map((e) => [e.seq, e.event, e.userId, e.timeMs])).toEqual([
      [7, EVENT_POWER_UP, 0xfffd, Date.UTC(2026, 11, 1, 11, 0, 5)],
      [6, EVENT_POWER_DOWN, 0xffff, Date.UTC(2026, 11, 1, 10)], // event bits 12–15 are filler
    ]);
    expect(Array.from(d.value.events[1]!.argument)).toEqual([0xaa, 0xbb]);
    expect(decodeEventLog(b.subarray(0, 10), 2).ok).toBe(false);
  });
});
