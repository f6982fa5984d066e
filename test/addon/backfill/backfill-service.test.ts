// The backfill service (addon/src/backfill/backfill-service.ts) with the simulator's tables answering the reads
// directly and an in-memory recorder: a run fills at most maxHours hours and the next one the rest; a profile with no
// energy channels is reported and nothing is imported; Home Assistant not connected is said, not an error; the state
// survives a restart; a module's comeback (online again) starts a run.
import { BackfillService } from '../../../addon/src/backfill/backfill-service';
import { HaLink } from '../../../addon/src/ha/connection';
import { ReadSender } from '../../../addon/src/meters/raw-read';
import { MeterSimulator } from '../../../device/sim/meter-sim/meter';
import type { ProfileName } from '../../../device/sim/meter-sim/profiles';
import { MemoryRegistry, meterView, RecordingLogger, recordingBus } from '../ha/support';
import { profileHours } from '../../helpers/meter-sim';
import { BT20, ET55, ET70 } from '../../../device/src/meter/table-ids';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 1, 0);
const DEVICE = 'mep_240ac40000e2';
const IMPORT = `sensor.${DEVICE}_energy_import`;
const EXPORT = `sensor.${DEVICE}_energy_export`;

/** A recorder in memory: statistics_during_period and import_statistics (upsert), as the stand-in answers them. */
function recorder(connected = true): HaLink & { rows: Map<string, Map<number, { state: number; sum: number }>>; imports: number } {
  const rows = new Map<string, Map<number, { state: number; sum: number }>>();
  const link = {
    rows,
    imports: 0,
    status: () => ({ available: true, connected }),
    send: async <T>(m: { type: string; [k: string]: unknown }): Promise<T> => {
      if (m.type === 'recorder/statistics_during_period') {
        const start = Date.parse(m['start_time'] as string);
        const end = Date.parse(m['end_time'] as string);
        const out: { [id: string]: unknown[] } = {};
        for (const id of m['statistic_ids'] as string[]) {
          const r = [...(rows.get(id) ?? new Map()).entries()].filter(([h]) => h >= start && h < end).sort((a, b) => a[0] - b[0]);
          if (r.length > 0) out[id] = r.map(([h, v]) => ({ start: h, end: h + H, ...v }));
        }
        return out as T;
      }
      if (m.type === 'recorder/import_statistics') {
        link.imports++;
        const id = (m['metadata'] as { statistic_id: string }).statistic_id;
        const t = rows.get(id) ?? new Map();
        for (const s of m['stats'] as { start: string; state: number; sum: number }[]) t.set(Date.parse(s.start), { state: s.state, sum: s.sum });
        rows.set(id, t);
        return null as T;
      }
      throw new Error(`unexpected ${m.type}`);
    },
  };
  return link;
}

/** Reads answered from the simulator's tables; a table the meter lacks or a range past its end fails the way the
 *  module reports the meter's refusal (device/src/meter/session.ts: "<table>: <meaning> (0x<code>)"). */
