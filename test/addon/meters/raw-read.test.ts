// The add-on's raw reads (addon/src/meters/raw-read.ts, issue 13) through a real broker (aedes) to the PRODUCTION
// firmware on the Node host, paired (commands and results signed), reading a simulated meter's load profile: the
// bytes equal the meter's table, and readLoadProfileHours() gives, hour by hour, what the meter's profile holds,
// including an injected power outage (no energy, "power fail" flagged).
import { MqttDeviceCommander } from '../../../addon/src/meters/commander';
import { NoEnergyChannelsError, RawReadError, rawRead, readLoadProfileHours } from '../../../addon/src/meters/raw-read';
import { MeterSimulator } from '../../../device/sim/meter-sim/meter';
import { BT61, BT64 } from '../../../device/src/meter/tables/lp-config';
import { blockRange, decodeBlock, lpLayout, type LpInterval } from '../../../device/src/meter/tables/lp-data';
import { decodeBt61 } from '../../../device/src/meter/tables/lp-config';
import { acceleratedMeter, profileHours } from '../../helpers/meter-sim';
import { watcher, Watcher } from '../../helpers/mqtt-watch';
import { PairedModule, startPairedModule } from '../../helpers/paired-module';

const KEY = 'ABCDEFGHIJKLMNOPQRST';
const MAC = '24:0a:c4:00:00:13';
const DEVICE = 'mep_240ac4000013';
const BASE = `mep/${DEVICE}`;
const SECRET = Buffer.from('5a'.repeat(32), 'hex');
const H = 3_600_000;
/** Simulated time: 2026-12-01 00:01 UTC, 1800× real time (a simulated hour every 2 s). */
const START = Date.UTC(2026, 11, 1, 0, 1);
const SCALE = 1800;

let rig: PairedModule;
let w: Watcher;
let sim: MeterSimulator;
let commander: MqttDeviceCommander;

async function simAtLeast(ms: number): Promise<void> {
  while (sim.simTime() < ms) await new Promise((r) => setTimeout(r, 200));
}

beforeAll(async () => {
  sim = acceleratedMeter({ key: KEY, seed: 5, startTime: START, timeScale: SCALE });
  // An outage from 03:30 to 05:30 (simulated): the hour 04:00–05:00 without power at all.
  sim.loadProfile!.injectOutage(START - 60_000 + 3.5 * H, 2 * H);
  rig = await startPairedModule({
    sim, name: 'Backfill meter', key: KEY, mac: MAC, deviceId: DEVICE, secret: SECRET, dirPrefix: 'mep-raw-read-',
    onBroker: async (broker) => void (w = await watcher(broker.url)),
  });
  commander = rig.commander;
  await w.next(`${BASE}/diagnostics`, (t) => t.includes('"link_state":"online"'), { ms: 30000 });
}, 60000);

afterAll(async () => {
  await w?.client.endAsync();
  await rig?.stop();
});

test('a signed raw read returns the meter\'s table bytes; bad ranges are refused before anything is sent', async () => {
  const bytes = await rawRead(commander, DEVICE, BT61, 0, 13);
  expect(Buffer.from(bytes).equals(Buffer.from(sim.tables.read(BT61)!))).toBe(true);
  // The command and its result were signed (the module is paired): the command on the wire is not bare JSON.
  const sent = w.seen.filter((m) => m.topic === `${BASE}/cmd/read`);
  expect(sent.length).toBeGreaterThan(0);
  expect(sent[0]!.text.startsWith('{')).toBe(false);
  await expect(rawRead(commander, DEVICE, BT64, 0, 466)).rejects.toThrow(RawReadError);
  await expect(rawRead(commander, DEVICE, 0x0999, 0, 4)).rejects.toThrow(/not supported|0x2/);
}, 30000);

