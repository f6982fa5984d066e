// Properties of the outage watch's pure part against a model meter: an ET81 ring (guide pp. 184–185) of a few entries
// whose UINT16 sequence number starts anywhere (so it wraps), outages in local time (Europe/Copenhagen, winter), some
// entries with unset times, reads at random moments (some during an outage: its entry has a start and no end yet),
// each read through readOutageLog with a stand-in module serving the table bytes (the ranges it asks for, nothing
// more), and the cursor through JSON between reads (an add-on restart). Every outage that ended after the watch
// began and was still in the ring at a read after its end is announced once, in order, with its true UTC times;
// nothing else is; outages the ring overwrote first are counted as lost.
import fc from 'fast-check';
import type { CommandResult, ReadCommand } from '../../../discovery/contract';
import { ET81 } from '../../../device/src/meter/tables/lp-config';
import { BT71, BT74 } from '../../../device/src/meter/tables/bt74-event-log';
import { bt71Image } from '../../../device/sim/meter-sim/load-profile-logs';
import { Outage, OutageCursor, newOutages } from '../../../addon/src/outages/new-outages';
import { checkedCursor } from '../../../addon/src/outages/outage-store';
import { readOutageLog } from '../../../addon/src/outages/read-log';
import { offsetMs } from '../../../addon/src/usage/local-time';

const ZONE = 'Europe/Copenhagen';
const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 1, 6, 0, 7);
const DEVICE = 'mep_240ac40000f1';

interface TrueOutage {
  startMs: number;
  endMs: number;
  /** The meter's clock was unset for this one: its entry has zero times. */
  unset: boolean;
}

/** LTIME_DATE of `utc` shown on the zone's wall clock. */
function ltime(utc: number): number[] {
  const d = new Date(utc + offsetMs(utc, ZONE));
  return [d.getUTCFullYear() - 2000, d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()];
}

/** The meter's ET81 at `now`: every outage started by then has an entry (one in progress: start only). */
function et81At(outages: TrueOutage[], now: number, capacity: number, seq0: number): Uint8Array {
  const written = outages.filter((o) => o.startMs <= now);
  const n = written.length;
  const out = new Uint8Array(6 + 12 * capacity);
  out[0] = 0x04 | (n > capacity ? 0x02 : 0);
  out[1] = Math.min(n, capacity);
  out[2] = n ? (n - 1) % capacity : 0;
  const last = (seq0 + n) & 0xffff;
  out[3] = last & 0xff;
  out[4] = last >> 8;
  out[5] = 0;
  written.forEach((o, k) => {
    const at = 6 + 12 * (k % capacity);
    out.fill(0, at, at + 12);
    if (o.unset) return;
    out.set(ltime(o.startMs), at);
    if (o.endMs <= now) out.set(ltime(o.endMs), at + 6);
  });
  return out;
}

/** A module serving one table image to raw reads (a range past its end is refused, as a meter does). */
function moduleServing(image: () => Uint8Array, reads: { offset: number; count: number }[]) {
  return {
    async read(_id: string, cmd: Omit<ReadCommand, 'id'>): Promise<CommandResult> {
      const img = image();
      if (cmd.table !== ET81 || cmd.offset + cmd.count > img.length) return { id: null, command: 'read', ok: false, error: 'operation not possible' };
      reads.push({ offset: cmd.offset, count: cmd.count });
      return { id: null, command: 'read', ok: true, table: cmd.table, offset: cmd.offset, hex: Buffer.from(img.subarray(cmd.offset, cmd.offset + cmd.count)).toString('hex') };
    },
  };
}

const worldArb = fc.record({
  seq0: fc.integer({ min: 0, max: 0xffff }),
  capacity: fc.integer({ min: 1, max: 8 }),
  outages: fc.array(fc.record({ gap: fc.integer({ min: 1, max: 600 }), len: fc.integer({ min: 1, max: 300 }), unset: fc.integer({ min: 0, max: 9 }).map((v) => v < 2), readDuring: fc.boolean(), readsAfter: fc.integer({ min: 0, max: 2 }) }), { minLength: 1, maxLength: 25 }),
  /** The watch begins before outage `watchFrom` (index; beyond the last = after all of them). */
  watchFrom: fc.nat({ max: 25 }),
});

