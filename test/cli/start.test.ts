// [mep start] What a newcomer's terminal and second run look like (issue 12): the banner with the URLs comes after
// the device's start-up lines, device lines carry the time, no settings dump; the simulated device keeps its
// Storage between runs (a key fixed in the panel, the name, the poll interval), and --fresh starts it anew. Also the
// time from start to the first chart point.
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { deviceLogLine } from '../../cli/commands/start';
import { HostStorage } from '../../device/sim/host';
import { SETTINGS_FILE } from '../../device/src/settings/schema';
import { startProduct, Product } from '../helpers/product';

const WRONG = 'WRONGKEY-not-the-mbk';
const dataDir = mkdtempSync(join(tmpdir(), 'mep-start-'));
const POST = { 'content-type': 'application/json', 'x-requested-with': 'mep-panel' };

interface Meter {
  deviceId: string;
  name: string;
  online: boolean | null;
  stateAt: number | null;
  problems: { code: string }[];
}

async function meters(p: Product): Promise<Meter[]> {
  return ((await (await fetch(`${p.panelUrl}/api/meters`)).json()) as { meters: Meter[] }).meters;
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 60000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function stored(): { name: string; meter: { pollIntervalS: number; key: string } } {
  return JSON.parse(Buffer.from(new HostStorage(join(dataDir, 'device')).read(SETTINGS_FILE)!).toString('utf8'));
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

test('device lines: the time, the add-on\'s format, and no settings dump', () => {
  const at = new Date('2026-12-03T10:00:00.000Z');
  expect(deviceLogLine('[app] info: meter link online: Reading the meter.', at)).toBe('2026-12-03T10:00:00.000Z INFO [device/app] meter link online: Reading the meter.');
  expect(deviceLogLine('[mqtt] warning: lost the broker', at)).toBe('2026-12-03T10:00:00.000Z WARN [device/mqtt] lost the broker');
  expect(deviceLogLine('[app] info: settings: {"name":"x"}', at)).toBeNull();
  expect(deviceLogLine('host: storage ready', at)).toBeNull();
  expect(deviceLogLine('something else', at)).toBe('2026-12-03T10:00:00.000Z INFO [device] something else');
});

test('first run: banner last; a key and settings fixed in the panel survive a restart; --fresh forgets them', async () => {
  // Run 1: the device starts with a wrong key; the user fixes it in the panel and renames the meter.
  const t0 = Date.now();
  let p = await startProduct({ dataDir, args: ['--device-key', WRONG] });
  try {
    const out = p.output();
    const banner = out.indexOf('MEP Bridge is running');
    expect(banner).toBeGreaterThan(out.lastIndexOf('[device/app] meter link'));
    expect(out).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z INFO \[device\/app\] MEP Bridge /m);
    expect(out).not.toMatch(/settings: \{/);
    expect(out).not.toMatch(/^device: /m);
    expect(out.slice(banner)).toContain(`panel:        http://localhost:`);

    const m = await until('the wrong-key problem', async () => (await meters(p)).find((x) => x.problems.some((pr) => pr.code === 'wrong-key')));
    const key = await fetch(`${p.panelUrl}/api/meters/${m.deviceId}/key`, { method: 'POST', headers: POST, body: JSON.stringify({ key: 'ABCDEFGHIJKLMNOPQRST' }) });
    expect(key.status).toBe(200);
    const set = await fetch(`${p.panelUrl}/api/meters/${m.deviceId}/settings`, { method: 'POST', headers: POST, body: JSON.stringify({ name: 'Kitchen meter', poll_interval_s: 5 }) });
    expect(((await set.json()) as { result: { ok: boolean } }).result.ok).toBe(true);
    await until('a reading with the fixed key', async () => (await meters(p)).find((x) => x.stateAt !== null && x.problems.length === 0));
    // Local mode paired the simulated module like a real one (issue 11): the add-on signed and encrypted the key.
    const pairing = JSON.parse(readFileSync(join(dataDir, 'addon', 'pairing.json'), 'utf8')) as { devices: Record<string, unknown> };
    expect(Object.keys(pairing.devices)).toEqual([m.deviceId]);
  } finally {
    await p.stop();
  }
  expect(stored()).toMatchObject({ name: 'Kitchen meter', meter: { pollIntervalS: 5 } });

  // Run 2, no key flags: the device still has the fixed key, its name and poll interval, and reads at once.
  const t1 = Date.now();
  p = await startProduct({ dataDir });
  try {
    expect(stored()).toMatchObject({ name: 'Kitchen meter', meter: { pollIntervalS: 5 } });
    const m = await until('readings after the restart', async () => (await meters(p)).find((x) => x.name === 'Kitchen meter' && x.stateAt !== null && x.stateAt > t1));
    expect(m.problems.map((x) => x.code)).not.toContain('wrong-key');
    // The first chart point: a history point from this run.
    await until('the first chart point', async () => {
      const h = (await (await fetch(`${p.panelUrl}/api/meters/${m.deviceId}/history`)).json()) as { points: { t: number }[] };
      return h.points.some((pt) => pt.t > t1);
    });
    process.stdout.write(`mep start: first chart point ${Date.now() - t1} ms after start (run 1 started ${t1 - t0} ms earlier)\n`);
  } finally {
    await p.stop();
  }

  // Run 3, --fresh: an empty Storage, the default settings again; the newcomer's time to the first chart point.
  const t2 = Date.now();
  p = await startProduct({ dataDir, args: ['--fresh'] });
  try {
    expect(stored()).toMatchObject({ name: 'MEP Bridge (host)', meter: { pollIntervalS: 2 } });
    const m = await until('a meter', async () => (await meters(p))[0]);
    await until('the first chart point', async () => {
      const h = (await (await fetch(`${p.panelUrl}/api/meters/${m.deviceId}/history`)).json()) as { points: { t: number }[] };
      return h.points.some((pt) => pt.t > t2);
    });
    process.stdout.write(`mep start --fresh: first chart point ${Date.now() - t2} ms after start\n`);
  } finally {
    await p.stop();
  }
}, 240000);
