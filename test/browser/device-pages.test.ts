// The device's web pages in Chromium (Debian package, driven by playwright-core) against the PRODUCTION firmware
// bundle on the Node host, with a simulated meter and a real broker (issue 4 "Tests and figures"): first login,
// upload of a .wwws from /recovery with a progress bar, the dashboard's live readings, changing a setting and seeing
// it applied (MQTT discovery carries the new name), a changed web bundle showing up, logout/login.
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Browser, chromium, Page } from 'playwright-core';
import { HostHandle, startHost } from '../../device/sim/host';
import { MeterSimulator } from '../../device/sim/meter-sim/meter';
import { acceleratedMeter } from '../helpers/meter-sim';
import { packWwws, wwwsFilesFromDir } from '../../ota/pack';
import { Broker, startAedes } from '../helpers/brokers';
import { watcher, Watcher } from '../helpers/mqtt-watch';
import { productionBundle } from '../device/host/helpers';
import { devicePort } from '../helpers/host-http';

const KEY = 'ABCDEFGHIJKLMNOPQRST';
const DEVICE = 'mep_240ac4000077';
const SECRETS = ['wifi-secret-xyz1', 'mqtt-secret-xyz1', KEY];
const LOGIN = { user: 'owner', password: 'owner-pass-123' };

let broker: Broker;
let w: Watcher;
let sim: MeterSimulator;
let host: HostHandle;
let browser: Browser;
let page: Page;
let base: string;
const dir = mkdtempSync(join(tmpdir(), 'mep-pages-'));
const responses: string[] = [];

function webBundle(name: string, change?: (html: string) => string): string {
  const files = wwwsFilesFromDir(join(__dirname, '../../device/www'), { gzip: true });
  if (change) for (const f of files) if (f.name === 'www_index.html') f.data = Buffer.from(change(Buffer.from(f.data).toString('utf8')));
  const path = join(dir, name);
  writeFileSync(path, packWwws(files));
  return path;
}

beforeAll(async () => {
  broker = await startAedes();
  w = await watcher(broker.url);
  sim = acceleratedMeter({ key: KEY, seed: 7 });
  host = await startHost({
    bundlePath: await productionBundle(),
    meter: sim,
    settings: {
      name: 'Garage meter',
      wifi: { ssid: 'home', password: SECRETS[0] },
      mqtt: { host: '127.0.0.1', port: broker.port, password: SECRETS[1] },
      meter: { key: KEY, pollIntervalS: 1 },
    },
    wifi: { mac: '24:0a:c4:00:00:77' },
  });
  base = `http://127.0.0.1:${await devicePort(host)}`;
  // The meter has been read once (on a loaded CI machine the first read can take a while): the dashboard test is
  // then about the page, not about how fast the first poll is.
  await w.next('mep/mep_240ac4000077/state', () => true, { ms: 60000 });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  page = await browser.newPage();
  page.on('response', async (r) => {
    try {
      responses.push(`${r.url()} ${JSON.stringify(await r.allHeaders())} ${await r.text()}`);
    } catch {
      /* bodies of redirects are not available */
    }
  });
}, 90000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  sim?.close();
  await w?.client.endAsync();
  await broker?.stop();
});

test('first visit: "/" is the built-in page (device-first-run.test.ts); /recovery in station mode only offers to create the login', async () => {
  await page.goto(`${base}/`);
  expect(new URL(page.url()).pathname).toBe('/');
  await page.locator('#LT').filter({ hasText: 'Create your login' }).waitFor();
  await page.goto(`${base}/recovery`);
  await page.locator('#LT').filter({ hasText: 'No login is set yet' }).waitFor();
  expect(await page.locator('#R').isHidden()).toBe(true);
  await page.fill('#u', LOGIN.user);
  await page.fill('#p', LOGIN.password);
  await page.click('#L button');
  await page.locator('#R').waitFor();
  expect(await page.textContent('#v')).toMatch(/^\d+\.\d+\.\d+/);
  expect(await page.textContent('#w')).toBe('none');
  expect(Number(await page.textContent('#f'))).toBeGreaterThan(100000);
}, 30000);