test('every outage that ended after the watch began is announced once, in order, unless the ring lost it first', async () => {
  await fc.assert(fc.asyncProperty(worldArb, async (w) => {
    const truth: TrueOutage[] = [];
    const reads: number[] = [];
    let t = T0;
    for (const o of w.outages) {
      t += o.gap * MIN;
      const start = t;
      t += o.len * MIN;
      truth.push({ startMs: start, endMs: t, unset: o.unset });
      if (o.readDuring) reads.push(start + Math.floor((o.len * MIN) / 2));
      for (let r = 0; r < o.readsAfter; r++) reads.push(t + (r + 1) * 1000);
    }
    reads.push(t + MIN);
    const watchingSince = w.watchFrom < truth.length ? truth[w.watchFrom]!.startMs - 1000 : t + 30_000;
    const readTimes = reads.filter((r) => r >= watchingSince).sort((a, b) => a - b);
    let now = 0;
    const served: { offset: number; count: number }[] = [];
    const module = moduleServing(() => et81At(truth, now, w.capacity, w.seq0), served);
    let cursor: OutageCursor = { source: null, lastSeq: null, last: null, watchingSince };
    const announced: Outage[] = [];
    let lost = 0;
    for (const at of readTimes) {
      now = at;
      const got = await readOutageLog(module, DEVICE, cursor, ZONE, { spacingMs: 0 });
      const step = newOutages(got.view, cursor);
      announced.push(...step.fresh);
      lost += step.lost;
      cursor = checkedCursor(JSON.parse(JSON.stringify(step.cursor)))!;
      expect(cursor).toEqual(step.cursor);
      // Never more than the reply size, never past the table.
      for (const r of served) expect(r.count).toBeLessThanOrEqual(465);
    }
    // The model: outage k is announced at the first read after its end if the ring still holds it then.
    const expected: TrueOutage[] = [];
    let expectedLost = 0;
    truth.forEach((o, k) => {
      const firstRead = readTimes.find((r) => r >= o.endMs);
      if (firstRead === undefined || o.endMs < watchingSince) return;
      const written = truth.filter((x) => x.startMs <= firstRead).length;
      const inRing = k >= written - w.capacity;
      if (!inRing) {
        if (!o.unset && readTimes[0]! < o.endMs) expectedLost++; // a read before had a cursor to count from
        return;
      }
      if (!o.unset) expected.push(o);
    });
    expect(announced.map((o) => [o.startMs, o.endMs])).toEqual(expected.map((o) => [o.startMs, o.endMs]));
    for (const o of announced) expect(o.durationS).toBe((o.endMs - o.startMs) / 1000);
    expect(new Set(announced.map((o) => o.seq)).size).toBe(announced.length);
    expect(lost).toBeGreaterThanOrEqual(expectedLost);
    // The sensor shows the newest outage known, never an older one than the last announced.
    if (announced.length > 0) expect(cursor.last!.endMs).toBeGreaterThanOrEqual(announced[announced.length - 1]!.endMs);
  }), { numRuns: 300 });
});

// The same for a meter without ET81: its event log BT74 (guide pp. 240–242, times in UTC), an outage being a power
// down then a power up (C12.19 codes 1, 2) with other events between outages, a UINT32 sequence number whose low half
// (what the records carry) wraps, and a ring of records. An outage is announced once if both its events were still in
// the ring at the first read after it ended.
const ARG = 4;

function bt74At(events: { t: number; code: number }[], now: number, capacity: number, seq0: number): Uint8Array {
  const written = events.filter((e) => e.t <= now);
  const n = written.length;
  const size = 12 + ARG;
  const out = new Uint8Array(11 + size * capacity);
  const last = (seq0 + n) >>> 0;
  out.set([0x04 | (n > capacity ? 0x02 : 0), Math.min(n, capacity) & 0xff, Math.min(n, capacity) >> 8, n ? (n - 1) % capacity & 0xff : 0, n ? ((n - 1) % capacity) >> 8 : 0,
    last & 0xff, (last >>> 8) & 0xff, (last >>> 16) & 0xff, last >>> 24, 0, 0], 0);
  written.forEach((e, k) => {
    const at = 11 + size * (k % capacity);
    const d = new Date(e.t);
    const seq = (seq0 + k + 1) & 0xffff;
    out.set([d.getUTCFullYear() - 2000, d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), seq & 0xff, seq >> 8, 0xff, 0xff, e.code & 0xff, e.code >> 8, 0, 0, 0, 0], at);
  });
  return out;
}

