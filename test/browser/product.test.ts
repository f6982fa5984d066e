// The whole product as `npm start` runs it (test/helpers/product.ts: node bin/mep.js start on free ports), opened in
// Chromium (Debian package, driven by playwright-core) the way a newcomer would: the simulated meter appears, the
// device starts with the wrong MBK key and says so in plain words, the user enters the right key in the panel and
// readings arrive; a .wwws is uploaded; the simulated device's firmware is updated through the add-on and reports the
// new version. No page, response or log line contains the key.
import { existsSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Browser, chromium, Page } from 'playwright-core';
import { packBin, packWwws } from '../../ota/pack';
import { pageText } from '../helpers/page-text';
import { startProduct, Product } from '../helpers/product';
import { bundleAsVersion } from '../integration/ota-rig';

const CHROMIUM = '/usr/bin/chromium';
const METER_KEY = 'Pq7#Lm2$Zx9!Rt5%Wv3&';
const WRONG_KEY = 'WRONGKEY-not-the-mbk';
const dir = mkdtempSync(join(tmpdir(), 'mep-product-ui-'));

let product: Product;
let browser: Browser;
let page: Page;
const responses: Promise<string>[] = [];

beforeAll(async () => {
  expect(existsSync(CHROMIUM)).toBe(true); // required: fails, never skips, without Chromium
  product = await startProduct({ args: ['--meter-key', METER_KEY, '--device-key', WRONG_KEY] });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
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

test('the simulated meter appears with a wrong-key problem; entering the right key brings readings', async () => {
  const card = page.locator('mep-meter-card');
  await card.locator('li[data-code="wrong-key"]').waitFor({ timeout: 90000 });
  expect(await card.locator('[data-key="energy_import"]').count()).toBe(0);

  await card.locator('summary', { hasText: 'Settings' }).click();
  const input = card.locator('mep-key-form input[name="key"]');
  await input.fill(METER_KEY);
  await card.getByRole('button', { name: 'Send key' }).click();
  await card.locator('mep-key-form .notice').getByText('key sent').waitFor({ timeout: 30000 });

  await card.locator('[data-key="energy_import"]').getByText(/kWh/).waitFor({ timeout: 90000 });
  await card.locator('[data-testid="link"]').getByText('Online').waitFor({ timeout: 30000 });
  expect(await card.locator('li[data-code="wrong-key"]').count()).toBe(0);
}, 240000);

test('a .wwws uploaded in the panel lands in the firmware catalog', async () => {
  const file = join(dir, 'pages-9.wwws');
  writeFileSync(file, packWwws([{ name: 'www_index.html', data: new TextEncoder().encode('<h1>meter pages 9</h1>') }]));
  const section = page.locator('mep-firmware-section');
  await section.locator('input[type="file"]').setInputFiles(file);
  await section.getByRole('button', { name: 'Upload' }).click();
  await section.locator('.catalog').getByText('pages-9.wwws').waitFor({ timeout: 30000 });
}, 60000);

test('updating the simulated device to a newer firmware through the panel: the device reports the new version', async () => {
  const card = page.locator('mep-meter-card');
  const running = (await card.locator('[data-testid="firmware"]').textContent())?.trim();
  expect(running).toMatch(/^\d+\.\d+\.\d+/);
  // The running bundle as if built with version 9.9.9 (its version literal differs), packed like npm run build does.
  const file = join(dir, 'firmware-9.9.9.bin');
  writeFileSync(file, packBin(await bundleAsVersion('9.9.9'), { firmwareVersion: '9.9.9', buildId: 'e2e', board: 'esp32' }));
  const section = page.locator('mep-firmware-section');
  await section.locator('input[type="file"]').setInputFiles(file);
  await section.getByRole('button', { name: 'Upload' }).click();
  await section.locator('.catalog').getByText('firmware-9.9.9.bin').waitFor({ timeout: 30000 });

  const select = card.locator('select[name="entry"]');
  const option = select.locator('option', { hasText: '9.9.9' });
  await select.selectOption({ value: (await option.getAttribute('value')) as string });
  await card.getByRole('button', { name: 'Update this meter' }).click();
  await card.locator('[data-testid="firmware"]').getByText('9.9.9').waitFor({ timeout: 180000 });
  await card.locator('[data-key="energy_import"]').getByText(/kWh/).waitFor({ timeout: 90000 });
}, 300000);

test('no page, response or log line contains the MBK key', async () => {
  expect(await pageText(page)).not.toContain(METER_KEY);
  const bodies = (await Promise.all(responses)).join('\n');
  expect(bodies).not.toContain(METER_KEY);
  expect(bodies).not.toContain(WRONG_KEY);
  expect(product.output()).not.toContain(METER_KEY);
  expect(product.output()).not.toContain(WRONG_KEY);
});
