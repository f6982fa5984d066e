// The whole product as `npm start` runs it (test/helpers/product.ts: node bin/mep.js start on free ports), opened in
// Chromium (Debian package, driven by playwright-core) the way a newcomer would: the simulated meter appears, the
// device starts with the wrong MBK key and says so in plain words, the user enters the right key in the panel and
// readings arrive; a .wwws is uploaded; the simulated device's firmware is updated through the add-on and reports the
// new version. No page, response or log line contains the key.
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Browser, Page } from 'playwright-core';
import { packBin, packWwws } from '../../ota/pack';
import { flow, launchChromium } from '../helpers/browser';
import { pageText } from '../helpers/page-text';
import { startProduct, Product } from '../helpers/product';
import { bundleAsVersion } from '../integration/ota-rig';

const SUITE = 'product';
const METER_KEY = 'Pq7#Lm2$Zx9!Rt5%Wv3&';
const WRONG_KEY = 'WRONGKEY-not-the-mbk';
const dir = mkdtempSync(join(tmpdir(), 'mep-product-ui-'));

let product: Product;
let browser: Browser;
let page: Page;
const responses: Promise<string>[] = [];

beforeAll(async () => {
  product = await startProduct({ args: ['--meter-key', METER_KEY, '--device-key', WRONG_KEY] });
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('response', (r) => {
    if (!(r.headers()['content-type'] ?? '').startsWith('text/event-stream')) responses.push(r.text().catch(() => ''));
  });
  await page.goto(product.panelUrl + '/');
}, 180000);

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

test('the simulated meter appears with a red wrong-key problem; the right key entered there brings readings and the chart', () => flow(page, SUITE, '1-wrong-key-to-readings', async () => {
  const card = page.locator('mep-meter-card');
  const problem = card.locator('li[data-code="wrong-key"]');
  await problem.waitFor({ timeout: 90000 });
  expect(await card.getByTestId('health').getAttribute('data-level')).toBe('error');
  expect(await card.locator('[data-key="energy_import"]').count()).toBe(0);

  const form = problem.locator('mep-key-form');
  await form.locator('input[name="key"]').fill(METER_KEY);
  await form.getByRole('button', { name: 'Send key' }).click();
  await form.locator('.notice').getByText('key sent').waitFor({ timeout: 30000 });

  await card.locator('[data-key="energy_import"]').getByText(/kWh/).waitFor({ timeout: 90000 });
  await card.locator('[data-testid="link"]').getByText('Online').waitFor({ timeout: 30000 });
  await card.getByTestId('health').getByText('Online').waitFor({ timeout: 30000 });
  expect(await card.locator('li[data-code="wrong-key"]').count()).toBe(0);
  await card.locator('mep-power-chart [data-testid="chart"]').waitFor({ timeout: 30000 });
}), 240000);

test('a .wwws uploaded in the panel lands in the firmware catalog', () => flow(page, SUITE, '2-upload-wwws', async () => {
  await page.getByRole('tab', { name: /Updates/ }).click();
  const file = join(dir, 'pages-9.wwws');
  writeFileSync(file, packWwws([{ name: 'www_index.html', data: new TextEncoder().encode('<h1>meter pages 9</h1>') }]));
  const section = page.locator('mep-updates');
  await section.locator('input[type="file"]').setInputFiles(file);
  await section.getByRole('button', { name: 'Upload' }).click();
  await section.locator('.catalog').getByText('pages-9.wwws').waitFor({ timeout: 30000 });
}), 60000);

test('updating the simulated device to a newer firmware through the panel: on trial, then confirmed, and the device reports it', () => flow(page, SUITE, '3-update-confirmed', async () => {
  const section = page.locator('mep-updates');
  const row = section.locator('tr.meter-row');
  const running = (await row.getByTestId('installed').textContent())?.trim();
  expect(running).toMatch(/^\d+\.\d+\.\d+/);
  // The running bundle as if built with version 9.9.9 (its version literal differs), packed like npm run build does.
  const file = join(dir, 'firmware-9.9.9.bin');
  writeFileSync(file, packBin(await bundleAsVersion('9.9.9'), { firmwareVersion: '9.9.9', buildId: 'e2e', board: 'esp32' }));
  await section.locator('input[type="file"]').setInputFiles(file);
  await section.getByRole('button', { name: 'Upload' }).click();
  await section.locator('.catalog').getByText('firmware-9.9.9.bin').waitFor({ timeout: 30000 });

  await row.getByText('Update available').waitFor({ timeout: 30000 });
  // The newest firmware is what the list starts on.
  expect(await row.locator('select option:checked').textContent()).toContain('9.9.9 (newer)');
  await row.getByRole('button', { name: 'Update', exact: true }).click();
  const status = section.locator('[data-rollout] tr[data-device] .status').first();
  await status.getByText('on trial').waitFor({ timeout: 180000 });
  await row.getByTestId('installed').getByText('9.9.9').waitFor({ timeout: 60000 });
  await status.getByText('confirmed').waitFor({ timeout: 180000 });
  await page.getByRole('tab').first().click();
  await page.locator('mep-meter-card [data-key="energy_import"]').getByText(/kWh/).waitFor({ timeout: 90000 });
}), 300000);

test('no page, response or log line contains the MBK key', async () => {
  expect(await pageText(page)).not.toContain(METER_KEY);
  const bodies = (await Promise.all(responses)).join('\n');
  expect(bodies).not.toContain(METER_KEY);
  expect(bodies).not.toContain(WRONG_KEY);
  expect(product.output()).not.toContain(METER_KEY);
  expect(product.output()).not.toContain(WRONG_KEY);
});
