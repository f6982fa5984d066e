// The simulator's load profile (device/sim/meter-sim/load-profile.ts): recorded from the physics at every interval
// end, laid out as the guide's BT61/BT63/ET21/BT64 (pp. 95–97, 231–240), served by partial reads capped at 465
// bytes (guide p. 8), with injected outages flagged and logged in ET81.
import { MeterSimulator } from '../../device/sim/meter-sim/meter';
import { executeApdu, DEFAULT_COMMAND_OPTIONS } from '../../device/sim/meter-sim/commands';
import { IDENTITY_CIPHER } from '../../device/sim/meter-sim/cipher-types';
import { partialRead, fullRead } from '../../device/src/meter/requests';
import { decodeBt23 } from '../../device/src/meter/tables/bt23-current-register-data';
import { decodeBt21 } from '../../device/src/meter/tables/bt21-actual-registers';
import { BT21, BT23 } from '../../device/src/meter/table-ids';
import { BT61, BT62, BT63, BT64, ET21, ET81, decodeBt61, decodeBt62, decodeBt63, decodeEt21 } from '../../device/src/meter/tables/lp-config';
import { blockRange, decodeBlock, intervalDeltas, layoutMatches, lpLayout, LP_POWER_FAIL } from '../../device/src/meter/tables/lp-data';
import { decodeEt81 } from '../../device/src/meter/tables/et81-outage-log';
import { BT71, BT74, decodeBt71, decodeEventLog, EVENT_POWER_DOWN, EVENT_POWER_UP } from '../../device/src/meter/tables/bt74-event-log';

const KEY = 'ABCDEFGHIJKLMNOPQRST';
const START = Date.UTC(2026, 11, 3, 0, 10);
const H = 3_600_000;

function sim(loadProfile?: ConstructorParameters<typeof MeterSimulator>[0]['loadProfile']) {
  const clock = { now: 0 };
  const s = new MeterSimulator({ key: KEY, seed: 3, clock: () => clock.now, startTime: START, loadProfile });
  return { s, at: (simMs: number) => (clock.now = simMs - START) };
}

function ok<T>(d: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!d.ok) throw new Error(d.message);
  return d.value;
}

function importWh(s: MeterSimulator): number {
  const bt21 = ok(decodeBt21(s.tables.read(BT21)!));
  return ok(decodeBt23(s.tables.read(BT23)!, { bt21 })).total.summations[0]!;
}

