// The outage watch's small parts: local meter times around DST (meter-time.ts), the ring ranges (log-ranges.ts), the
// event log BT74 as outages (log-view.ts, images from the simulator's own builders), the fallback from ET81 to BT74
// (read-log.ts), the announcement texts, the discovery, and the store.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandResult, ReadCommand } from '../../../discovery/contract';
import { bt71Image, bt74Image, et81Image } from '../../../device/sim/meter-sim/load-profile-logs';
import { BT71, BT74, decodeEventLog } from '../../../device/src/meter/tables/bt74-event-log';
import { ET81 } from '../../../device/src/meter/tables/lp-config';
import { createLogger } from '../../../addon/src/log';
import { newestRanges, ringSize } from '../../../addon/src/outages/log-ranges';
import { viewOfEventLog } from '../../../addon/src/outages/log-view';
import { instantsOf, spanOf } from '../../../addon/src/outages/meter-time';
import { newOutages, OutageCursor } from '../../../addon/src/outages/new-outages';
import { durationText, outageEventData, outageNotification, spanText } from '../../../addon/src/outages/outage-announce';
import { outageDiscoveryPayload, outageStatePayload } from '../../../addon/src/outages/outage-discovery';
import { OutageStore } from '../../../addon/src/outages/outage-store';
import { meterRefused, NoOutageLogError, readOutageLog } from '../../../addon/src/outages/read-log';

const ZONE = 'Europe/Copenhagen';
const M = 60_000;
const wall = (y: number, mo: number, d: number, h: number, mi: number) => Date.UTC(y, mo - 1, d, h, mi);

describe('local meter times', () => {
  test('a wall time shown twice in autumn has two instants, one skipped in spring lands after the gap', () => {
    expect(instantsOf(wall(2026, 10, 25, 2, 30), ZONE)).toEqual([Date.UTC(2026, 9, 25, 0, 30), Date.UTC(2026, 9, 25, 1, 30)]);
    expect(instantsOf(wall(2026, 3, 29, 2, 30), ZONE)).toEqual([Date.UTC(2026, 2, 29, 1, 30)]);
    expect(instantsOf(wall(2026, 12, 1, 14, 2), ZONE)).toEqual([Date.UTC(2026, 11, 1, 13, 2)]);
    expect(instantsOf(wall(2026, 7, 1, 14, 2), ZONE)).toEqual([Date.UTC(2026, 6, 1, 12, 2)]);
  });

  test('an outage across the autumn change keeps its true length', () => {
    // 02:50 summer time to 02:10 winter time: 20 minutes.
    const s = spanOf(wall(2026, 10, 25, 2, 50), wall(2026, 10, 25, 2, 10), ZONE);
    expect(s).toEqual({ startMs: Date.UTC(2026, 9, 25, 0, 50), endMs: Date.UTC(2026, 9, 25, 1, 10) });
  });
});

describe('ring ranges', () => {
  test('the newest records, wrapping to the end of the ring, in reads of at most 465 bytes', () => {
    expect(ringSize(0, 0)).toBe(0);
    expect(ringSize(3, 2)).toBe(3);
    expect(ringSize(10, 4)).toBe(10);
    expect(newestRanges(4, 10, 3, 6, 12, 465)).toEqual([{ offset: 6 + 2 * 12, count: 36 }]);
    expect(newestRanges(1, 10, 4, 6, 12, 465)).toEqual([{ offset: 6, count: 24 }, { offset: 6 + 8 * 12, count: 24 }]);
    const big = newestRanges(99, 100, 100, 6, 12, 465);
    expect(big.map((r) => r.count)).toEqual([456, 456, 288]);
    expect(big.reduce((a, r) => a + r.count, 0)).toBe(1200);
    expect(newestRanges(3, 5, 0, 6, 12, 465)).toEqual([]);
  });
});

const T = Date.UTC(2026, 11, 1, 13, 0);

