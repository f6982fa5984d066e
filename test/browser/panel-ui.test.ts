// The add-on's ingress panel in Chromium (Debian package, driven by playwright-core), served through a tiny stand-in
// for Home Assistant's ingress proxy that mounts it under /api/hassio_ingress/<token>/ and adds X-Ingress-Path, as
// the Supervisor does (home-assistant.md §2.4). The backend is the in-memory fixtures (test/addon/panel/fixtures.ts).
// One flow per test (issue 12): meter tabs, the red badge and the key field where the problem says "enter the key",
// the live chart, settings with current values, updates (available, downgrade confirmation, confirmed / rolled back),
// catalog uploads, the Energy dashboard, dark mode on a desktop, and axe-core finding no serious violation.
// Every flow leaves a screenshot in .tmp/screenshots/panel-ui/ (…-FAILED.png when it failed).
import { mkdtempSync, writeFileSync } from 'fs';
import { createServer, request, Server } from 'http';
import { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { buildPanelUi } from '../../addon/src/panel/build-ui';
import { packBin, packWwws } from '../../ota/pack';
import { MeterView } from '../../addon/src/backend';
import { meterView } from '../addon/panel/fixtures';
import { startTestPanel, TestPanel } from '../addon/panel/harness';
import { flow, launchChromium, seriousViolations } from '../helpers/browser';
import { pageText } from '../helpers/page-text';

const SUITE = 'panel-ui';
const KEY = 'Kx9#mQ2$wE7!rT4%yU1&';
const TOKEN = 'aW5ncmVzcy10b2tlbg_x';
const PREFIX = `/api/hassio_ingress/${TOKEN}`;
const MIN = 60_000;

let t: TestPanel;
let proxy: Server;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let url: string;
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

function binFile(version: string): string {
  const file = join(dir, `firmware-${version}.bin`);
  writeFileSync(file, packBin(new TextEncoder().encode(`/* firmware ${version} */ var v = '${version}';`), { firmwareVersion: version, buildId: `t${version}`, board: 'esp32' }));
  return file;
}

/** Readings of the last 40 minutes, so the chart has a history when the page opens. */
function seedHistory(deviceId: string): void {
  const now = Date.now();
  for (const [i, ago] of [40, 30, 20, 10, 1].entries()) {
    t.registry.patch(deviceId, {
      state: { energy_import: 1000 + i * 0.1, energy_export: 5.5, power_import: 400 + i * 100, power_export: i === 2 ? 150 : 0,
        power_import_l1: 200, power_import_l2: 150 + i * 50, power_import_l3: 50, voltage_l1: 230.1, voltage_l2: 231.2, voltage_l3: 229.9 },
      stateAt: now - ago * MIN,
    });
  }
}

beforeAll(async () => {
  const assets = join(dir, 'assets');
  await buildPanelUi(assets);
  t = await startTestPanel('local', assets);
  t.registry.put(meterView('mep_a1', {
    name: 'House meter',
    state: null,
    stateAt: null,
    stateIntervalMs: 10_000,
    diagnostics: { link_state: 'auth-failed', firmware: '1.0.0' },
    problems: [{ code: 'wrong-key', message: 'the meter refused the MBK key' }],
  }));
  seedHistory('mep_a1');
  t.registry.put(meterView('mep_b2', { name: 'Garage', firmware: '1.0.0', state: { power_import: 80, energy_import: 12 }, stateAt: Date.now() }));
  proxy = await ingressProxy(t.port);
  browser = await launchChromium();
  // bypassCSP: axe-core is injected as an inline script, which the panel's CSP refuses (and should).
  context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
  page = await context.newPage();
  page.on('request', (r) => requestedUrls.push(r.url()));
  page.on('response', (r) => {
    if (!(r.headers()['content-type'] ?? '').startsWith('text/event-stream')) responseBodies.push(r.text().catch(() => ''));
  });
  url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${PREFIX}/`;
  await page.goto(url);
}, 120000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => (proxy ? proxy.close(r) : r(undefined)));
  proxy?.closeAllConnections();
  await t?.close();
});

const card = (): ReturnType<Page['locator']> => page.locator('mep-meter-card');
const tab = (name: string | RegExp): ReturnType<Page['locator']> => page.getByRole('tab', { name });

test('a tab per meter with its name; a meter that cannot be read has a red badge and its problem comes first', () => flow(page, SUITE, '1-meter-tabs-wrong-key', async () => {
  await tab('House meter').waitFor();
  await tab('Garage').waitFor();
  expect(await tab('House meter').getAttribute('aria-selected')).toBe('true');
  const badge = card().getByTestId('health');
  await badge.getByText('Wrong key').waitFor();
  expect(await badge.getAttribute('data-level')).toBe('error');
  const problem = card().locator('li[data-code="wrong-key"]');
  await problem.getByText('Wrong MBK key').waitFor();
  // The fix is right there, open: the key field inside the problem.
  expect(await problem.locator('mep-key-form input[name="key"]').isVisible()).toBe(true);
  expect(await card().locator('[data-testid="link"]').textContent()).toBe('Authentication failed');
  await card().locator('[data-key="energy_import"]').getByText('1000.400 kWh').waitFor();
  expect(await card().locator('[data-phase="2"][data-key="voltage"]').textContent()).toBe('231.2 V');
  // Readable on a phone: nothing wider than the screen.
  expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);

  await tab('Garage').click();
  await card().getByRole('heading', { name: 'Garage' }).waitFor();
  expect(page.url()).toContain('#meter=mep_b2');
  await tab('House meter').click();
}), 60000);

test('MBK key in the problem: an invalid key stays for correcting; a valid one is sent once and is gone', () => flow(page, SUITE, '2-key-entry', async () => {
  const form = card().locator('li[data-code="wrong-key"] mep-key-form');
  const input = form.locator('input[name="key"]');
  expect(await input.getAttribute('type')).toBe('password');
  await input.fill('too-short');
  await form.getByRole('button', { name: 'Send key' }).click();
  await form.locator('.field-error').getByText('16 to 20 characters').waitFor();
  expect(await input.inputValue()).toBe('too-short');
  expect(t.commander.calls).toEqual([]);

  await input.fill(KEY);
  await form.getByRole('button', { name: 'Send key' }).click();
  await form.locator('.notice').getByText('key sent').waitFor();
  expect(t.commander.calls).toEqual([{ deviceId: 'mep_a1', kind: 'configure', cmd: { meter: { key: KEY } } }]);
  expect(await input.inputValue()).toBe('');
  expect(await pageText(page)).not.toContain(KEY);
  expect((await Promise.all(responseBodies)).join('\n')).not.toContain(KEY);
  expect(t.log.lines.join('\n')).not.toContain(KEY);
  t.commander.calls.length = 0;

  // The bridge reads the meter again: green, problem gone, live without a reload.
  t.registry.patch('mep_a1', {
    state: { ...t.registry.get('mep_a1')!.state, power_import: 1234 }, stateAt: Date.now(),
    diagnostics: { link_state: 'online', firmware: '1.0.0' }, problems: [],
  });
  await card().getByTestId('health').getByText('Online').waitFor();
  expect(await card().getByTestId('health').getAttribute('data-level')).toBe('ok');
  await card().locator('[data-key="power_import"]').getByText('1234 W').waitFor();
  expect(await card().locator('li[data-code="wrong-key"]').count()).toBe(0);
}), 60000);

test('the live chart shows the last hour from the add-on and grows with every reading; per phase on request', () => flow(page, SUITE, '3-live-chart', async () => {
  const chart = card().locator('mep-power-chart [data-testid="chart"]');
  await chart.waitFor();
  const before = Number(await chart.getAttribute('data-points'));
  expect(before).toBeGreaterThanOrEqual(5);
  t.registry.patch('mep_a1', { state: { ...t.registry.get('mep_a1')!.state, power_import: 2000 }, stateAt: Date.now() + 10_000 });
  await page.waitForFunction(`(() => {
    const c = document.querySelector('mep-panel').shadowRoot.querySelector('mep-meter-card').shadowRoot.querySelector('mep-power-chart').shadowRoot.querySelector('svg');
    return Number(c.getAttribute('data-points')) > ${before};
  })()`, undefined, { timeout: 10000 });
  expect(await card().locator('mep-power-chart path[data-series="Import"]').count()).toBe(1);
  expect(await card().locator('mep-power-chart path[data-series="Export"]').count()).toBe(1);
  await card().getByRole('button', { name: 'Per phase' }).click();
  for (const l of ['L1', 'L2', 'L3']) expect(await card().locator(`mep-power-chart path[data-series="${l}"]`).count()).toBe(1);
  expect(await card().locator('mep-power-chart svg').getAttribute('aria-label')).toMatch(/Latest: L1 200 W/);
  await card().getByRole('button', { name: 'Import/export' }).click();
  // Per-phase bars.
  await card().locator('mep-phase-bars [data-phase-row="3"]').waitFor();
}), 60000);

test('settings show the current values; a cleared name is refused with a message; a change is sent and shown', () => flow(page, SUITE, '4-settings', async () => {
  const form = card().locator('mep-settings-form');
  expect(await form.locator('input[name="name"]').inputValue()).toBe('House meter');
  expect(await form.locator('input[name="poll"]').inputValue()).toBe('10');
  await form.getByText('as seen between the last two readings').waitFor();
  expect(await form.getByText('unchanged').count()).toBe(0);

  await form.locator('input[name="name"]').fill('');
  await form.getByRole('button', { name: 'Save settings' }).click();
  await form.getByText('enter a name').waitFor();
  expect(t.commander.calls).toEqual([]);

  await form.locator('input[name="name"]').fill('House meter');
  await form.locator('input[name="poll"]').fill('30');
  await form.getByRole('button', { name: 'Save settings' }).click();
  await form.locator('.notice').getByText('settings sent').waitFor();
  expect(t.commander.calls).toEqual([{ deviceId: 'mep_a1', kind: 'configure', cmd: { meter: { poll_interval_s: 30 } } }]);
  await form.getByText('as set from this panel').waitFor();
  expect(await form.locator('input[name="poll"]').inputValue()).toBe('30');
  t.commander.calls.length = 0;
}), 60000);

test('uploads: a .wwws and a newer .bin join the catalog; a broken one says why it was refused', () => flow(page, SUITE, '5-uploads', async () => {
  await tab(/Updates/).click();
  const updates = page.locator('mep-updates');
  const upload = async (file: string): Promise<void> => {
    await updates.locator('input[type="file"]').setInputFiles(file);
    await updates.getByRole('button', { name: 'Upload' }).click();
  };
  const web = join(dir, 'pages-2.wwws');
  writeFileSync(web, packWwws([{ name: 'www_index.html', data: new TextEncoder().encode('<h1>new pages</h1>') }]));
  await upload(web);
  await updates.locator('.catalog').getByText('pages-2.wwws').waitFor();
  await upload(binFile('1.2.0'));
  await updates.locator('.catalog').getByText('firmware-1.2.0.bin').waitFor();

  const broken = join(dir, 'broken.wwws');
  writeFileSync(broken, Buffer.from('MEPW this is not a package'));
  await upload(broken);
  await updates.locator('.upload-error').getByText('the package was rejected').waitFor();
  expect(t.catalog.list()).toHaveLength(2);
  // Readable on a phone: the long package names do not widen the page.
  expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
}), 60000);

test('updates: installed and available per meter, by name; progress ends in "confirmed" or "rolled back" with the reason; notices clear', () => flow(page, SUITE, '6-update-progress', async () => {
  const updates = page.locator('mep-updates');
  const row = updates.locator('tr.meter-row[data-device="mep_a1"]');
  expect(await row.getByTestId('installed').textContent()).toBe('1.0.0');
  await row.getByTestId('available').getByText('Update available').waitFor();
  const select = row.locator('select');
  expect(await select.locator('option:checked').textContent()).toContain('1.2.0 (newer)');
  await row.getByRole('button', { name: 'Update', exact: true }).click();
  const notice = updates.locator('.notice');
  await notice.getByText('started for House meter').waitFor();
  const rollout = t.rollouts.list().at(-1)!;
  expect(rollout.devices.map((d) => d.deviceId)).toEqual(['mep_a1']);

  const progress = updates.locator(`[data-rollout="${rollout.id}"] tr[data-device="mep_a1"]`);
  await progress.getByText('House meter').waitFor();
  t.rollouts.advance(rollout.id, 'mep_a1', 'downloading', 40);
  await progress.locator('.percent').getByText('40 %').waitFor();
  t.rollouts.advance(rollout.id, 'mep_a1', 'trial', 100);
  await progress.locator('.status').getByText('on trial').waitFor();
  t.rollouts.advance(rollout.id, 'mep_a1', 'done', 100);
  await progress.locator('.status').getByText('confirmed').waitFor();
  expect(await progress.locator('.percent').count()).toBe(0);

  // A second one that the bridge rolls back: the reason is shown, no 100 %.
  await row.getByRole('button', { name: 'Update', exact: true }).click();
  const second = t.rollouts.list().at(-1)!;
  expect(second.id).not.toBe(rollout.id);
  const r2 = updates.locator(`[data-rollout="${second.id}"] tr[data-device="mep_a1"]`);
  t.rollouts.advance(second.id, 'mep_a1', 'trial', 100);
  t.rollouts.fail(second.id, 'mep_a1', 'rolled back: 1.2.0 never became healthy');
  await r2.locator('.status').getByText('rolled back').waitFor();
  await r2.locator('.reason').getByText('1.2.0 never became healthy').waitFor();
  expect(await r2.getByText('100 %').count()).toBe(0);
  // The "started" notice goes away by itself.
  await notice.getByText('started').waitFor({ state: 'detached', timeout: 12000 });
}), 60000);

test('a downgrade needs a confirmation; without it nothing is started', () => flow(page, SUITE, '7-downgrade', async () => {
  const updates = page.locator('mep-updates');
  await updates.locator('input[type="file"]').setInputFiles(binFile('0.9.0'));
  await updates.getByRole('button', { name: 'Upload' }).click();
  await updates.locator('.catalog').getByText('firmware-0.9.0.bin').waitFor();
  const row = updates.locator('tr.meter-row[data-device="mep_b2"]');
  const select = row.locator('select');
  const older = select.locator('option', { hasText: '0.9.0' });
  expect(await older.textContent()).toContain('older: downgrade');
  await select.selectOption({ value: (await older.getAttribute('value')) as string });
  const count = t.rollouts.list().length;
  await row.getByRole('button', { name: 'Update', exact: true }).click();
  const confirm = row.getByTestId('confirm-downgrade');
  await confirm.getByText('Garage runs 1.0.0').waitFor();
  expect(t.rollouts.list()).toHaveLength(count);
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  expect(await row.getByTestId('confirm-downgrade').count()).toBe(0);
  await row.getByRole('button', { name: 'Update', exact: true }).click();
  await row.getByRole('button', { name: 'Install 0.9.0 anyway' }).click();
  await updates.locator('.notice').getByText('started for Garage').waitFor();
  expect(t.rollouts.list()).toHaveLength(count + 1);
  expect(t.rollouts.list().at(-1)!.version).toBe('0.9.0');
  expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
}), 60000);

test('Add to Energy dashboard works with Home Assistant and says why not without it', () => flow(page, SUITE, '8-energy', async () => {
  await tab('House meter').click();
  await card().getByRole('button', { name: 'Add to Energy dashboard' }).click();
  await card().locator('.notice').getByText('added to the Energy dashboard').waitFor();
  expect(t.ha.energyCalls).toEqual(['mep_a1']);

  t.ha.current = { available: false, connected: false, reason: 'Not running inside Home Assistant' };
  t.bus.emit('haConnection', { connected: false });
  await page.getByTestId('ha-status').getByText('Not running inside Home Assistant').waitFor();
  expect(await card().getByRole('button', { name: 'Add to Energy dashboard' }).isDisabled()).toBe(true);
  await card().getByText('Not running inside Home Assistant').first().waitFor();
}), 60000);

test('energy today and this month, the hour\'s average and the month\'s peak hours; "—" when unknown or not sent', () => flow(page, SUITE, '9-usage', async () => {
  await tab('Garage').click();
  const usage = card().locator('mep-usage');
  const cell = (key: string): ReturnType<Page['locator']> => usage.locator(`[data-usage="${key}"]`);
  // An add-on without the usage field (older): every figure says "—".
  await cell('today-import').waitFor();
  for (const key of ['today-import', 'today-export', 'month-import', 'month-export', 'hour', 'quarter-hour']) expect(await cell(key).textContent()).toBe('—');
  expect(await usage.getByTestId('peaks').textContent()).toBe('—');

  // The registry's view with usage (MeterView.usage, addon/src/usage); some members still unknown.
  const usageView = {
    today: { importKwh: 3.456, exportKwh: null }, month: { importKwh: 120.5, exportKwh: 4.25 }, quarterHourW: 820, hourW: 640.4,
    monthPeaks: [
      { hour: '2026-12-02T18:00:00+01:00', w: 3520 },
      { hour: '2026-12-01T07:00:00+01:00', w: 2980.6, estimated: true },
      { hour: '2026-12-03T23:00:00+01:00', w: 2400 },
    ],
    monthPeakDays: [
      { hour: '2026-12-02T18:00:00+01:00', w: 3520 },
      { hour: '2026-12-01T07:00:00+01:00', w: 2980.6, estimated: true },
      { hour: '2026-12-03T23:00:00+01:00', w: 2400 },
    ],
  };
  t.registry.patch('mep_b2', { usage: usageView } as Partial<MeterView>);
  await cell('today-import').getByText('3.46 kWh').waitFor();
  expect(await cell('today-export').textContent()).toBe('—');
  expect(await cell('month-import').textContent()).toBe('120.50 kWh');
  expect(await cell('month-export').textContent()).toBe('4.25 kWh');
  expect(await cell('hour').textContent()).toBe('640 W');
  expect(await cell('quarter-hour').textContent()).toBe('820 W');
  const peak = (n: number): ReturnType<Page['locator']> => usage.locator(`li[data-peak="${n}"]`);
  expect(await peak(1).textContent()).toMatch(/2 Dec, 18:00–19:00\s*3520 W/);
  expect(await peak(2).textContent()).toMatch(/1 Dec, 07:00–08:00 \(estimated\)\s*2981 W/);
  expect(await peak(3).textContent()).toMatch(/3 Dec, 23:00–00:00\s*2400 W/);
  expect(await cell('peak-days').textContent()).toBe('2967 W'); // (3520 + 2980.6 + 2400) / 3
  expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);

  // Null when the add-on knows nothing yet (a new meter, or after a restart before the first reading).
  t.registry.patch('mep_b2', { usage: null } as unknown as Partial<MeterView>);
  await cell('today-import').getByText('—').waitFor();
  expect(await usage.getByTestId('peaks').textContent()).toBe('—');
  t.registry.patch('mep_b2', { usage: { ...usageView, monthPeaks: [], monthPeakDays: [] } } as Partial<MeterView>);
  await usage.getByText('No complete hour this month yet.').waitFor();
  // What the backfill did (MeterView.backfill, addon/src/backfill): said under the figures; nothing without it.
  expect(await card().getByTestId('backfill').count()).toBe(0);
  t.registry.patch('mep_b2', { backfill: { filledHours: 14, lastRun: Date.now(), message: 'filled 14 h from the meter\'s memory' } } as Partial<MeterView>);
  await card().getByTestId('backfill').waitFor();
  expect(await card().getByTestId('backfill').textContent()).toBe('Home Assistant\'s history: filled 14 h from the meter\'s memory');
  // The newest outage in the meter's log (MeterView.lastOutage, addon/src/outages): a line there too; none while null.
  t.registry.patch('mep_b2', { lastOutage: null } as Partial<MeterView>);
  expect(await card().getByTestId('last-outage').count()).toBe(0);
  t.registry.patch('mep_b2', { lastOutage: { start: '2026-12-01T13:02:00+00:00', end: '2026-12-01T13:39:00+00:00', durationS: 2220, text: '2026-12-01 14:02–14:39 (37 min)' } } as Partial<MeterView>);
  await card().getByTestId('last-outage').waitFor();
  expect(await card().getByTestId('last-outage').textContent()).toBe('Last power outage: 2026-12-01 14:02–14:39 (37 min)');
  await tab('House meter').click();
}), 60000);

test('accessibility: axe-core finds no serious or critical violation, light and dark, meter and updates', () => flow(page, SUITE, '10-axe', async () => {
  const found: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const name of ['House meter', /Updates/] as const) {
      await tab(name).click();
      await page.waitForTimeout(200);
      for (const v of await seriousViolations(page)) found.push(`${scheme} ${String(name)}: ${v.id} (${v.impact}) ${v.help}\n  ${v.nodes.join('\n  ')}`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  expect(found).toEqual([]);
}), 120000);

test('dark mode on a desktop: dark cards and dark dropdowns, meter beside chart', async () => {
  const desktop = await context.newPage();
  await desktop.setViewportSize({ width: 1280, height: 900 });
  await desktop.emulateMedia({ colorScheme: 'dark' });
  await flow(desktop, SUITE, '11-dark-desktop', async () => {
    await desktop.goto(url + '#updates');
    const select = desktop.locator('mep-updates tr.meter-row select').first();
    await select.waitFor();
    // Runs in the page (the Node side has no DOM types, hence globalThis).
    const colours = await select.evaluate((el) => {
      const s = (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string; colorScheme: string } }).getComputedStyle(el);
      return { bg: s.backgroundColor, scheme: s.colorScheme };
    });
    expect(colours.bg).toBe('rgb(28, 28, 28)');
    expect(colours.scheme).toContain('dark');
    await desktop.getByRole('tab', { name: 'House meter' }).click();
    await desktop.locator('mep-meter-card [data-testid="chart"]').waitFor();
    expect(await desktop.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
  });
  await desktop.close();
}, 60000);

test('everything the page loaded went through the ingress prefix', () => {
  expect(requestedUrls.length).toBeGreaterThan(5);
  for (const u of requestedUrls) expect(new URL(u).pathname.startsWith(`${PREFIX}/`)).toBe(true);
});
