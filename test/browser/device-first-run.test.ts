// The module's own pages on their first run, in Chromium (issue 12): the PRODUCTION firmware bundle on the Node host
// with a simulated meter and no web bundle installed, as after `mep upload`. "/" is the built-in page (never a bare
// recovery page): "Create your login" with field errors, then the live readings and the built-in setup (the
// reference's /getDashDataWS opened there); /recovery names a wrong file precisely; axe-core finds no serious or
// critical violation on the built-in pages, /recovery and the installed bundle's pages. Every flow leaves a
// screenshot in .tmp/screenshots/device-first-run/ (…-FAILED.png when it failed).
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Browser, Page } from 'playwright-core';
import { HostHandle, startHost } from '../../device/sim/host';
import { MeterSimulator } from '../../device/sim/meter-sim/meter';
import { acceleratedMeter } from '../helpers/meter-sim';
import { packWwws, wwwsFilesFromDir } from '../../ota/pack';
import { Broker, startAedes } from '../helpers/brokers';
import { flow, launchChromium, screenshotDir, seriousViolations } from '../helpers/browser';
import { watcher, Watcher } from '../helpers/mqtt-watch';
import { productionBundle } from '../device/host/helpers';
import { devicePort } from '../helpers/host-http';

const SUITE = 'device-first-run';
const KEY = 'ABCDEFGHIJKLMNOPQRST';
const LOGIN = { user: 'owner', password: 'owner-pass-123' };

let broker: Broker;
let w: Watcher;
let sim: MeterSimulator;
let host: HostHandle;
let browser: Browser;
let page: Page;
let base: string;
const dir = mkdtempSync(join(tmpdir(), 'mep-first-run-'));

async function noSeriousViolations(what: string): Promise<void> {
  const found = await seriousViolations(page);
  if (found.length) throw new Error(`${what}: ${JSON.stringify(found, null, 1)}`);
}

beforeAll(async () => {
  broker = await startAedes();
  w = await watcher(broker.url);
  sim = acceleratedMeter({ key: KEY, seed: 11 });
  host = await startHost({
    bundlePath: await productionBundle(),
    meter: sim,
    settings: {
      name: 'Barn meter',
      wifi: { ssid: 'home', password: 'wifi-secret-xyz3' },
      mqtt: { host: '127.0.0.1', port: broker.port, password: 'mqtt-secret-xyz3' },
      meter: { key: KEY, pollIntervalS: 1 },
    },
    wifi: { mac: '24:0a:c4:00:00:78' },
  });
  base = `http://127.0.0.1:${await devicePort(host)}`;
  await w.next('mep/mep_240ac4000078/state', () => true, { ms: 60000 });
  browser = await launchChromium();
  page = await browser.newPage({ bypassCSP: true });
}, 90000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  sim?.close();
  await w?.client.endAsync();
  await broker?.stop();
});

test('first visit: "/" is the built-in page offering "Create your login"; empty and short entries are marked per field', () => flow(page, SUITE, '1-create-login', async () => {
  await page.goto(`${base}/`);
  expect(new URL(page.url()).pathname).toBe('/');
  await page.locator('#LT').filter({ hasText: 'Create your login' }).waitFor();
  expect(await page.textContent('#LB')).toBe('Create login');
  expect(await page.textContent('#LI')).toContain('8 to 64 characters');
  await noSeriousViolations('create-login view');
  // an empty submit: both fields marked, nothing granted
  await page.click('#LB');
  await page.locator('[id="e-login.user"]').filter({ hasText: 'must be 1 to 32 characters' }).waitFor();
  expect(await page.textContent('[id="e-login.password"]')).toBe('must be 8 to 64 characters');
  expect(await page.getAttribute('#u', 'aria-invalid')).toBe('true');
  expect(await page.textContent('#m')).toBe('please correct the marked fields');
  expect(await page.isHidden('#D')).toBe(true);
  await page.screenshot({ path: join(screenshotDir(SUITE), '1a-create-login-field-errors.png'), fullPage: true });
  // a short password: only the password is marked
  await page.fill('#u', LOGIN.user);
  await page.fill('#p', 'short');
  await page.click('#LB');
  // The page clears every mark when it sends; the answer marks the password again (and only it).
  await page.locator('[id="e-login.password"]').filter({ hasText: 'must be 8 to 64 characters' }).waitFor();
  expect(await page.textContent('[id="e-login.user"]')).toBe('');
  await page.fill('#p', LOGIN.password);
  await page.click('#LB');
  await page.locator('#D').waitFor();
}), 40000);