describe('the event log BT74', () => {
  test('a power down and a power up are one outage; a power down alone is one in progress', () => {
    const outages = [{ startMs: T, endMs: T + 37 * M }, { startMs: T + 90 * M, endMs: T + 200 * M }];
    const image = bt74Image(outages, T + 100 * M, 20, 4);
    const log = decodeEventLog(image, 4);
    if (!log.ok) throw new Error(log.message);
    const view = viewOfEventLog(log.value);
    expect(view.source).toBe('BT74');
    expect(view.lastSeq).toBe(3);
    expect(view.settledSeq).toBe(2); // not past the power down at seq 3
    expect(view.outages).toEqual([{ seq: 2, startMs: T, endMs: T + 37 * M }]);
    expect(view.inProgressSince).toBe(T + 90 * M);
    const first = newOutages(view, { source: 'BT74', lastSeq: 0, last: null, watchingSince: T - M });
    expect(first.fresh.map((o) => o.durationS)).toEqual([37 * 60]);
    expect(first.cursor.lastSeq).toBe(2);
    // Later: the second one ended; announced once.
    const later = decodeEventLog(bt74Image(outages, T + 300 * M, 20, 4), 4);
    if (!later.ok) throw new Error(later.message);
    const second = newOutages(viewOfEventLog(later.value), first.cursor);
    expect(second.fresh).toEqual([{ seq: 4, startMs: T + 90 * M, endMs: T + 200 * M, durationS: 110 * 60 }]);
    expect(newOutages(viewOfEventLog(later.value), second.cursor).fresh).toEqual([]);
  });
});

function moduleWith(tables: Map<number, Uint8Array>, asked: number[]) {
  return {
    async read(_id: string, cmd: Omit<ReadCommand, 'id'>): Promise<CommandResult> {
      asked.push(cmd.table);
      const img = tables.get(cmd.table);
      if (!img) return { id: null, command: 'read', ok: false, error: 'ET81: service not supported (0x2)' };
      if (cmd.offset + cmd.count > img.length) return { id: null, command: 'read', ok: false, error: 'operation not possible' };
      return { id: null, command: 'read', ok: true, table: cmd.table, offset: cmd.offset, hex: Buffer.from(img.subarray(cmd.offset, cmd.offset + cmd.count)).toString('hex') };
    },
  };
}

describe('reading the log through the module', () => {
  const outages = [{ startMs: T, endMs: T + 37 * M }];

  test('a meter without ET81 (firmware < 3.70): the event log, and ET81 is not asked again', async () => {
    const tables = new Map([[BT71, bt71Image(4, 20)], [BT74, bt74Image(outages, T + 60 * M, 20, 4)]]);
    const asked: number[] = [];
    const got = await readOutageLog(moduleWith(tables, asked), 'mep_240ac40000f1', { source: null, lastSeq: null }, ZONE, { spacingMs: 0 });
    expect(got.view.source).toBe('BT74');
    expect(got.et81Problem).toMatch(/service not supported/);
    expect(got.view.outages).toEqual([{ seq: 2, startMs: T, endMs: T + 37 * M }]);
    asked.length = 0;
    await readOutageLog(moduleWith(tables, asked), 'mep_240ac40000f1', { source: 'BT74', lastSeq: 2 }, ZONE, { spacingMs: 0 });
    expect(asked).not.toContain(ET81);
  });

  test('an ET81 with no entries configured (list type false) also falls back; a module that is away does not', async () => {
    const off = new Uint8Array(6);
    const tables = new Map([[ET81, off], [BT71, bt71Image(4, 20)], [BT74, bt74Image(outages, T + 60 * M, 20, 4)]]);
    const got = await readOutageLog(moduleWith(tables, []), 'mep_240ac40000f1', { source: null, lastSeq: null }, ZONE, { spacingMs: 0 });
    expect(got.view.source).toBe('BT74');
    const away = { read: async (): Promise<CommandResult> => ({ id: null, command: 'read', ok: false, error: 'the meter is not being read yet' }) };
    await expect(readOutageLog(away, 'mep_240ac40000f1', { source: null, lastSeq: null }, ZONE, { spacingMs: 0 })).rejects.toThrow(/not being read yet/);
    expect(meterRefused('reading 6 bytes of table 2129 at 0: ET81: service not supported (0x2)')).toBe(true);
    expect(meterRefused('reading 6 bytes of table 2129 at 0: ET81: operation not possible (0x4)')).toBe(true);
    expect(meterRefused('reading 6 bytes of table 2129 at 0: ET81: authentication failure: the request digest does not verify (wrong MBK key?) (0xb)')).toBe(false);
    expect(meterRefused('reading 6 bytes of table 2129 at 0: the meter link was restarted')).toBe(false);
    expect(meterRefused('reading 6 bytes of table 2129 at 0: ET81: meter busy, gave up')).toBe(false);
  });

  test('a meter that refuses both logs says so (the service then waits a day)', async () => {
    const none = readOutageLog(moduleWith(new Map(), []), 'mep_240ac40000f1', { source: null, lastSeq: null }, ZONE, { spacingMs: 0 });
    await expect(none).rejects.toBeInstanceOf(NoOutageLogError);
    await expect(readOutageLog(moduleWith(new Map(), []), 'mep_240ac40000f1', { source: null, lastSeq: null }, ZONE, { spacingMs: 0 })).rejects.toThrow(/neither an outage log .* nor an event log/);
  });

  test('ET81 in local time (+1 h in winter) reads back as UTC', async () => {
    const tables = new Map([[ET81, et81Image(outages, 10, 3_600_000)]]);
    const asked: number[] = [];
    const got = await readOutageLog(moduleWith(tables, asked), 'mep_240ac40000f1', { source: 'ET81', lastSeq: 0 }, ZONE, { spacingMs: 0 });
    expect(got.view.outages).toEqual([{ seq: 1, startMs: T, endMs: T + 37 * M }]);
    expect(asked).toEqual([ET81, ET81]); // the header, then the one new entry
  });
});

