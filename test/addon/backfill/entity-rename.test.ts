// A renamed energy entity (issue 13 backfill): the user renamed the meter's Energy import sensor in Home Assistant,
// and the recorder moved its statistics to the new entity id. The backfill finds the entity through the entity
// registry (config/entity_registry/list: platform mqtt, unique_id <device id>_energy_import) and fills the hours
// there, over the real websocket to the Home Assistant stand-in; without the registry's answer it uses discovery's id.
import { BackfillService } from '../../../addon/src/backfill/backfill-service';
import { HaConnection } from '../../../addon/src/ha/connection';
import type { ReadSender } from '../../../addon/src/meters/raw-read';
import { MeterSimulator } from '../../../device/sim/meter-sim/meter';
import { HaStandin } from '../../helpers/ha-standin';
import { profileHours } from '../../helpers/meter-sim';
import { MemoryRegistry, meterView, RecordingLogger, recordingBus } from '../ha/support';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 1, 0);
const DEVICE = 'mep_240ac40000e3';
const TOKEN = 'rename-token-13';
const IMPORT = `sensor.${DEVICE}_energy_import`;
const EXPORT = `sensor.${DEVICE}_energy_export`;
const RENAMED = 'sensor.kitchen_meter_import';

let dir: string;
let standin: HaStandin;
let ha: HaConnection;
let sim: MeterSimulator;
const clock = { now: T0 + 60_000 };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mep-backfill-rename-'));
  clock.now = T0 + 60_000;
  sim = new MeterSimulator({ key: 'ABCDEFGHIJKLMNOPQRST', seed: 8, clock: () => clock.now, startTime: clock.now });
  standin = await HaStandin.start({ token: TOKEN, version: '2026.12.0' });
});

afterEach(async () => {
  await ha?.stop();
  await standin.close();
  sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The meter's tables answer the reads directly (the module's part is covered by the end-to-end test). */
const direct: ReadSender = {
  read: async (_d, cmd) => {
    const img = sim.tables.read(cmd.table);
    if (!img) return { id: 'x', command: 'read', ok: false, error: `table ${cmd.table}: service not supported (0x2)` };
    return { id: 'x', command: 'read', ok: true, table: cmd.table, offset: cmd.offset, hex: Buffer.from(img.subarray(cmd.offset, cmd.offset + cmd.count)).toString('hex') };
  },
};

/** Home Assistant compiled hours 0–11 from the true register, except hours 3–6 (the module was away). */
function recordHours(): Map<number, number> {
  clock.now = T0 + 12 * H + 5 * 60_000;
  const profile = profileHours(sim, 0, T0, T0 + 12 * H);
  let register = 4321;
  for (let i = 0; i < 12; i++) {
    if (i > 0) register += profile.get(T0 + i * H)! / 1000;
    if (i < 3 || i > 6) {
      standin.compileHour(IMPORT, T0 + i * H, Math.round(register * 1000) / 1000);
      standin.compileHour(EXPORT, T0 + i * H, 0);
    }
  }
  return profile;
}

async function service(): Promise<{ backfill: BackfillService; log: RecordingLogger }> {
  const log = new RecordingLogger();
  const { bus } = recordingBus(log);
  const meters = new MemoryRegistry(bus);
  meters.put(meterView(DEVICE));
  ha = new HaConnection({ bus, log, target: { hassUrl: standin.hassUrl, token: TOKEN }, heartbeatMs: 0 });
  await ha.start();
  const end = Date.now() + 10_000;
  while (!ha.status().connected) {
    if (Date.now() > end) throw new Error('Home Assistant stand-in not connected');
    await new Promise((r) => setTimeout(r, 20));
  }
  const backfill = new BackfillService({ bus, log, ha, meters, reader: direct, dataDir: dir, now: () => clock.now, spacingMs: 0 });
  await backfill.start();
  return { backfill, log };
}

test('an Energy import sensor renamed in Home Assistant: its statistics are found under the new id and filled there', async () => {
  standin.registerEntity(IMPORT, 'mqtt', `${DEVICE}_energy_import`);
  standin.registerEntity(EXPORT, 'mqtt', `${DEVICE}_energy_export`);
  standin.registerEntity('sensor.other_meter_import', 'template', `${DEVICE}_energy_import`); // not ours: another platform
  const profile = recordHours();
  standin.renameEntity(IMPORT, RENAMED);
  const { backfill, log } = await service();
  await backfill.run(DEVICE);
  expect(backfill.view(DEVICE).message).toBe("filled 4 h from the meter's memory");
  const rows = standin.statistics.get(RENAMED)!;
  for (let i = 3; i <= 6; i++) {
    expect(Math.round((rows.get(T0 + i * H)!.sum! - rows.get(T0 + (i - 1) * H)!.sum!) * 1000)).toBe(profile.get(T0 + i * H));
  }
  expect(standin.statistics.has(IMPORT)).toBe(false); // nothing written under the old id
  expect(standin.statisticsMeta.get(RENAMED)).toMatchObject({ statistic_id: RENAMED, source: 'recorder' });
  expect(log.lines.some((l) => l.includes(`${IMPORT} is ${RENAMED} in Home Assistant (renamed)`))).toBe(true);
  await backfill.stop();
});

test('an entity the registry does not hold: discovery\'s entity id is used', async () => {
  const profile = recordHours();
  const { backfill } = await service();
  await backfill.run(DEVICE);
  expect(backfill.view(DEVICE).message).toBe("filled 4 h from the meter's memory");
  const rows = standin.statistics.get(IMPORT)!;
  expect(Math.round((rows.get(T0 + 4 * H)!.sum! - rows.get(T0 + 3 * H)!.sum!) * 1000)).toBe(profile.get(T0 + 4 * H));
  expect(standin.messagesOfType('config/entity_registry/list')).toHaveLength(1);
  await backfill.stop();
});
