// The add-on's ingress panel in Chromium (Debian package, driven by playwright-core), served through a tiny stand-in
// for Home Assistant's ingress proxy that mounts it under /api/hassio_ingress/<token>/ and adds X-Ingress-Path, as
// the Supervisor does (home-assistant.md §2.4). The backend is the in-memory fixtures (test/addon/panel/fixtures.ts):
// a meter with live readings, MBK key entry, a .wwws upload, an update with progress.
import { existsSync, mkdtempSync, writeFileSync } from 'fs';
import { createServer, request, Server } from 'http';
import { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { Browser, chromium, Page } from 'playwright-core';
import { buildPanelUi } from '../../addon/src/panel/build-ui';
import { packWwws } from '../../ota/pack';
import { meterView } from '../addon/panel/fixtures';
import { startTestPanel, TestPanel } from '../addon/panel/harness';
import { pageText } from '../helpers/page-text';

const CHROMIUM = '/usr/bin/chromium';
const KEY = 'Kx9#mQ2$wE7!rT4%yU1&';
const TOKEN = 'aW5ncmVzcy10b2tlbg_x';
const PREFIX = `/api/hassio_ingress/${TOKEN}`;

let t: TestPanel;
let proxy: Server;
let browser: Browser;
let page: Page;
let entry: string;
const dir = mkdtempSync(join(tmpdir(), 'mep-panel-ui-'));
const requestedUrls: string[] = [];
const responseBodies: Promise<string>[] = [];

/** Home Assistant's ingress, reduced to what the add-on sees: a path prefix, X-Ingress-Path, streamed responses. */
function ingressProxy(targetPort: number): Promise<Server> {
  const server = createServer((req, res) => {
    const m = /^\/api\/hassio_ingress\/([A-Za-z0-9_-]+)(\/.*)?$/.exec(req.url ?? '');
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    const upstream = request({
      host: '127.0.0.1', port: targetPort, method: req.method, path: m[2] ?? '/',
      headers: { ...req.headers, host: `127.0.0.1:${targetPort}`, 'x-ingress-path': `/api/hassio_ingress/${m[1]}`, 'x-hass-source': 'core.ingress' },
    }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  expect(existsSync(CHROMIUM)).toBe(true); // Chromium is required: this test fails, never skips, without it.
  const assets = join(dir, 'assets');
  await buildPanelUi(assets);
  t = await startTestPanel('local', assets);
  t.registry.put(meterView('mep_a1', {
    name: 'House meter',
    state: { energy_import: 1000.125, energy_export: 5.5, power_import: 420, voltage_l1: 230.1, voltage_l2: 231.2, voltage_l3: 229.9 },
    stateAt: Date.now(),
    diagnostics: { link_state: 'auth-failed', firmware: '1.0.0' },
    problems: [{ code: 'wrong-key', message: 'the meter refused the MBK key' }],
  }));
  proxy = await ingressProxy(t.port);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  page.on('request', (r) => requestedUrls.push(r.url()));
  page.on('response', (r) => {
    if (!(r.headers()['content-type'] ?? '').startsWith('text/event-stream')) responseBodies.push(r.text().catch(() => ''));
  });
  await page.goto(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}${PREFIX}/`);
}, 120000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => (proxy ? proxy.close(r) : r(undefined)));
  proxy?.closeAllConnections();
  await t?.close();
});

test('the meter shows its readings and its problem in plain words, and readings update live', async () => {
  const card = page.locator('mep-meter-card');
  await card.getByText('House meter').waitFor();
  await card.locator('[data-key="energy_import"]').getByText('1000.125 kWh').waitFor();
  await card.getByText('Wrong MBK key').waitFor();
  expect(await card.locator('[data-testid="link"]').textContent()).toBe('Authentication failed');
  expect(await card.locator('[data-phase="2"][data-key="voltage"]').textContent()).toBe('231.2 V');

  // Live: the registry changes, the page follows through the event stream (no reload).
  t.registry.patch('mep_a1', {
    state: { energy_import: 1000.5, power_import: 1234 }, stateAt: Date.now(),
    diagnostics: { link_state: 'online', firmware: '1.0.0' }, problems: [],
  });
  await card.locator('[data-key="power_import"]').getByText('1234 W').waitFor();
  await card.locator('[data-testid="link"]').getByText('Online').waitFor();
  expect(await card.getByText('Wrong MBK key').count()).toBe(0);

  // Readable on a phone: nothing wider than the screen.
  expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
}, 60000);

test('MBK key: an invalid key gets a field error; a valid one is sent once and is gone from the page', async () => {
  const card = page.locator('mep-meter-card');
  await card.locator('summary', { hasText: 'Settings' }).click();
  const input = card.locator('mep-key-form input[name="key"]');
  expect(await input.getAttribute('type')).toBe('password');
  await input.fill('too-short');
  await card.getByRole('button', { name: 'Send key' }).click();
  await card.locator('mep-key-form .field-error').getByText('16 to 20 characters').waitFor();
  expect(t.commander.calls).toEqual([]);

  await input.fill(KEY);
  await card.getByRole('button', { name: 'Send key' }).click();
  await card.locator('mep-key-form .notice').getByText('key sent').waitFor();
  expect(t.commander.calls).toEqual([{ deviceId: 'mep_a1', kind: 'configure', cmd: { meter: { key: KEY } } }]);
  expect(await input.inputValue()).toBe('');
  expect(await pageText(page)).not.toContain(KEY);
  expect((await Promise.all(responseBodies)).join('\n')).not.toContain(KEY);
  expect(t.log.lines.join('\n')).not.toContain(KEY);
}, 60000);

test('uploading a .wwws adds it to the catalog; a broken one shows why it was refused', async () => {
  const good = join(dir, 'pages-2.wwws');
  writeFileSync(good, packWwws([{ name: 'www_index.html', data: new TextEncoder().encode('<h1>new pages</h1>') }]));
  const section = page.locator('mep-firmware-section');
  await section.locator('input[type="file"]').setInputFiles(good);
  await section.getByRole('button', { name: 'Upload' }).click();
  await section.locator('.catalog').getByText('pages-2.wwws').waitFor();
  entry = t.catalog.list()[0]!.id;

  const broken = join(dir, 'broken.wwws');
  writeFileSync(broken, Buffer.from('MEPW this is not a package'));
  await section.locator('input[type="file"]').setInputFiles(broken);
  await section.getByRole('button', { name: 'Upload' }).click();
  await section.locator('.upload-error').getByText('the package was rejected').waitFor();
  expect(t.catalog.list()).toHaveLength(1);
}, 60000);

test('starting an update shows its progress until done', async () => {
  const card = page.locator('mep-meter-card');
  await card.getByRole('button', { name: 'Update this meter' }).click();
  await card.getByText('update started').waitFor();
  const rollout = t.rollouts.list()[0]!;
  expect(rollout.entryId).toBe(entry);
  expect(rollout.devices.map((d) => d.deviceId)).toEqual(['mep_a1']);

  const row = page.locator(`mep-firmware-section [data-rollout="${rollout.id}"] tr[data-device="mep_a1"]`);
  await row.locator('.status').getByText('pending').waitFor();
  t.rollouts.advance(rollout.id, 'mep_a1', 'downloading', 40);
  await row.locator('.percent').getByText('40 %').waitFor();
  t.rollouts.advance(rollout.id, 'mep_a1', 'done', 100);
  await row.locator('.status').getByText('done').waitFor();
}, 60000);

test('Add to Energy dashboard works with Home Assistant and says why not without it', async () => {
  const card = page.locator('mep-meter-card');
  await card.getByRole('button', { name: 'Add to Energy dashboard' }).click();
  await card.locator('.notice').getByText('added to the Energy dashboard').waitFor();
  expect(t.ha.energyCalls).toEqual(['mep_a1']);

  t.ha.current = { available: false, connected: false, reason: 'Not running inside Home Assistant' };
  t.bus.emit('haConnection', { connected: false });
  await page.getByTestId('ha-status').getByText('Not running inside Home Assistant').waitFor();
  expect(await card.getByRole('button', { name: 'Add to Energy dashboard' }).isDisabled()).toBe(true);
  await card.getByText('Not running inside Home Assistant').waitFor();
}, 60000);

test('everything the page loaded went through the ingress prefix', () => {
  expect(requestedUrls.length).toBeGreaterThan(5);
  for (const url of requestedUrls) expect(new URL(url).pathname.startsWith(`${PREFIX}/`)).toBe(true);
});