describe('announcements and sensors', () => {
  const o = { seq: 5, startMs: T + 2 * M, endMs: T + 39 * M, durationS: 37 * 60 };

  test('texts in local time, event data in UTC', () => {
    expect(durationText(45)).toBe('45 s');
    expect(durationText(37 * 60)).toBe('37 min');
    expect(durationText(125 * 60)).toBe('2 h 5 min');
    expect(durationText(27 * 3600)).toBe('1 d 3 h');
    expect(spanText(o, ZONE)).toBe('2026-12-01 14:02–14:39');
    expect(spanText({ ...o, endMs: T + 12 * 3_600_000 }, ZONE)).toBe('2026-12-01 14:02 – 2026-12-02 02:00');
    const n = outageNotification('mep_240ac40000f1', 'Kitchen', o, ZONE);
    expect(n.notification_id).toBe(`mep_bridge_mep_240ac40000f1_outage_${(T + 2 * M) / 1000}`);
    expect(n.message).toMatch(/^Power outage on Kitchen: 2026-12-01 14:02–14:39 \(37 min\)/);
    expect(outageEventData('mep_240ac40000f1', 'Kitchen', o, 'ET81')).toEqual({
      device_id: 'mep_240ac40000f1', meter: 'Kitchen', start: '2026-12-01T13:02:00+00:00', end: '2026-12-01T13:39:00+00:00', duration_s: 2220, source: 'ET81',
    });
  });

  test('the sensors join the meter\'s device; the state is unknown before any outage', () => {
    const d = JSON.parse(outageDiscoveryPayload('mep_240ac40000f1', 'Kitchen meter'));
    expect(d.device).toEqual({ identifiers: ['mep_240ac40000f1'] });
    expect(d.state_topic).toBe('mep-addon/mep_240ac40000f1/outage');
    expect(d.components.last_outage).toMatchObject({ device_class: 'timestamp', default_entity_id: 'sensor.kitchen_meter_last_outage', unique_id: 'mep_240ac40000f1_last_outage' });
    expect(d.components.last_outage_duration).toMatchObject({ device_class: 'duration', unit_of_measurement: 's' });
    expect(JSON.parse(outageStatePayload(null))).toEqual({ last_outage_start: null, last_outage_end: null, last_outage_duration_s: null });
    expect(JSON.parse(outageStatePayload(o))).toEqual({ last_outage_start: '2026-12-01T13:02:00+00:00', last_outage_end: '2026-12-01T13:39:00+00:00', last_outage_duration_s: 2220 });
  });
});

test('the store keeps cursors across restarts and drops a corrupt entry', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mep-outages-'));
  const lines: string[] = [];
  const log = createLogger('info', 'test', (l) => lines.push(l));
  try {
    const store = new OutageStore(OutageStore.fileIn(dir), log);
    expect(store.load().size).toBe(0);
    const c: OutageCursor = { source: 'ET81', lastSeq: 65535, last: { seq: 65535, startMs: T, endMs: T + M, durationS: 60 }, watchingSince: T - M };
    await store.save(new Map([['mep_240ac40000f1', c]]));
    expect(new OutageStore(OutageStore.fileIn(dir), log).load().get('mep_240ac40000f1')).toEqual(c);
    const file = JSON.parse(readFileSync(OutageStore.fileIn(dir), 'utf8'));
    file.meters['mep_240ac40000f2'] = { ...c, lastSeq: 70000 };
    file.meters['not-a-device'] = c;
    writeFileSync(OutageStore.fileIn(dir), JSON.stringify(file));
    const loaded = new OutageStore(OutageStore.fileIn(dir), log).load();
    expect([...loaded.keys()]).toEqual(['mep_240ac40000f1']);
    expect(lines.filter((l) => /dropped an unreadable outage watch entry/.test(l))).toHaveLength(2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
