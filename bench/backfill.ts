// Backfill figures (issue 13, closing note): hours of Home Assistant's energy statistics filled per minute from the
// meter's load profile, through a real module: the PRODUCTION firmware bundle on the Node host, paired (commands and
// results signed), polling a simulated meter every 2 s (the default) at the real MEP timing (9600 baud, 20 ms
// turnaround, the guide's 100 ms between requests), with the add-on's commander and backfill service over an aedes
// broker, raw reads 1 s apart (guide pp. 51, 260). The gaps (3, 24 and 48 hours, both energy statistics) end an hour
// before the present one; Home Assistant is an in-memory recorder (its cost is not what is measured). Also: raw reads
// per filled hour (the energy unit's three included: ET70, BT20, ET55), for an hourly and a 15-minute profile.
//   npx tsx bench/backfill.ts      this file alone (npm run bench runs it with the rest)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackfillService } from '../addon/src/backfill/backfill-service';
import { connectExternalBroker } from '../addon/src/broker/external';
import { EventBus } from '../addon/src/bus';
import type { HaLink } from '../addon/src/ha/connection';
import { createLogger } from '../addon/src/log';
import { MqttDeviceCommander } from '../addon/src/meters/commander';
import type { ReadSender } from '../addon/src/meters/raw-read';
import { MeterRegistryService } from '../addon/src/meters/registry-service';
import { resultChecker } from '../addon/src/pairing/command-payload';
import { SecretStore } from '../addon/src/pairing/secret-store';
import { buildFirmware } from '../device/build/build';
import { startHost } from '../device/sim/host';
import { MeterSimulator } from '../device/sim/meter-sim/meter';
import { SECRET_FILE } from '../device/src/security/store';
import { startAedes } from '../test/helpers/brokers';
import type { Figure } from './micro';

const KEY = 'ABCDEFGHIJKLMNOPQRST';
const MAC = '24:0a:c4:00:00:b1';
const DEVICE = 'mep_240ac40000b1';
const SECRET = Buffer.from('4c'.repeat(32), 'hex');
const H = 3_600_000;
const GAPS = [3, 24, 48];

type Rows = Map<string, Map<number, { state: number; sum: number }>>;

/** statistics_during_period and import_statistics (upsert) in memory, in the recorder's shapes. */
function memoryRecorder(rows: Rows): HaLink {
  return {
    status: () => ({ available: true, connected: true }),
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
        const id = (m['metadata'] as { statistic_id: string }).statistic_id;
        const t = rows.get(id) ?? new Map();
        for (const s of m['stats'] as { start: string; state: number; sum: number }[]) t.set(Date.parse(s.start), { state: s.state, sum: s.sum });
        rows.set(id, t);
        return null as T;
      }
      throw new Error(`unexpected ${m.type}`);
    },
  } as HaLink;
}

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The figures for the gaps with a meter whose profile has `intervalMinutes` intervals (a day per block). */
async function gapFigures(intervalMinutes: number): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mep-bench-backfill-'));
  const bundle = join(dir, 'firmware.js');
  await buildFirmware({ out: bundle });
  const broker = await startAedes();
  // The meter has been running for 52 hours: it starts 52 h ago, then its clock jumps to the present (the profile
  // records the hours in between from the physics on its next read) and runs in real time from there.
  let jump = 0;
  const sim = new MeterSimulator({
    key: KEY, seed: 21, pacing: 'realtime', startTime: Date.now() - 52 * H, clock: () => Date.now() + jump, loadProfile: { intervalMinutes },
  });
  jump = 52 * H;
  const host = await startHost({
    bundlePath: bundle,
    meter: sim,
    settings: { name: 'Bench meter', wifi: { ssid: 'home', password: 'x' }, mqtt: { host: '127.0.0.1', port: broker.port }, meter: { key: KEY, pollIntervalS: 2 } },
    files: { [SECRET_FILE]: SECRET.toString('hex') + ' 127.0.0.1' },
    wifi: { mac: MAC },
    log: () => undefined,
  });
  const logger = createLogger(process.env.BENCH_DEBUG ? 'debug' : 'warning', 'bench', (l) => (process.env.BENCH_DEBUG ? process.stderr.write(l + '\n') : undefined));
  const bus = new EventBus(() => undefined);
  const secrets = new SecretStore(SecretStore.fileIn(dir));
  secrets.pair(DEVICE, SECRET, '127.0.0.1');
  const link = await connectExternalBroker({ host: '127.0.0.1', port: broker.port, ssl: false, logger });
  const registry = new MeterRegistryService({ bus, link, logger, checkResult: resultChecker(secrets) });
  await registry.start();
  const commander = new MqttDeviceCommander({ publisher: link, bus, registry, logger, secrets, timeoutMs: 15000 });
  let reads = 0;
  const reader: ReadSender = { read: (d, cmd) => ((reads += 1), commander.read(d, cmd)) };
  const rows: Rows = new Map();
  const backfill = new BackfillService({ bus, log: logger, ha: memoryRecorder(rows), meters: registry, reader, dataDir: dir, now: () => sim.simTime(), everyMs: 24 * H, settleMs: 24 * H });
  await backfill.start();
  const figures: Figure[] = [];
  try {
    await until('the module reading its meter', () => {
      const m = registry.get(DEVICE);
      return !!m && m.online === true && m.state !== null && m.entityIds['energy_import'] !== undefined && m.entityIds['energy_export'] !== undefined;
    }, 60_000);
    const ids = registry.get(DEVICE)!.entityIds;
    for (const gap of GAPS) {
      // Home Assistant has a row before the gap and one after it (the jump); the hours between are missing.
      const to = Math.floor(sim.simTime() / H) * H - H;
      const anchor = to - (gap + 2) * H;
      for (const key of ['energy_import', 'energy_export']) {
        rows.set(ids[key]!, new Map([[anchor, { state: 1000, sum: 0 }], [to - H, { state: 1000 + 1e5, sum: 1e5 }]]));
      }
      const before = backfill.view(DEVICE).filledHours;
      reads = 0;
      const t0 = Date.now();
      await backfill.run(DEVICE);
      const ms = Date.now() - t0;
      const filled = backfill.view(DEVICE).filledHours - before;
      if (filled !== gap) throw new Error(`the ${gap} h gap: ${filled} h filled (${backfill.view(DEVICE).message})`);
      const what = `${gap} h gap, ${intervalMinutes}-min profile`;
      figures.push({ name: `${what}: hours filled per minute (${reads} raw reads, ${(ms / 1000).toFixed(1)} s)`, value: filled / (ms / 60_000), unit: 'h/min' });
      figures.push({ name: `${what}: raw reads per filled hour`, value: reads / filled, unit: 'reads' });
    }
  } finally {
    await backfill.stop();
    commander.dispose();
    await registry.stop();
    await link.close();
    await host.stop();
    sim.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

/** Hourly intervals (the simulator's default) and 15-minute ones (four times the bytes to read). */
export async function backfillBenchmark(): Promise<Figure[]> {
  return [...(await gapFigures(60)), ...(await gapFigures(15))];
}

if (/backfill\.ts$/.test(process.argv[1] ?? '')) {
  backfillBenchmark().then(
    (figures) => {
      process.stdout.write('Backfill through the production firmware on the Node host, meter at real MEP timing, raw reads 1 s apart:\n');
      for (const f of figures) process.stdout.write(`  ${f.name.padEnd(72)} ${f.value.toFixed(2).padStart(10)} ${f.unit}\n`);
      process.exit(0);
    },
    (err: Error) => {
      process.stderr.write(`bench/backfill: ${err.stack}\n`);
      process.exit(1);
    },
  );
}