test('BT74: every outage whose two events were still in the ring is announced once, in order', async () => {
  const world = fc.record({
    seq0: fc.integer({ min: 0xfff0_0000, max: 0xffff_ffff }),
    capacity: fc.integer({ min: 2, max: 40 }),
    outages: fc.array(fc.record({ gap: fc.integer({ min: 1, max: 600 }), len: fc.integer({ min: 1, max: 300 }), others: fc.integer({ min: 0, max: 3 }), readDuring: fc.boolean(), readsAfter: fc.integer({ min: 0, max: 2 }) }), { minLength: 1, maxLength: 20 }),
    watchFrom: fc.nat({ max: 20 }),
  });
  await fc.assert(fc.asyncProperty(world, async (w) => {
    const events: { t: number; code: number }[] = [];
    const truth: { startMs: number; endMs: number; downIndex: number }[] = [];
    const reads: number[] = [];
    let t = T0;
    for (const o of w.outages) {
      for (let k = 0; k < o.others; k++) events.push({ t: t + (k + 1) * 1000, code: 3 + (k % 2) }); // time changes, say
      t += o.gap * MIN;
      const start = t;
      events.push({ t: start, code: 1 });
      t += o.len * MIN;
      events.push({ t, code: 2 });
      truth.push({ startMs: start, endMs: t, downIndex: events.length - 2 });
      if (o.readDuring) reads.push(start + Math.floor((o.len * MIN) / 2));
      for (let r = 0; r < o.readsAfter; r++) reads.push(t + (r + 1) * 1000);
    }
    reads.push(t + MIN);
    const watchingSince = w.watchFrom < truth.length ? truth[w.watchFrom]!.startMs - 500 : t + 30_000;
    const readTimes = reads.filter((r) => r >= watchingSince).sort((a, b) => a - b);
    let now = 0;
    const module = {
      async read(_id: string, cmd: Omit<ReadCommand, 'id'>): Promise<CommandResult> {
        const img = cmd.table === BT71 ? bt71Image(ARG, w.capacity) : cmd.table === BT74 ? bt74At(events, now, w.capacity, w.seq0) : null;
        if (img === null || cmd.offset + cmd.count > img.length) return { id: null, command: 'read', ok: false, error: 'ET81: service not supported (0x2)' };
        return { id: null, command: 'read', ok: true, table: cmd.table, offset: cmd.offset, hex: Buffer.from(img.subarray(cmd.offset, cmd.offset + cmd.count)).toString('hex') };
      },
    };
    let cursor: OutageCursor = { source: null, lastSeq: null, last: null, watchingSince };
    const announced: Outage[] = [];
    for (const at of readTimes) {
      now = at;
      const got = await readOutageLog(module, DEVICE, cursor, ZONE, { spacingMs: 0 });
      expect(got.view.source).toBe('BT74');
      const step = newOutages(got.view, cursor);
      announced.push(...step.fresh);
      cursor = checkedCursor(JSON.parse(JSON.stringify(step.cursor)))!;
    }
    const expected = truth.filter((o) => {
      const firstRead = readTimes.find((r) => r >= o.endMs);
      if (firstRead === undefined || o.endMs < watchingSince) return false;
      const written = events.filter((e) => e.t <= firstRead).length;
      return o.downIndex >= written - w.capacity; // the power down (and so the power up) still in the ring
    });
    expect(announced.map((o) => [o.startMs, o.endMs])).toEqual(expected.map((o) => [o.startMs, o.endMs]));
    expect(new Set(announced.map((o) => o.seq)).size).toBe(announced.length);
  }), { numRuns: 300 });
});
