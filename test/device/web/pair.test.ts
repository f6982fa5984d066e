// Pairing on the module's web server (issue 11; device/src/web/pair.ts, device/src/security/pairing.ts) against the add-on's real pairing client
// (addon/src/pairing/pair-client.ts) with its fetch routed into the device's server: the code is shown only behind the
// login, a wrong code or no open window stores nothing on the add-on, the right code hands over exactly the secret
// the module keeps (mep.sec) with the add-on's download host, answers are limited per window, a second host is
// refused, unpair forgets the secret; the code and the secret never reach the log.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pairModule } from '../../../addon/src/pairing/pair-client';
import { SecretStore } from '../../../addon/src/pairing/secret-store';
import { SECRET_FILE, WINDOW_FILE } from '../../../device/src/security/store';
import { createDirectModules } from '../../../device/src/lazy/direct';
import { call, securedDevice, TestBrowser, TestDevice } from './harness';

const DEVICE = 'mep_240ac4123456';
const OTA_HOST = '192.168.1.20';

let dir: string;
let secrets: SecretStore;
let dev: TestDevice;
let browser: TestBrowser;

/** The add-on's fetch, answered by the device's web server in-process. */
const fetchInto = (d: TestDevice): typeof fetch => (async (url: string | URL | Request, init?: RequestInit) => {
  const u = new URL(String(url));
  const r = await call(d.server, String(init?.method ?? 'GET'), u.pathname, { 'Content-Type': 'application/json' }, String(init?.body ?? ''));
  return new Response(r.text, { status: r.status });
}) as typeof fetch;

const pair = (code: string, otaHost = OTA_HOST) => pairModule({ deviceId: DEVICE, address: '192.168.1.50', code, otaHost }, { secrets, fetch: fetchInto(dev) });
const stored = (name: string) => (dev.files.has(name) ? Buffer.from(dev.files.get(name)!).toString('latin1') : null);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mep-pair-'));
  secrets = new SecretStore(SecretStore.fileIn(dir));
  dev = await securedDevice();
  const hal = dev.ctx.hal as unknown as { wifi: Record<string, unknown>; clock: Record<string, unknown>; modules: unknown };
  hal.modules = createDirectModules();
  hal.wifi.mac = () => '24:0a:c4:12:34:56';
  hal.wifi.rssi = () => -60;
  hal.clock.now = () => dev.clock.now;
  browser = new TestBrowser(dev.server);
  await browser.login('admin', 'login-secret-4711');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('the code is shown only to a logged-in user; the add-on cannot pair before "Pair" is pressed', async () => {
  const anonymous = new TestBrowser(dev.server);
  await anonymous.open();
  expect((await anonymous.req('GET', '/api/pairing')).status).toBe(401);
  expect((await anonymous.req('POST', '/api/pairing')).status).toBe(401);
  expect((await call(dev.server, 'POST', '/api/pairing')).status).toBe(403); // no session, no CSRF token
  expect(await pair('7KQ2-M9XD')).toEqual({ ok: false, error: expect.stringContaining('not waiting to be paired') });
  expect((await browser.req('GET', '/api/pairing')).json).toEqual({ paired: false, host: null, code: null, expires_s: null });
  expect(secrets.secretOf(DEVICE)).toBeNull();
});

test('pairing with the code: the add-on gets exactly the module\'s secret; a wrong code stores nothing', async () => {
  const opened = await browser.req('POST', '/api/pairing');
  expect(opened.status).toBe(200);
  const code = opened.json.code as string;
  expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  expect((await browser.req('GET', '/api/pairing')).json).toMatchObject({ paired: false, code, expires_s: 600 });
  const wrong = code.charAt(0) === '7' ? '8' + code.substring(1) : '7' + code.substring(1);
  expect(await pair(wrong)).toMatchObject({ ok: false, error: expect.stringContaining('does not match the code') });
  expect(secrets.secretOf(DEVICE)).toBeNull();
  expect(await pair(code.toLowerCase())).toEqual({ ok: true });
  const [hex, host] = stored(SECRET_FILE)!.split(' ');
  expect(secrets.secretOf(DEVICE)!.toString('hex')).toBe(hex);
  expect(host).toBe(OTA_HOST);
  expect((await browser.req('GET', '/api/pairing')).json).toMatchObject({ paired: true, host: OTA_HOST });
  // The window gave 3 answers (the wrong code's included): then it is closed.
  expect(await pair(code)).toEqual({ ok: true });
  expect(await pair(code)).toMatchObject({ ok: false, error: expect.stringContaining('not waiting') });
  const all = dev.logs.join('\n');
  expect(all).not.toContain(hex);
  expect(all).not.toContain(code.replace('-', ''));
});

test('another host cannot take over an answered window; the window expires; unpair forgets the secret', async () => {
  const code = (await browser.req('POST', '/api/pairing')).json.code as string;
  expect(await pair(code)).toEqual({ ok: true });
  const attacker = await call(dev.server, 'POST', '/api/pair', { 'Content-Type': 'application/json' }, JSON.stringify({ nonce: '00'.repeat(16), host: '10.6.6.6' }));
  expect(attacker.status).toBe(409);
  expect(stored(SECRET_FILE)!.split(' ')[1]).toBe(OTA_HOST);
  const bad = await call(dev.server, 'POST', '/api/pair', {}, JSON.stringify({ nonce: 'xyz', host: OTA_HOST }));
  expect(bad.status).toBe(400);
  dev.clock.now += 600001;
  expect(await pair(code)).toMatchObject({ ok: false, error: expect.stringContaining('not waiting') });
  expect(stored(WINDOW_FILE)).toBeNull();
  expect((await browser.req('POST', '/api/unpair')).json).toEqual({ paired: false });
  expect(stored(SECRET_FILE)).toBeNull();
});

test('pressing "Pair" again gives a new secret only once the add-on has been answered', async () => {
  const first = (await browser.req('POST', '/api/pairing')).json.code as string;
  expect(await pair(first)).toEqual({ ok: true });
  const s1 = stored(SECRET_FILE);
  await browser.req('POST', '/api/pairing');
  expect(stored(SECRET_FILE)).toBe(s1); // an unanswered window leaves the pairing as it was
  const second = (await browser.req('GET', '/api/pairing')).json.code as string;
  expect(await pair(second)).toEqual({ ok: true });
  expect(stored(SECRET_FILE)).not.toBe(s1);
  expect(secrets.secretOf(DEVICE)!.toString('hex')).toBe(stored(SECRET_FILE)!.split(' ')[0]);
});