test('the load profile between two times, hour by hour as the meter recorded it, the outage included', async () => {
  const from = START - 60_000 + 1 * H; // 01:00
  const to = START - 60_000 + 8 * H; // 08:00
  await simAtLeast(to + H);
  const t0 = Date.now();
  const result = await readLoadProfileHours(commander, DEVICE, from, to, { spacingMs: 100 });
  const perMinute = (result.hours.length / ((Date.now() - t0) / 60000)).toFixed(0);
  console.log(`load profile: ${result.hours.length} hours in ${result.reads} raw reads, ${Date.now() - t0} ms (${perMinute} hours/min at 100 ms spacing)`);
  expect(result).toMatchObject({ intervalMinutes: 60, importChannel: 0, exportChannel: 1 });
  expect(result.hours.map((h) => (h.startMs - from) / H)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  expect(result.hours.every((h) => h.complete)).toBe(true);
  const meter = profileHours(sim, 0, from, to);
  expect(result.hours.map((h) => h.importWh)).toEqual([...meter.values()]);
  const at = (hour: number) => result.hours[hour - 1]!;
  expect(at(4).importWh).toBe(0); // 04:00–05:00 had no power at all
  expect(at(3).importWh).toBeGreaterThan(0); // 03:00–03:30 had, and 05:30–06:00
  expect(at(5).importWh).toBeGreaterThan(0);
  expect(result.hours.map((h) => h.powerFail)).toEqual([false, false, true, true, true, false, false]);
  expect(rig.lines.filter((l) => l.startsWith('Uncaught'))).toEqual([]);
}, 60000);

test('15-minute intervals across two days (blocks of 1,841 bytes read in parts of at most 465): four intervals an hour', async () => {
  // The simulator's tables answered directly (no module): the ranges and the hourly sums are what is tested here.
  const clock = { now: 0 };
  const m = new MeterSimulator({ key: KEY, seed: 9, clock: () => clock.now, startTime: START, loadProfile: { intervalMinutes: 15 } });
  clock.now = 30 * H;
  const ranges: number[] = [];
  const direct = {
    read: async (_d: string, cmd: { table: number; offset: number; count: number }) => {
      ranges.push(cmd.count);
      const img = m.tables.read(cmd.table)!;
      return { id: 'x', command: 'read' as const, ok: true, table: cmd.table, offset: cmd.offset, hex: Buffer.from(img.subarray(cmd.offset, cmd.offset + cmd.count)).toString('hex') };
    },
  };
  const from = Date.UTC(2026, 11, 1, 20);
  const to = Date.UTC(2026, 11, 2, 4);
  const result = await readLoadProfileHours(direct, DEVICE, from, to, { spacingMs: 0 });
  expect(result.intervalMinutes).toBe(15);
  expect(result.hours.map((h) => new Date(h.startMs).getUTCHours())).toEqual([20, 21, 22, 23, 0, 1, 2, 3]);
  expect(result.hours.every((h) => h.complete && !h.powerFail)).toBe(true);
  expect(Math.max(...ranges)).toBeLessThanOrEqual(465);
  // Hour sums equal the differences of the meter's BT23-aligned totals at the hour ends.
  const bt61 = decodeBt61(m.tables.read(BT61)!);
  if (!bt61.ok) throw new Error(bt61.message);
  const layout = lpLayout(bt61.value, 0);
  const image = m.tables.read(BT64)!;
  const all: LpInterval[] = [];
  for (const b of [0, 1]) {
    const r = blockRange(layout, b);
    const d = decodeBlock(layout, image.subarray(r.offset, r.offset + r.count));
    if (!d.ok) throw new Error(d.message);
    all.push(...d.value.intervals.filter((i) => i.valid));
  }
  const total = (t: number) => all.find((i) => i.endMs === t)!.values[0]!;
  expect(result.hours.map((h) => h.importWh)).toEqual(result.hours.map((h) => total(h.startMs + H) - total(h.startMs)));
  m.close();
});

test('a profile without active energy channels is reported as such', async () => {
  const fake = {
    read: async (_d: string, cmd: { table: number; offset: number; count: number }) => {
      // BT61 with one set of 2 channels logging sources 12/13 (currents).
      const images: { [t: number]: number[] } = {
        [BT61]: [0, 0, 1, 0, 0x00, 0x0c, 0x20, 10, 0, 24, 0, 2, 60],
        0x3e: [0, 12, 0, 0, 13, 0, 32],
      };
      const img = images[cmd.table]!;
      return { id: 'x', command: 'read' as const, ok: true, table: cmd.table, offset: cmd.offset, hex: Buffer.from(img.slice(cmd.offset, cmd.offset + cmd.count)).toString('hex') };
    },
  };
  await expect(readLoadProfileHours(fake, DEVICE, 0, H, { spacingMs: 0 })).rejects.toThrow(NoEnergyChannelsError);
});
