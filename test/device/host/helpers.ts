// Shared by the host tests: bundles a fixture entry with the real firmware build (check included), boots scripts,
// and stops every host a test started.
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { buildFirmware } from '../../../device/build/build';
import { startHost, type HostHandle, type HostOptions } from '../../../device/sim/host';

const dir = mkdtempSync(join(tmpdir(), 'mep-host-'));
const running: HostHandle[] = [];
const built = new Map<string, Promise<string>>();

export function tempDir(name: string): string {
  return mkdtempSync(join(dir, `${name}-`));
}

/** Builds test firmware from a fixture entry (test/device/host/fixtures/<name>.ts), once per test file. */
export function fixtureBundle(name: string): Promise<string> {
  let p = built.get(name);
  if (!p) {
    const out = join(dir, `${name}.js`);
    p = buildFirmware({ entry: join(__dirname, 'fixtures', `${name}.ts`), out, budgetBytes: Infinity }).then(() => out);
    built.set(name, p);
  }
  return p;
}

/** The production bundle, built into a temporary directory. */
export function productionBundle(): Promise<string> {
  let p = built.get('production');
  if (!p) {
    const out = join(dir, 'firmware.js');
    p = buildFirmware({ out, budgetBytes: Infinity }).then(() => out);
    built.set('production', p);
  }
  return p;
}

export async function boot(options: HostOptions): Promise<HostHandle> {
  const host = await startHost(options);
  running.push(host);
  return host;
}

/** Boots a plain script (ES5 + what Espruino has) as the firmware. */
export function bootScript(code: string, options: Omit<HostOptions, 'code' | 'bundlePath'> = {}): Promise<HostHandle> {
  return boot({ ...options, code });
}

/** Console lines of a host, collected from now on. */
export function consoleOf(host: HostHandle): string[] {
  const lines: string[] = [];
  host.events.on('console', (l: string) => lines.push(l));
  return lines;
}

export const waitConsole = (host: HostHandle, test: (line: string) => boolean, ms = 5000): Promise<string> =>
  host.waitFor<string>('console', test, ms);

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

afterEach(async () => {
  while (running.length) await running.pop()!.stop();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));
