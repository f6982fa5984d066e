// The panel's Pair button end to end, in Chromium (Debian package, driven by playwright-core), on the whole product
// as `npm start` runs it (test/helpers/product.ts): the add-on in local mode and the PRODUCTION firmware on the Node
// host. Local mode pairs its module by itself; the owner unpairs it in the panel (after a confirmation) and sees
// "Not paired: commands are unsigned", and the module, still holding its secret, refuses the panel's unsigned restart.
// Then the owner opens the module's own setup page (its login, the web pages from /recovery), presses "Pair with
// Home Assistant", types a wrong code in the panel (refused in plain words), then the code the page shows: paired,
// and the key the panel sends now (signed, encrypted) is accepted. axe-core finds no serious violation in the
// pairing views. Every flow leaves a screenshot in .tmp/screenshots/panel-pairing/ (…-FAILED.png when it failed).
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { packWwws, wwwsFilesFromDir } from '../../ota/pack';
import { flow, launchChromium, seriousViolations } from '../helpers/browser';
import { pageText } from '../helpers/page-text';
import { Product, startProduct } from '../helpers/product';

const SUITE = 'panel-pairing';
const KEY = 'Hq4#Vb8$Nc2!Jd6%Ke1&';
const LOGIN = { user: 'owner', password: 'owner-pass-456' };
const dir = mkdtempSync(join(tmpdir(), 'mep-panel-pairing-'));

let product: Product;
let browser: Browser;
let context: BrowserContext;
let panel: Page;
let device: Page;
let code = '';
const responses: Promise<string>[] = [];

beforeAll(async () => {
  product = await startProduct({ args: ['--meter-key', KEY, '--device-key', KEY] });
  browser = await launchChromium();
  // bypassCSP: axe-core is injected as an inline script, which the panel's CSP refuses (and should).
  context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
  panel = await context.newPage();
  device = await context.newPage();
  for (const p of [panel, device]) {
    p.on('response', (r) => {
      if (!(r.headers()['content-type'] ?? '').startsWith('text/event-stream')) responses.push(r.text().catch(() => ''));
    });
  }
  await panel.goto(product.panelUrl + '/');
}, 180000);

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

const card = (): ReturnType<Page['locator']> => panel.locator('mep-meter-card');