test('uploading the web bundle (.wwws) shows progress, then "/" is the dashboard with live readings', async () => {
  await page.setInputFiles('#F', webBundle('update.wwws'));
  await page.click('#U');
  await page.locator('#m').filter({ hasText: 'Installed' }).waitFor({ timeout: 20000 });
  expect(await page.evaluate('document.getElementById("P").value')).toBe(1);
  await page.goto(`${base}/`);
  expect(new URL(page.url()).pathname).toBe('/');
  await page.locator('#v-energy_import').waitFor({ timeout: 30000 }); // the page polls every 5 s
  expect(await page.textContent('#name')).toBe('Garage meter');
  expect(await page.textContent('#v-energy_import')).toMatch(/Energy import[\d.]+ kWh/);
  expect(await page.textContent('#link')).toBe('Online');
}, 60000);

test('setup: secrets show only as set; changing the device name is applied (discovery re-sent with it)', async () => {
  await page.goto(`${base}/setup.html`);
  await page.waitForFunction('document.getElementById("name").value === "Garage meter"');
  expect(await page.inputValue('#wifipw')).toBe('');
  expect(await page.getAttribute('#wifipw', 'placeholder')).toMatch(/^set/);
  expect(await page.getAttribute('#key', 'placeholder')).toMatch(/^set/);
  expect(await page.inputValue('#ssid')).toBe('home');
  // a bad value is reported next to its field and nothing is saved
  await page.fill('#port', '99999');
  await page.click('#save');
  await page.locator('[id="e-mqtt.port"]').filter({ hasText: 'whole number' }).waitFor();
  await page.fill('#port', String(broker.port));
  const at = w.mark();
  await page.fill('#name', 'Workshop meter');
  await page.click('#save');
  await page.locator('#msg').filter({ hasText: 'Saved: name' }).waitFor();
  const config = await w.next(`homeassistant/device/${DEVICE}/config`, (t) => t.includes('Workshop meter'), { after: at, ms: 15000 });
  expect(JSON.parse(config.text).dev.name).toBe('Workshop meter');
  await page.goto(`${base}/`);
  await page.locator('#name').filter({ hasText: 'Workshop meter' }).waitFor();
}, 40000);

test('a changed web bundle replaces the dashboard', async () => {
  await page.goto(`${base}/recovery`);
  await page.locator('#R').waitFor();
  await page.setInputFiles('#F', webBundle('changed.wwws', (html) => html.replace('Meter link:', 'Link to the meter:')));
  await page.click('#U');
  await page.locator('#m').filter({ hasText: 'Installed' }).waitFor({ timeout: 20000 });
  await page.goto(`${base}/`);
  await page.getByText('Link to the meter:').waitFor();
}, 40000);

test('log out: the pages go to the login page; a wrong password is refused; the right one logs in', async () => {
  await page.goto(`${base}/`);
  await page.click('text=Log out');
  await page.waitForURL(`${base}/login.html`);
  await page.goto(`${base}/setup.html`);
  await page.waitForURL(`${base}/login.html`);
  await page.fill('#user', LOGIN.user);
  await page.fill('#password', 'not-the-password');
  await page.click('#go');
  await page.locator('#msg').filter({ hasText: 'wrong user name or password' }).waitFor();
  await page.fill('#password', LOGIN.password);
  await page.click('#go');
  await page.waitForURL(`${base}/`);
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === 'mep_sid')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
}, 40000);

test('format from /recovery (keeping settings): the web files are gone, "/" is the built-in page again, the login still works', async () => {
  await page.goto(`${base}/recovery`);
  await page.locator('#R').waitFor();
  page.once('dialog', (d) => void d.accept());
  await page.click('#X');
  await page.locator('#m').filter({ hasText: 'Formatted' }).waitFor();
  // The page re-reads the status after "Formatted" (recovery-page.ts go()): wait for that answer.
  await page.locator('#w').filter({ hasText: /^none$/ }).waitFor({ timeout: 10000 });
  await page.goto(`${base}/`);
  expect(new URL(page.url()).pathname).toBe('/');
  await page.locator('#D').waitFor(); // the built-in dashboard, still logged in: settings and login were kept
  expect(JSON.parse(Buffer.from(host.storage.read('mep.settings.json')!).toString()).name).toBe('Workshop meter');
}, 30000);

test('no secret appeared in any page or API response the browser saw', () => {
  const all = responses.join('\n');
  expect(responses.length).toBeGreaterThan(10);
  for (const s of [...SECRETS, LOGIN.password]) expect(all).not.toContain(s);
});