describe('simulated load profile', () => {
  test('hourly intervals hold the BT23 totals at each interval end; the guide\'s sizes agree across BT61 and ET21', () => {
    const { s, at } = sim();
    const totals: number[] = [];
    for (let h = 1; h <= 5; h++) {
      at(Date.UTC(2026, 11, 3, h)); // exactly at an interval end
      totals.push(importWh(s));
    }
    const bt61 = ok(decodeBt61(s.tables.read(BT61)!));
    expect(bt61.sets).toEqual([{ blocks: 40, intervalsPerBlock: 24, channels: 4, intervalMinutes: 60 }]);
    expect(ok(decodeBt62(s.tables.read(BT62)!, bt61))[0]!.sources).toEqual([0, 1, 2, 3]);
    const status = ok(decodeBt63(s.tables.read(BT63)!))[0]!;
    expect(status).toMatchObject({ validBlocks: 1, lastBlock: 0, validIntervals: 5, active: true });
    const layout = lpLayout(bt61, 0);
    expect(layout.blockSize).toBe(5 + 3 + 24 * (3 + 16)); // 464: one block fits one 465-byte read
    const et21 = ok(decodeEt21(s.tables.read(ET21)!))[0]!;
    expect(layoutMatches(layout, et21)).toBe(true);
    expect(et21).toMatchObject({ lastIntervalNumber: 4, validIntervals: 5, lastIntervalEndMs: Date.UTC(2026, 11, 3, 5) });
    const block = ok(decodeBlock(layout, s.tables.read(BT64)!.subarray(0, layout.blockSize)));
    expect(block.header.endMs).toBe(Date.UTC(2026, 11, 3, 5));
    const valid = block.intervals.filter((i) => i.valid);
    expect(valid.map((i) => i.endMs)).toEqual([1, 2, 3, 4, 5].map((h) => Date.UTC(2026, 11, 3, h)));
    expect(valid.map((i) => i.values[0])).toEqual(totals);
  });

  test('partial reads of BT64 through the command path; more than 465 bytes or a full read is refused', () => {
    const { s, at } = sim({ intervalMinutes: 15 });
    at(START + 30 * H);
    const ctx = { store: s.tables, procedures: s.procedures, cipher: IDENTITY_CIPHER, options: DEFAULT_COMMAND_OPTIONS };
    const image = s.tables.read(BT64)!;
    const r = executeApdu(partialRead(BT64, 1841, 465).apdu, 1, ctx);
    expect(r.status).toBe(0);
    expect(Buffer.from(r.data!).equals(Buffer.from(image.subarray(1841, 1841 + 465)))).toBe(true);
    expect(executeApdu(partialRead(BT64, 0, 466).apdu, 2, ctx).status).toBe(0x04);
    expect(executeApdu(fullRead(BT64, 465).apdu, 3, ctx).status).toBe(0x04);
    const bt61 = ok(decodeBt61(s.tables.read(BT61)!));
    const layout = lpLayout(bt61, 0);
    expect(layout.blockSize).toBe(5 + 12 + 96 * 19);
    // The second block (day 2) is being filled: intervals 00:15 … 06:00 (day 1 from 00:15, its first interval end after the 00:10 start).
    const status = ok(decodeBt63(s.tables.read(BT63)!))[0]!;
    expect(status).toMatchObject({ validBlocks: 2, lastBlock: 1, validIntervals: 24 });
    const b0 = ok(decodeBlock(layout, image.subarray(0, layout.blockSize)));
    expect(b0.intervals.filter((i) => i.valid)).toHaveLength(96);
    const range = blockRange(layout, 1);
    const b1 = ok(decodeBlock(layout, image.subarray(range.offset, range.offset + range.count)));
    expect(b1.header.endMs).toBe(Date.UTC(2026, 11, 4, 6));
  });

  test('an injected outage: no energy, intervals flagged "power fail", an ET81 entry in local time', () => {
    const { s, at } = sim();
    at(Date.UTC(2026, 11, 3, 1, 0));
    s.loadProfile!.injectOutage(Date.UTC(2026, 11, 3, 2, 30), 2 * H);
    at(Date.UTC(2026, 11, 3, 7));
    const bt61 = ok(decodeBt61(s.tables.read(BT61)!));
    const layout = lpLayout(bt61, 0);
    const block = ok(decodeBlock(layout, s.tables.read(BT64)!.subarray(0, layout.blockSize)));
    const deltas = intervalDeltas(block.intervals, 0, layout.intervalMs);
    const byHour = new Map(deltas.map((d) => [new Date(d.endMs).getUTCHours(), d]));
    expect(byHour.get(4)!.delta).toBe(0); // 03:00–04:00 entirely without power
    expect(byHour.get(3)!.delta).toBeGreaterThan(0); // 02:00–02:30 had power
    for (const h of [3, 4, 5]) expect(byHour.get(h)!.common & LP_POWER_FAIL).toBeTruthy();
    for (const h of [2, 6, 7]) expect(byHour.get(h)!.common).toBe(0);
    const log = ok(decodeEt81(s.tables.read(ET81)!));
    expect(log.validEntries).toBe(1);
    // utcOffsetHours 1 (physics default): local = UTC + 1 h.
    expect(log.entries[0]).toEqual({ seq: 1, startLocalMs: Date.UTC(2026, 11, 3, 3, 30), endLocalMs: Date.UTC(2026, 11, 3, 5, 30) });
    // The event log: a power down and a power up (C12.19 codes 1, 2), UTC, newest first.
    const bt71 = ok(decodeBt71(s.tables.read(BT71)!));
    const events = ok(decodeEventLog(s.tables.read(BT74)!, bt71.argumentSize));
    expect(events.events.map((e) => [e.event, e.timeMs, e.userId])).toEqual([
      [EVENT_POWER_UP, Date.UTC(2026, 11, 3, 4, 30), 0xffff],
      [EVENT_POWER_DOWN, Date.UTC(2026, 11, 3, 2, 30), 0xffff],
    ]);
  });

  test('loadProfile: false leaves the tables out', () => {
    const { s } = sim(false);
    expect(s.tables.read(BT64)).toBeNull();
    expect(s.loadProfile).toBeNull();
  });
});
