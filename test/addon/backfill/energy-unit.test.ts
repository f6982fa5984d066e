// The meter's energy unit read raw (addon/src/backfill/energy-unit.ts) and the spacing of a run's raw reads (Pacer,
// addon/src/meters/raw-read.ts), against the simulator's tables answered like the module answers (a table the meter
// lacks: "<table>: <meaning> (0x2)", device/src/meter/session.ts).
import { readEnergyUnit } from '../../../addon/src/backfill/energy-unit';
import { Pacer, RawReadError, type ReadSender } from '../../../addon/src/meters/raw-read';
import type { CommandResult } from '../../../discovery/contract';
import { MeterSimulator } from '../../../device/sim/meter-sim/meter';
import type { ProfileName } from '../../../device/sim/meter-sim/profiles';
import { BT20, ET55, ET70 } from '../../../device/src/meter/table-ids';

function reader(profile: ProfileName, fail?: (table: number) => string | null): ReadSender & { asked: [number, number][] } {
  const sim = new MeterSimulator({ key: 'ABCDEFGHIJKLMNOPQRST', profile });
  const r = {
    asked: [] as [number, number][],
    read: async (_d: string, cmd: { table: number; offset: number; count: number }): Promise<CommandResult> => {
      r.asked.push([cmd.table, cmd.offset]);
      const error = fail?.(cmd.table) ?? null;
      if (error) return { id: 'x', command: 'read', ok: false, error };
      const img = sim.tables.read(cmd.table);
      if (!img) return { id: 'x', command: 'read', ok: false, error: `table ${cmd.table}: service not supported (0x2)` };
      return { id: 'x', command: 'read', ok: true, table: cmd.table, offset: cmd.offset, hex: Buffer.from(img.subarray(cmd.offset, cmd.offset + cmd.count)).toString('hex') };
    },
  };
  sim.close();
  return r;
}

test('ct-10wh (Gen 3): ET70 refused, BT20.7 = 4 tiers, ET55 at 146 + 12 + 39 holds 10', async () => {
  const r = reader('ct-10wh');
  expect(await readEnergyUnit(r, 'mep_x', new Pacer(0))).toBe(10);
  expect(r.asked).toEqual([[ET70, 142], [BT20, 7], [ET55, 146 + 4 * 3 + 39]]);
});

test('a Gen 4 meter (ET70 answers): ET55 one byte later, unit 1', async () => {
  const r = reader('three-phase');
  expect(await readEnergyUnit(r, 'mep_x', new Pacer(0))).toBe(1);
  expect(r.asked[2]).toEqual([ET55, 147 + 4 * 3 + 39]);
});

test('an ET55 the meter refuses (firmware before 3.70) is 1 Wh; a read that fails otherwise is an error, never a guess', async () => {
  expect(await readEnergyUnit(reader('ct-10wh', (t) => (t === ET55 ? 'ET55: operation not possible (0x4)' : null)), 'mep_x', new Pacer(0))).toBe(1);
  await expect(readEnergyUnit(reader('ct-10wh', (t) => (t === ET55 ? 'no result within 20 s' : null)), 'mep_x', new Pacer(0))).rejects.toThrow(RawReadError);
  await expect(readEnergyUnit(reader('ct-10wh', (t) => (t === BT20 ? 'link failure' : null)), 'mep_x', new Pacer(0))).rejects.toThrow(/link failure/);
});

test('the pacer keeps a run\'s reads apart from the end of one to the start of the next', async () => {
  const pacer = new Pacer(150);
  const spans: [number, number][] = [];
  const slowRead = async () => {
    const start = Date.now();
    await new Promise((r) => setTimeout(r, 50));
    spans.push([start, Date.now()]);
  };
  for (let i = 0; i < 3; i++) await pacer.run(slowRead);
  expect(pacer.reads).toBe(3);
  for (let i = 1; i < spans.length; i++) expect(spans[i]![0] - spans[i - 1]![1]).toBeGreaterThanOrEqual(145);
});
