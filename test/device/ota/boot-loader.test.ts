// The boot loader (device/src/boot/loader.ts, built like the firmware into boot.js and stored as `.bootcde`) on the
// Node host, which boots `.bootcde` from Storage as Espruino does: which slot runs, the trial states, and the way
// back to the previous slot when a trial firmware throws, hangs or never confirms. Slots here are small scripts.
import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { buildBootLoader, LOADER_BUDGET_BYTES } from '../../../device/build/artefacts';
import { BOOTED, BootRecord, CONFIRMED, INSTALLED } from '../../../device/src/boot/boot-record';
import { readRecord } from '../../../device/src/boot/record';
import { HostHandle, HostStorage } from '../../../device/sim/host';
import { boot } from '../host/helpers';

let loader = '';
beforeAll(async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'mep-loader-')), 'boot.js');
  await buildBootLoader(out);
  loader = readFileSync(out, 'latin1');
}, 30000);

const A = 'console.log("running A");';
const record = (r: Partial<BootRecord>) => JSON.stringify({ s: 1, c: 'b', p: 'a', t: INSTALLED, v: '0.2.0', pv: '0.1.0', ...r });

function bootRecord(storage: HostStorage): BootRecord | null {
  return readRecord<BootRecord>((n) => {
    const b = storage.read(n);
    return b ? Buffer.from(b).toString('latin1') : null;
  }, 'boot.')?.record ?? null;
}

async function device(files: Record<string, string>, hangLimitMs?: number): Promise<{ host: HostHandle; lines: string[] }> {
  const lines: string[] = [];
  const host = await boot({ code: 'console.log("not from Storage")', files: { '.bootcde': loader, 'app.a': A, ...files }, hangLimitMs, log: (l) => lines.push(l) });
  return { host, lines };
}

test('the loader is tiny and passes the Espruino bundle check', () => {
  expect(loader.length).toBeGreaterThan(200);
  expect(loader.length).toBeLessThanOrEqual(LOADER_BUDGET_BYTES);
});

test('without a boot record it runs slot a, and E.reboot() runs the loader again', async () => {
  const { host, lines } = await device({});
  expect(lines).toContain('running A');
  expect(lines).not.toContain('not from Storage');
  host.evaluate('E.reboot()');
  await host.waitFor('boot', (n: number) => n === 2);
  expect(lines.filter((l) => l === 'running A')).toHaveLength(2);
});

test('load(file) resets the interpreter and runs that Storage file; load() runs the boot code again', async () => {
  const { host, lines } = await device({ 'app.b': 'console.log("running B")' });
  host.evaluate('load("app.b")');
  await host.waitFor('boot', (n: number) => n === 2);
  expect(lines[lines.length - 1]).toBe('running B');
  host.evaluate('load()');
  await host.waitFor('boot', (n: number) => n === 3);
  expect(lines[lines.length - 1]).toBe('running A');
});

test('a confirmed record runs its slot', async () => {
  const { lines } = await device({ 'app.b': 'console.log("running B")', 'boot.0': record({ t: CONFIRMED }) });
  expect(lines).toContain('running B');
});

test('an installed firmware boots on trial once; a trial that never confirms returns to the previous slot at the trial limit', async () => {
  const { host, lines } = await device({ 'app.b': 'console.log("running B")', 'boot.0': record({ l: 300 }) });
  expect(lines).toContain('running B');
  expect(bootRecord(host.storage)).toMatchObject({ t: BOOTED, c: 'b' });
  await host.waitFor('boot', (n: number) => n === 2, 5000);
  expect(lines[lines.length - 1]).toBe('running A');
  expect(bootRecord(host.storage)).toMatchObject({ t: CONFIRMED, c: 'a', p: 'b', v: '0.1.0', f: 'firmware 0.2.0 did not start healthy; back to 0.1.0' });
});

test('a trial firmware that throws at start is left at once: the next boot runs the previous slot', async () => {
  const { host, lines } = await device({ 'app.b': 'throw new Error("broken build")', 'boot.0': record({ id: 'cmd-7' }) });
  await host.waitFor('boot', (n: number) => n === 2, 5000);
  expect(lines.join('\n')).toMatch(/failed to start: Error: broken build/);
  expect(lines[lines.length - 1]).toBe('running A');
  expect(bootRecord(host.storage)).toMatchObject({ c: 'a', t: CONFIRMED, id: 'cmd-7' });
});

test('a trial firmware that hangs is reset by the watchdog and the previous slot runs', async () => {
  const { host, lines } = await device({ 'app.b': 'while (true) {}', 'boot.0': record({}) }, 500);
  await host.waitFor('boot', (n: number) => n === 2, 10000);
  expect(lines[lines.length - 1]).toBe('running A');
  expect(bootRecord(host.storage)?.f).toMatch(/did not start healthy/);
});

test.each([['before', 'storage-writing'], ['after', 'storage-write']])(
  'a power cut just %s the loader writes a boot record still leaves a bootable device',
  async (_when, event) => {
    for (const cutTrialWrite of [true, false]) {
      const lines: string[] = [];
      const files = { '.bootcde': loader, 'app.a': A, 'app.b': 'console.log("running B")', 'boot.0': record({}) };
      const host = await boot({ code: '', files, log: (l) => lines.push(l) });
      // Boot 1 wrote "trial BOOTED" into boot.1. Either undo that and cut the power during that write again, or
      // reboot without confirmation and cut the power during the rollback record's write.
      if (cutTrialWrite) {
        host.kill();
        host.storage.erase('boot.1');
      }
      const cut = (w: { name: string }): void => {
        if (w.name.startsWith('boot.')) host.kill();
      };
      host.events.on(event, cut);
      if (cutTrialWrite) host.powerOn();
      else host.reboot('test');
      expect(host.state).toBe('off');
      host.events.off(event, cut);
      host.powerOn();
      expect(host.state).toBe('running');
      expect(lines[lines.length - 1]).toMatch(/^running [AB]$/);
      await host.stop();
    }
  },
);