test('the built-in dashboard shows the readings with Home Assistant\'s words and units', () => flow(page, SUITE, '2-built-in-dashboard', async () => {
  await page.goto(`${base}/`);
  await page.locator('#v-energy_import').waitFor({ timeout: 20000 });
  expect(await page.textContent('#N')).toBe('Barn meter');
  expect(await page.textContent('#k')).toBe('Online');
  expect(await page.textContent('#v-energy_import')).toMatch(/^Energy import[\d.]+\u00a0kWh$/);
  expect(await page.textContent('#v-power_import')).toMatch(/^Power import\d+\u00a0W$/);
  expect(await page.textContent('#v-voltage_l1')).toMatch(/^Voltage L1[\d.]+\u00a0V$/);
  expect(await page.textContent('#B')).toContain('update.wwws');
  await noSeriousViolations('built-in dashboard');
  await page.emulateMedia({ colorScheme: 'dark' });
  try {
    await noSeriousViolations('built-in dashboard, dark');
    await page.screenshot({ path: join(screenshotDir(SUITE), '2a-built-in-dashboard-dark.png'), fullPage: true });
  } finally {
    await page.emulateMedia({ colorScheme: 'light' });
  }
}), 40000);

test('built-in setup: current values, field errors, and /getDashDataWS opened for the reference\'s integration', () => flow(page, SUITE, '3-built-in-setup', async () => {
  const anonymous = () => fetch(`${base}/getDashDataWS`).then(async (r) => ({ status: r.status, json: await r.json() as Record<string, unknown> }));
  expect((await anonymous()).status).toBe(401);
  await page.goto(`${base}/setup.html`);
  await page.locator('#S').waitFor();
  expect(await page.inputValue('#f0')).toBe('Barn meter');
  expect(await page.getAttribute('#f2', 'placeholder')).toMatch(/^set/); // WiFi password: only "set"
  await noSeriousViolations('built-in setup');
  await page.fill('#f4', '99999');
  await page.click('#SF button');
  await page.locator('[id="e-mqtt.port"]').filter({ hasText: 'whole number' }).waitFor();
  await page.fill('#f4', String(broker.port));
  await page.check('#f11');
  await page.click('#SF button');
  await page.locator('#SM').filter({ hasText: 'Saved: web.open_dash_data' }).waitFor();
  const open = await anonymous();
  expect(open.status).toBe(200);
  expect(open.json).toMatchObject({ ESP_SW: 'MEP Bridge', Fwd_Act_Wh: expect.any(Number), L1_RMS_V: expect.any(Number), Fwd_Avg_W: null });
  expect(Number.isInteger(open.json.Fwd_Act_Wh)).toBe(true);
  expect(open.json.Fwd_Act_Wh as number).toBeGreaterThan(0);
}), 40000);

test('/recovery says which file goes where and names a wrong file precisely', () => flow(page, SUITE, '4-recovery-wrong-file', async () => {
  await page.goto(`${base}/recovery`);
  await page.locator('#R').waitFor();
  expect(await page.textContent('#R')).toMatch(/firmware\.bin.*update\.wwws.*esptool/s);
  await noSeriousViolations('/recovery');
  const image = join(dir, 'espruino_2v29_esp32.bin');
  const bytes = new Uint8Array(4096);
  bytes.set([0xe9, 0x06, 0x02, 0x20]);
  writeFileSync(image, bytes);
  await page.setInputFiles('#F', image);
  await page.click('#U');
  await page.locator('#m').filter({ hasText: 'espruino_2v29_esp32.bin: this is an ESP32 program image' }).waitFor({ timeout: 20000 });
  expect(await page.textContent('#m')).toContain('esptool');
  const text = join(dir, 'firmware.js');
  writeFileSync(text, 'var x = 1;');
  await page.setInputFiles('#F', text);
  await page.click('#U');
  await page.locator('#m').filter({ hasText: 'firmware.js: not an update package' }).waitFor();
}), 40000);

test('with the web bundle installed its pages take over, and they pass axe too', () => flow(page, SUITE, '5-bundle-pages', async () => {
  const wwws = join(dir, 'update.wwws');
  writeFileSync(wwws, packWwws(wwwsFilesFromDir(join(__dirname, '../../device/www'), { gzip: true })));
  await page.goto(`${base}/recovery`);
  await page.locator('#R').waitFor();
  await page.setInputFiles('#F', wwws);
  await page.click('#U');
  await page.locator('#m').filter({ hasText: 'Installed' }).waitFor({ timeout: 20000 });
  await page.goto(`${base}/`);
  await page.locator('#v-energy_import').waitFor({ timeout: 30000 });
  expect(await page.locator('#N').count()).toBe(0); // the bundle's dashboard, not the built-in one
  await noSeriousViolations('bundle dashboard');
  await page.goto(`${base}/setup.html`);
  await page.waitForFunction('document.getElementById("opendash").checked === true'); // set on the built-in setup page
  await noSeriousViolations('bundle setup page');
  await page.goto(`${base}/`);
  await page.click('text=Log out');
  await page.waitForURL(`${base}/login.html`);
  await page.locator('#title').filter({ hasText: 'Log in' }).waitFor();
  await noSeriousViolations('bundle login page');
}), 60000);
