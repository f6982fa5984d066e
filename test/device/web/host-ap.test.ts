// The web server inside the PRODUCTION bundle on the Node host, in access-point mode (no WiFi configured): the
// WPA2 password of "esp32-mep" is the only gate until a login is set; after that the login is required.
import { HostHandle } from '../../../device/sim/host';
import { boot, productionBundle } from '../host/helpers';

let host: HostHandle;
let base = '';

async function request(method: string, path: string, cookie = '', csrf = '', body?: unknown) {
  const headers: Record<string, string> = {};
  if (cookie) headers.Cookie = cookie;
  if (csrf) headers['X-CSRF-Token'] = csrf;
  const r = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' });
  const set = r.headers.get('set-cookie');
  return { status: r.status, json: (await r.json().catch(() => null)) as any, cookie: set ? set.split(';')[0]! : cookie };
}

beforeAll(async () => {
  host = await boot({ bundlePath: await productionBundle(), settings: {}, wifi: { mac: '24:0a:c4:00:00:79' } });
  for (let i = 0; i < 200 && !host.httpPort(80); i++) await new Promise((r) => setTimeout(r, 50));
  base = `http://127.0.0.1:${host.httpPort(80)}`;
  for (let i = 0; i < 200 && !host.wifi.state().ap; i++) await new Promise((r) => setTimeout(r, 50));
}, 60000);

afterAll(async () => {
  await host.stop();
});

test('AP mode without a login: open through the AP; once a login is set, it is required', async () => {
  expect(host.wifi.state().ap).toBeTruthy();
  const s = await request('GET', '/api/session');
  expect(s.json).toMatchObject({ ap: true, loginSet: false, allowed: true });
  expect((await request('GET', '/api/settings', s.cookie)).status).toBe(200);
  const saved = await request('POST', '/api/settings', s.cookie, s.json.csrf, { name: 'Barn meter', 'login.user': 'me', 'login.password': 'barn-pass-123' });
  expect(saved.status).toBe(200);
  const other = await request('GET', '/api/session');
  expect(other.json).toMatchObject({ ap: true, loginSet: true, allowed: false });
  expect((await request('GET', '/api/settings', other.cookie)).status).toBe(401);
  expect((await request('GET', '/api/settings', saved.cookie)).json.values.name).toBe('Barn meter');
  // no web bundle yet: "/" is the built-in page (built-in-pages.ts), not a redirect to /recovery
  const home = await request('GET', '/');
  expect(home.status).toBe(200);
}, 30000);
