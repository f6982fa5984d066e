// The add-on bundle: addon/build/build.ts turns an add-on entry and all its dependencies into one ESM file that
// runs on plain Node with no node_modules next to it (the image copies only dist/addon). Built here from a stand-in
// entry that carries aedes (ESM-only), mqtt (CommonJS) and the options loader, and from the real entry
// (addon/src/cli.ts), which is run for real.
import { execFile, spawn } from 'child_process';
import mqtt from 'mqtt';
import { freePort } from '../../helpers/brokers';
import { waitFor } from '../../helpers/wait';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { promisify } from 'util';
import { buildAddon, DEFAULT_ENTRY } from '../../../addon/build/build';

const run = promisify(execFile);
const PROBE_ENTRY = resolve(__dirname, 'fixtures/bundle-probe-entry.ts');

let outDir: string;
beforeAll(() => (outDir = mkdtempSync(join(tmpdir(), 'mep-addon-bundle-')))); // outside the repo: no node_modules
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Runs the bundle with plain node, from a folder without node_modules, with module lookup paths cleared. */
function node(bundle: string, args: string[]) {
  return run(process.execPath, [bundle, ...args], { cwd: outDir, env: { PATH: process.env.PATH ?? '' }, timeout: 20000 });
}

describe('add-on bundle', () => {
  let bundle: string;
  let panelDir: string | null;
  beforeAll(async () => {
    ({ bundle, panelDir } = await buildAddon({ entry: PROBE_ENTRY, outDir }));
  }, 60000);

  test('is one ESM file dist/addon/main.mjs with the CommonJS banner, plus the panel assets', () => {
    expect(bundle).toBe(join(outDir, 'main.mjs'));
    const text = readFileSync(bundle, 'utf8');
    expect(text).toMatch(/^import \{ createRequire as __mepCreateRequire \} from 'node:module';/);
    expect(panelDir).toBe(join(outDir, 'panel'));
    expect(existsSync(join(outDir, 'panel', 'index.html'))).toBe(true);
  });

  test('runs under plain Node: --help', async () => {
    const { stdout } = await node(bundle, ['--help']);
    expect(stdout).toMatch(/^usage: main\.mjs/);
  });

  test('the bundled aedes broker and mqtt client work together', async () => {
    const { stdout } = await node(bundle, ['--mqtt-roundtrip']);
    expect(stdout.trim()).toBe('hello through aedes');
  });

  test('the bundled options loader validates and redacts', async () => {
    const good = join(outDir, 'good.json');
    writeFileSync(good, JSON.stringify({ log_level: 'info', mqtt: { password: 'Sup3r-Secret' }, embedded_broker: { port: 1883 }, ota: { port: 8125 }, offline_notify_minutes: 0 }));
    const { stdout } = await node(bundle, ['--options', good]);
    expect(stdout).toContain('mqtt.password="***"');
    expect(stdout).not.toContain('Sup3r-Secret');
    const bad = join(outDir, 'bad.json');
    writeFileSync(bad, '{"mqtt": {"password": "Sup3r-Secret",}}');
    const failed = await node(bundle, ['--options', bad]).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/bad\.json:\n {2}\(options\): not valid JSON at line 1, column \d+/);
    expect(failed?.stderr).not.toContain('Sup3r-Secret');
  });

  test('the real add-on (addon/src/cli.ts) bundled: refuses bad options clearly, runs, serves /health and MQTT, stops on SIGTERM', async () => {
    const realOut = join(outDir, 'real');
    const real = await buildAddon({ entry: DEFAULT_ENTRY, outDir: realOut });
    const { stdout } = await node(real.bundle, ['--help']);
    expect(stdout).toContain('main.mjs addon');

    const bad = join(outDir, 'real-bad.json');
    writeFileSync(bad, JSON.stringify({ log_level: 'loud', mqtt: { password: 'Sup3r-Secret' }, embedded_broker: { port: 70000 }, ota: { port: 8125 }, offline_notify_minutes: 0 }));
    const failed = await node(real.bundle, ['addon', '--options', bad, '--data-dir', outDir]).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/log_level/);
    expect(failed?.stderr).toMatch(/embedded_broker\.port/);
    expect(failed?.stderr).not.toContain('Sup3r-Secret');

    const [panelPort, brokerPort, otaPort] = [await freePort(), await freePort(), await freePort()];
    const good = join(outDir, 'real-good.json');
    writeFileSync(good, JSON.stringify({ log_level: 'info', mqtt: {}, embedded_broker: { port: brokerPort }, ota: { port: otaPort }, offline_notify_minutes: 0 }));
    const dataDir = mkdtempSync(join(tmpdir(), 'mep-addon-data-'));
    const child = spawn(process.execPath, [real.bundle, 'addon', '--local', '--options', good, '--data-dir', dataDir, '--catalog-dir', dataDir,
      '--panel-assets', real.panelDir as string, '--panel-port', String(panelPort)], { cwd: outDir, env: { PATH: process.env.PATH ?? '' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      await waitFor('the add-on to start', () => out.includes('MEP Bridge add-on running'), 30000, () => out);
      const health = await fetch(`http://127.0.0.1:${panelPort}/health`);
      expect(health.status).toBe(200);
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${brokerPort}`, { reconnectPeriod: 0 });
      await client.endAsync();
    } finally {
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      rmSync(dataDir, { recursive: true, force: true });
    }
    expect(out).toContain('MEP Bridge add-on stopping');
  }, 90000);
});
