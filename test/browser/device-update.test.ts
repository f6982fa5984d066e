// Firmware update from the device's own /recovery page in Chromium (issue 4 "Tests and figures"): the PRODUCTION
// bundle flashed with the boot loader on the Node host; a .bin of a newer version is uploaded with the progress bar,
// the device answers, reboots into it, and after logging in again (sessions live in RAM) the page shows the new
// version. A damaged .bin is refused with a clear message and the running version stays.
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Browser, chromium, Page } from 'playwright-core';
import { buildBootLoader } from '../../device/build/artefacts';
import { HostHandle, startHost } from '../../device/sim/host';
import { packBin } from '../../ota/pack';
import { Broker, startAedes } from '../helpers/brokers';
import { productionBundle } from '../device/host/helpers';
import { devicePort } from '../helpers/host-http';

const LOGIN = { user: 'owner', password: 'owner-pass-123' };
const dir = mkdtempSync(join(tmpdir(), 'mep-update-'));
let broker: Broker;
let host: HostHandle;
let browser: Browser;
let page: Page;
let base: string;
let current = '';

/** The production bundle re-versioned, packed as a .bin. */
function firmwareBin(bundle: string, version: string): string {
  const code = readFileSync(bundle, 'latin1').split(`"${current}"`).join(`"${version}"`);
  const path = join(dir, `firmware-${version}.bin`);
  writeFileSync(path, packBin(new Uint8Array(Buffer.from(code, 'latin1')), { firmwareVersion: version, buildId: 'test', board: 'auto' }));
  return path;
}

async function logIn(): Promise<void> {
  await page.locator('#L').waitFor();
  await page.fill('#u', LOGIN.user);
  await page.fill('#p', LOGIN.password);
  await page.click('#L button');
  await page.locator('#R').waitFor();
}

let bundle = '';
beforeAll(async () => {
  bundle = await productionBundle();
  current = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')).version;
  const loader = join(dir, 'boot.js');
  await buildBootLoader(loader);
  broker = await startAedes();
  host = await startHost({
    bundlePath: bundle,
    loaderPath: loader,
    settings: { wifi: { ssid: 'home', password: 'wifi-secret-xyz1' }, mqtt: { host: '127.0.0.1', port: broker.port } },
    wifi: { mac: '24:0a:c4:00:00:78' },
  });
  base = `http://127.0.0.1:${await devicePort(host)}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  page = await browser.newPage();
}, 90000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await broker?.stop();
});

test('a damaged .bin is refused with a clear message; the running version stays', async () => {
  await page.goto(`${base}/recovery`);
  await logIn(); // creates the first login (station mode)
  expect(await page.textContent('#v')).toBe(current);
  const good = readFileSync(firmwareBin(bundle, '0.9.0'));
  good.writeUInt8(good.readUInt8(good.length - 100) ^ 0xff, good.length - 100);
  const bad = join(dir, 'damaged.bin');
  writeFileSync(bad, good);
  await page.setInputFiles('#F', bad);
  await page.click('#U');
  await page.locator('#m').filter({ hasText: /SHA-256|checksum|damaged|corrupt|verify/i }).waitFor({ timeout: 20000 });
  await page.reload();
  await page.locator('#R').waitFor();
  expect(await page.textContent('#v')).toBe(current);
}, 60000);

test('uploading a newer .bin: progress, answer, reboot, and the new version after logging in again', async () => {
  const boots = host.bootCount;
  await page.setInputFiles('#F', firmwareBin(bundle, '0.9.1'));
  await page.click('#U');
  await page.locator('#m').filter({ hasText: 'Installed 0.9.1: rebooting' }).waitFor({ timeout: 30000 });
  expect(await page.evaluate('document.getElementById("P").value')).toBe(1);
  await host.waitFor('boot', (n: number) => n > boots, 20000);
  await page.goto(`${base.replace(/:\d+$/, '')}:${await devicePort(host)}/recovery`);
  await logIn();
  expect(await page.textContent('#v')).toBe('0.9.1');
}, 60000);