test('local mode starts paired; Unpair asks first, then the meter shows "Not paired: commands are unsigned"', () => flow(panel, SUITE, '1-unpair', async () => {
  const status = card().locator('mep-pairing [data-testid="pairing"]');
  await status.getByText('Paired').waitFor({ timeout: 90000 });
  expect(await status.getAttribute('data-paired')).toBe('true');
  await card().getByRole('button', { name: 'Unpair' }).click();
  const confirm = card().getByTestId('confirm-unpair');
  await confirm.getByText('Unpair this module?').waitFor();
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  expect(await card().getByTestId('confirm-unpair').count()).toBe(0);
  expect(await status.getAttribute('data-paired')).toBe('true');

  await card().getByRole('button', { name: 'Unpair' }).click();
  await card().getByTestId('confirm-unpair').getByRole('button', { name: 'Unpair' }).click();
  const problem = card().locator('li[data-code="not-paired"]');
  await problem.getByText('Not paired: commands are unsigned').waitFor({ timeout: 10000 });
  expect(await problem.locator('mep-pairing [data-testid="pairing"]').getAttribute('data-paired')).toBe('false');
  expect(await card().getByTestId('health').getAttribute('data-level')).not.toBe('ok');
  // The module still holds its secret: the add-on's unsigned restart is refused by it, not executed.
  await card().getByRole('button', { name: 'Restart', exact: true }).click();
  await card().locator('.notice').getByText('unsigned').waitFor({ timeout: 30000 });
  expect(await panel.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
}), 150000);

test('the module\'s setup page shows the code after "Pair with Home Assistant"', () => flow(device, SUITE, '2-module-code', async () => {
  // A fresh module: create its login and install its web pages on /recovery (DOCS.md "The module's own pages").
  await device.goto(`${product.deviceUrl}/recovery`);
  await device.locator('#LT').filter({ hasText: 'No login is set yet' }).waitFor({ timeout: 30000 });
  await device.fill('#u', LOGIN.user);
  await device.fill('#p', LOGIN.password);
  await device.click('#L button');
  await device.locator('#R').waitFor();
  const bundle = join(dir, 'update.wwws');
  writeFileSync(bundle, packWwws(wwwsFilesFromDir(join(__dirname, '../../device/www'), { gzip: true })));
  await device.setInputFiles('#F', bundle);
  await device.click('#U');
  await device.locator('#m').filter({ hasText: 'Installed' }).waitFor({ timeout: 30000 });

  await device.goto(`${product.deviceUrl}/setup.html`);
  await device.locator('#pairing').filter({ hasText: /Paired|Not paired/ }).waitFor({ timeout: 20000 });
  await device.click('#pair');
  const text = device.locator('#pairing').filter({ hasText: 'press Pair on this meter and type' });
  await text.waitFor({ timeout: 20000 });
  code = /type ([0-9A-Z]{4}-[0-9A-Z]{4})/.exec((await text.textContent()) ?? '')?.[1] ?? '';
  expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
}), 120000);

test('Pair in the panel: a wrong code is refused in plain words; the code the module shows pairs it', () => flow(panel, SUITE, '3-pair', async () => {
  const problem = card().locator('li[data-code="not-paired"]');
  const form = problem.locator('mep-pairing');
  await form.getByRole('button', { name: 'Pair', exact: true }).click();
  const input = form.locator('input[name="code"]');
  await input.fill('12');
  await form.getByRole('button', { name: 'Pair', exact: true }).click();
  await form.locator('.field-error').getByText('8 letters and digits').waitFor();

  // A well-formed code that is not the module's: the module's answer does not match it.
  const wrong = code.replace(/^./, (c) => (c === '7' ? '8' : '7'));
  await input.fill(wrong);
  await form.getByRole('button', { name: 'Pair', exact: true }).click();
  await form.locator('.field-error').getByText('wrong code').waitFor({ timeout: 20000 });
  expect(await input.inputValue()).toBe(wrong);

  await input.fill(code.toLowerCase());
  await form.getByRole('button', { name: 'Pair', exact: true }).click();
  await card().locator('li[data-code="not-paired"]').waitFor({ state: 'detached', timeout: 20000 });
  const status = card().locator('mep-pairing [data-testid="pairing"]');
  expect(await status.getAttribute('data-paired')).toBe('true');
  // The module says so on its own page too.
  await device.reload();
  await device.locator('#pairing').filter({ hasText: 'Paired: only your add-on can command this module.' }).waitFor({ timeout: 20000 });
}), 90000);

test('after pairing, a command from the panel is signed and the module accepts it', () => flow(panel, SUITE, '4-signed-command', async () => {
  const form = card().locator('mep-settings-form ~ mep-key-form');
  await form.locator('input[name="key"]').fill(KEY);
  await form.getByRole('button', { name: 'Send key' }).click();
  const notice = form.locator('.notice');
  await notice.getByText('key sent').waitFor({ timeout: 30000 });
  expect(await notice.textContent()).not.toMatch(/refused|bridge said/);
  await card().getByTestId('health').getByText('Online').waitFor({ timeout: 60000 });
}), 90000);

test('accessibility: axe-core finds no serious or critical violation in the pairing views, light and dark', () => flow(panel, SUITE, '5-axe', async () => {
  const found: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await panel.emulateMedia({ colorScheme: scheme });
    await card().getByRole('button', { name: 'Unpair' }).click();
    await card().getByTestId('confirm-unpair').waitFor();
    for (const v of await seriousViolations(panel)) found.push(`${scheme}: ${v.id} (${v.impact}) ${v.help}\n  ${v.nodes.join('\n  ')}`);
    await card().getByTestId('confirm-unpair').getByRole('button', { name: 'Cancel' }).click();
    await card().getByRole('button', { name: 'Pair again' }).click();
    await card().locator('mep-pairing input[name="code"]').waitFor();
    for (const v of await seriousViolations(panel)) found.push(`${scheme}: ${v.id} (${v.impact}) ${v.help}\n  ${v.nodes.join('\n  ')}`);
    await card().locator('mep-pairing').getByRole('button', { name: 'Cancel' }).click();
  }
  await panel.emulateMedia({ colorScheme: 'light' });
  expect(found).toEqual([]);
}), 60000);

test('the code, the key and the login never appear in a page, a response or the log', async () => {
  const bodies = (await Promise.all(responses)).join('\n');
  for (const secret of [KEY, LOGIN.password]) {
    expect(bodies).not.toContain(secret);
    expect(product.output()).not.toContain(secret);
  }
  expect(await pageText(panel)).not.toContain(code);
  expect(product.output()).not.toContain(code);
  expect(product.output()).not.toContain(code.replace('-', ''));
});