function direct(sim: MeterSimulator): ReadSender & { reads: number; tables: number[] } {
  const r = {
    reads: 0,
    tables: [] as number[],
    read: async (_d: string, cmd: { table: number; offset: number; count: number }) => {
      r.reads++;
      r.tables.push(cmd.table);
      const img = sim.tables.read(cmd.table);
      if (!img) return { id: 'x', command: 'read' as const, ok: false, error: `table ${cmd.table}: service not supported (0x2)` };
      if (cmd.offset + cmd.count > img.length) return { id: 'x', command: 'read' as const, ok: false, error: `table ${cmd.table}: operation not possible (0x4)` };
      return { id: 'x', command: 'read' as const, ok: true, table: cmd.table, offset: cmd.offset, hex: Buffer.from(img.subarray(cmd.offset, cmd.offset + cmd.count)).toString('hex') };
    },
  };
  return r;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mep-backfill-svc-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function setup(options: { sources?: number[]; connected?: boolean; maxHours?: number; profile?: ProfileName; withExport?: boolean } = {}) {
  const clock = { now: T0 + 60_000 };
  const sim = new MeterSimulator({ key: 'ABCDEFGHIJKLMNOPQRST', seed: 4, clock: () => clock.now, startTime: T0 + 60_000, profile: options.profile, loadProfile: { sources: options.sources } });
  const log = new RecordingLogger();
  const { bus } = recordingBus(log);
  const meters = new MemoryRegistry(bus);
  const view = meterView(DEVICE);
  if (options.withExport) view.entityIds = { ...view.entityIds, energy_export: EXPORT };
  meters.put(view);
  const ha = recorder(options.connected ?? true);
  const reader = direct(sim);
  const make = () => new BackfillService({ bus, log, ha, meters, reader, dataDir: dir, now: () => clock.now, spacingMs: 0, maxHours: options.maxHours, settleMs: 10 });
  return { clock, sim, log, meters, ha, reader, make };
}

test('a gap of 20 hours is filled 8 hours a run, oldest first, then nothing more; the state survives a restart', async () => {
  const { clock, sim, ha, reader, make } = setup({ maxHours: 8 });
  // Home Assistant has hours 0 and 1 (1 kWh each), then nothing until hour 22.
  ha.rows.set(IMPORT, new Map([[T0, { state: 100, sum: 0 }], [T0 + H, { state: 101, sum: 1 }], [T0 + 22 * H, { state: 130, sum: 30 }]]));
  clock.now = T0 + 24 * H + 5 * 60_000;
  const service = make();
  await service.start();
  await service.run(DEVICE);
  // 8 missing hours, and hour 1 (the hour before the gap) set to the meter's figure too.
  expect(service.view(DEVICE)).toMatchObject({ filledHours: 9, message: "filled 9 h from the meter's memory; 12 h more on the next run" });
  expect([...ha.rows.get(IMPORT)!.keys()].sort((a, b) => a - b).slice(0, 10).map((h) => (h - T0) / H)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  await service.run(DEVICE);
  await service.run(DEVICE);
  expect(service.view(DEVICE).filledHours).toBe(21);
  expect(ha.rows.get(IMPORT)!.size).toBe(23);
  const readsBefore = reader.reads;
  await service.run(DEVICE);
  expect(service.view(DEVICE)).toMatchObject({ filledHours: 21, message: 'no hour missing (filled 21 h from the meter\'s memory so far)' });
  expect(reader.reads).toBe(readsBefore); // nothing missing: the module is not asked
  await service.stop();
  const again = make();
  await again.start();
  expect(again.view(DEVICE)).toMatchObject({ filledHours: 21, lastRun: clock.now });
  await again.stop();
  sim.close();
});

test('a load profile without energy channels: reported, nothing imported', async () => {
  const { clock, sim, ha, make } = setup({ sources: [2, 3] });
  ha.rows.set(IMPORT, new Map([[T0, { state: 100, sum: 0 }], [T0 + 5 * H, { state: 105, sum: 5 }]]));
  clock.now = T0 + 8 * H;
  const service = make();
  await service.start();
  await service.run(DEVICE);
  expect(service.view(DEVICE).message).toMatch(/^the meter's load profile holds no energy channels: nothing filled/);
  expect(service.view(DEVICE).filledHours).toBe(0);
  expect(ha.imports).toBe(0);
  await service.stop();
  sim.close();
});

test('Home Assistant not connected is said; a module coming back online starts a run', async () => {
  const off = setup({ connected: false });
  const service = off.make();
  expect(service.view(DEVICE)).toEqual({ filledHours: 0, lastRun: null, message: 'not run yet' });
  await service.start();
  off.meters.setOnline(DEVICE, true);
  await new Promise((r) => setTimeout(r, 50));
  await service.run(DEVICE);
  expect(service.view(DEVICE).message).toBe('Home Assistant is not connected: nothing checked');
  await service.stop();
  off.sim.close();
});

/** Home Assistant's true rows (kWh) for hours [0, n) of a channel, from the meter's profile in `unitWh` units. */
function trueRows(sim: MeterSimulator, channel: number, n: number, unitWh: number, register0: number): Map<number, { state: number; sum: number }> {
  const p = profileHours(sim, channel, T0, T0 + n * H);
  const out = new Map<number, { state: number; sum: number }>();
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0) sum += (p.get(T0 + i * H) ?? NaN) * unitWh / 1000;
    out.set(T0 + i * H, { state: Math.round((register0 + sum) * 1000) / 1000, sum: Math.round(sum * 1000) / 1000 });
  }
  return out;
}

const kwhDiffs = (rows: Map<number, { sum: number }>, from: number, to: number) => {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(Math.round((rows.get(T0 + i * H)!.sum - rows.get(T0 + (i - 1) * H)!.sum) * 1000));
  return out;
};

test('a CT meter counting 10 Wh (ct-10wh): the filled hours carry ten times the profile\'s counts and continue Home Assistant\'s sum in kWh', async () => {
  const { clock, sim, ha, reader, log, make } = setup({ profile: 'ct-10wh' });
  clock.now = T0 + 12 * H + 5 * 60_000;
  const truth = trueRows(sim, 0, 12, 10, 12345.678);
  const profile = profileHours(sim, 0, T0, T0 + 12 * H);
  // Hours 2–8 missing: hour 9 carries the jump.
  ha.rows.set(IMPORT, new Map([...truth].filter(([h]) => h < T0 + 2 * H || h >= T0 + 9 * H)));
  const service = make();
  await service.start();
  await service.run(DEVICE);
  expect(service.view(DEVICE).message).toBe("filled 7 h from the meter's memory");
  const rows = ha.rows.get(IMPORT)!;
  expect(kwhDiffs(rows, 2, 10)).toEqual([2, 3, 4, 5, 6, 7, 8, 9].map((i) => profile.get(T0 + i * H)! * 10));
  expect(Math.min(...kwhDiffs(rows, 2, 10))).toBeGreaterThan(10); // Wh: a real hour's use, not a tenth of it
  for (let i = 2; i <= 8; i++) expect(rows.get(T0 + i * H)).toEqual(truth.get(T0 + i * H));
  // The unit came from ET55 after ET70 (refused: Gen 3) and BT20, all before the profile.
  expect(reader.tables.slice(0, 3)).toEqual([ET70, BT20, ET55]);
  expect(log.lines.some((l) => /raw reads, energy unit 10 Wh/.test(l))).toBe(true);
  await service.stop();
  sim.close();
});

test('hours Home Assistant recorded frozen (meter link silent, module online) are rewritten from the profile; a later run reads nothing', async () => {
  const { clock, sim, ha, reader, make } = setup({ withExport: true });
  clock.now = T0 + 12 * H + 5 * 60_000;
  const imp = trueRows(sim, 0, 12, 1, 5000);
  const exp = trueRows(sim, 1, 12, 1, 300);
  // Hours 4–6: Home Assistant kept the sensors' state of hour 3 (no reading); hour 7 carries the jump.
  const freeze = (t: Map<number, { state: number; sum: number }>) => {
    const out = new Map(t);
    for (let i = 4; i <= 6; i++) out.set(T0 + i * H, t.get(T0 + 3 * H)!);
    return out;
  };
  ha.rows.set(IMPORT, freeze(imp));
  ha.rows.set(EXPORT, freeze(exp));
  const service = make();
  await service.start();
  await service.run(DEVICE);
  expect(service.view(DEVICE).message).toBe("filled 3 h from the meter's memory");
  for (let i = 0; i < 12; i++) expect(ha.rows.get(IMPORT)!.get(T0 + i * H)).toEqual(imp.get(T0 + i * H));
  // Export: the rows the meter agrees with (a zero stays a zero) are as they were; the sums are the truth.
  for (let i = 0; i < 12; i++) expect(ha.rows.get(EXPORT)!.get(T0 + i * H)).toEqual(exp.get(T0 + i * H));
  const readsBefore = reader.reads;
  await service.run(DEVICE);
  expect(reader.reads).toBe(readsBefore);
  expect(service.view(DEVICE).message).toMatch(/^no hour missing/);
  await service.stop();
  sim.close();
});
