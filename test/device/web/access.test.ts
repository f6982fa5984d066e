// Who may do what on the device's web server (the rules at the top of device/src/web/server.ts), and that no
// secret ever leaves it: issue 4 "Login" and "Security tests".
import fc from 'fast-check';
import { call, SECRETS, securedDevice, TestBrowser, testDevice } from './harness';

const GET_ROUTES = ['/api/readings', '/api/status', '/api/settings', '/api/wifi/scan', '/api/pairing'];
const POST_ROUTES: [string, unknown][] = [
  ['/api/settings', { name: 'Changed' }],
  ['/api/format', { confirm: 'FORMAT', keepSettings: true }],
  ['/api/reboot', {}],
  ['/api/pairing', {}],
  ['/api/unpair', {}],
  ['/api/update', 'x'],
  ['/api/logout', {}],
  ['/api/login', { user: 'admin', password: SECRETS.login }],
];

describe('with a login set', () => {
  test('every API GET needs a logged-in session; the pages themselves are public shells', async () => {
    const dev = await securedDevice();
    const b = new TestBrowser(dev.server);
    await b.open();
    for (const path of GET_ROUTES) expect([path, (await b.req('GET', path)).status]).toEqual([path, 401]);
    expect((await b.req('GET', '/recovery')).status).toBe(200);
    await b.login('admin', SECRETS.login);
    for (const path of GET_ROUTES) expect([path, (await b.req('GET', path)).status]).toEqual([path, 200]);
  });

  test('every state-changing endpoint refuses without a session and without the CSRF token, and changes nothing', async () => {
    const dev = await securedDevice();
    const before = JSON.stringify(dev.settings());
    const filesBefore = [...dev.files.keys()].sort();
    for (const [path, body] of POST_ROUTES) {
      const payload = typeof body === 'string' ? body : JSON.stringify(body);
      // no session at all
      expect([path, (await call(dev.server, 'POST', path, {}, payload)).status]).toEqual([path, 403]);
      // a logged-in session, but no CSRF token / a wrong one
      const b = new TestBrowser(dev.server);
      await b.login('admin', SECRETS.login);
      expect([path, (await call(dev.server, 'POST', path, { Cookie: b.cookie }, payload)).status]).toEqual([path, 403]);
      expect([path, (await call(dev.server, 'POST', path, { Cookie: b.cookie, 'X-CSRF-Token': 'f'.repeat(32) }, payload)).status]).toEqual([path, 403]);
      // the token of another session does not work either
      const other = new TestBrowser(dev.server);
      await other.open();
      expect([path, (await call(dev.server, 'POST', path, { Cookie: b.cookie, 'X-CSRF-Token': other.csrf }, payload)).status]).toEqual([path, 403]);
    }
    expect(JSON.stringify(dev.settings())).toBe(before);
    expect([...dev.files.keys()].sort()).toEqual(filesBefore);
    expect(dev.reboots).toBe(0);
  });

  test('an anonymous session with a valid CSRF token still cannot change anything', async () => {
    const dev = await securedDevice();
    const b = new TestBrowser(dev.server);
    await b.open();
    for (const [path, body] of POST_ROUTES.filter(([p]) => p !== '/api/login' && p !== '/api/logout')) {
      expect([path, (await b.req('POST', path, body)).status]).toEqual([path, 401]);
    }
    expect(dev.settings().name).toBe('MEP meter');
  });

  test('GET never changes state: GETs on the POST endpoints are refused with 405', async () => {
    const dev = await securedDevice();
    const b = new TestBrowser(dev.server);
    await b.login('admin', SECRETS.login);
    for (const [path] of POST_ROUTES.filter(([p]) => p !== '/api/settings' && p !== '/api/pairing')) {
      expect([path, (await b.req('GET', `${path}?confirm=FORMAT&keepSettings=false`)).status]).toEqual([path, 405]);
    }
    expect(dev.reboots).toBe(0);
    expect(dev.settings().login.user).toBe('admin');
  });

  test('routing: a query string does not hide a route, another method on a known path is 405, an unknown POST is 404', async () => {
    const dev = await securedDevice();
    const b = new TestBrowser(dev.server);
    await b.login('admin', SECRETS.login);
    expect((await b.req('GET', '/api/status?x=1')).status).toBe(200);
    expect((await b.req('PUT', '/api/settings', { name: 'Changed' })).status).toBe(405);
    expect((await b.req('DELETE', '/recovery')).status).toBe(405);
    expect((await b.req('POST', '/api/nothing', {})).status).toBe(404);
    expect((await b.req('POST', '/index.html', {})).status).toBe(404);
    expect(dev.settings().name).toBe('MEP meter');
  });

  test('WiFi credentials are not a login, and a wrong password is refused', async () => {
    const dev = await securedDevice();
    const b = new TestBrowser(dev.server);
    expect((await b.login('admin', SECRETS.wifi)).status).toBe(401);
    expect((await b.login('home', SECRETS.wifi)).status).toBe(401);
    expect((await b.login('admin', SECRETS.login)).status).toBe(200);
  });

  test('failed logins are slowed down: after 3 failures even the right password must wait, then works', async () => {
    const dev = await securedDevice();
    const b = new TestBrowser(dev.server);
    for (let i = 0; i < 3; i++) expect((await b.login('admin', 'wrong-password')).status).toBe(401);
    const blocked = await b.login('admin', SECRETS.login);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['Retry-After'])).toBeGreaterThan(0);
    dev.clock.now += 1000;
    expect((await b.login('admin', 'wrong-again')).status).toBe(401);
    dev.clock.now += 1500;
    expect((await b.login('admin', SECRETS.login)).status).toBe(429); // the wait doubled to 2 s
    dev.clock.now += 1000;
    expect((await b.login('admin', SECRETS.login)).status).toBe(200);
    expect((await b.login('admin', 'wrong-password')).status).toBe(401); // success reset the count
  });

  test('login starts a fresh session (no fixation); the cookie is HttpOnly and SameSite=Strict; logout ends it', async () => {
    const dev = await securedDevice();
    const b = new TestBrowser(dev.server);
    await b.open();
    const anonymous = b.cookie;
    const r = await b.req('POST', '/api/login', { user: 'admin', password: SECRETS.login });
    expect(r.headers['Set-Cookie']).toMatch(/HttpOnly/);
    expect(r.headers['Set-Cookie']).toMatch(/SameSite=Strict/);
    expect(b.cookie).not.toBe(anonymous);
    expect((await call(dev.server, 'GET', '/api/status', { Cookie: anonymous })).status).toBe(401);
    expect((await b.req('GET', '/api/status')).status).toBe(200);
    expect((await b.req('POST', '/api/logout', {})).status).toBe(200);
    expect((await b.req('GET', '/api/status')).status).toBe(401);
  });

  test('sessions expire after 30 minutes idle', async () => {
    const dev = await securedDevice();
    const b = new TestBrowser(dev.server);
    await b.login('admin', SECRETS.login);
    dev.clock.now += 29 * 60000;
    expect((await b.req('GET', '/api/status')).status).toBe(200);
    dev.clock.now += 31 * 60000;
    expect((await b.req('GET', '/api/status')).status).toBe(401);
  });
});

describe('before any login is set', () => {
  test('station mode: the only thing allowed is creating the login', async () => {
    const dev = testDevice({ wifi: { ssid: 'home', password: SECRETS.wifi } });
    const b = new TestBrowser(dev.server);
    const s = await b.open();
    expect(s.json).toMatchObject({ loginSet: false, allowed: false, ap: false });
    for (const path of GET_ROUTES) expect([path, (await b.req('GET', path)).status]).toEqual([path, 401]);
    for (const [path, body] of POST_ROUTES.filter(([p]) => p !== '/api/login' && p !== '/api/logout')) {
      expect([path, (await b.req('POST', path, body)).status]).toEqual([path, 401]);
    }
    const weak = await b.req('POST', '/api/login', { user: 'admin', password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.json.fields).toEqual([{ field: 'login.password', message: 'must be 8 to 64 characters' }]);
    expect((await b.req('POST', '/api/login', { user: 'admin', password: SECRETS.login })).status).toBe(200);
    expect((await b.req('GET', '/api/settings')).status).toBe(200);
    // the hash is salted PBKDF2, never the password
    const stored = Buffer.from(dev.files.get('mep.settings.json')!).toString('latin1');
    expect(stored).not.toContain(SECRETS.login);
    expect(dev.settings().login.passwordHash).toMatch(/^p2\$2000\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    // from now on a second "create" is an ordinary, failing login attempt
    const intruder = new TestBrowser(dev.server);
    expect((await intruder.login('intruder', 'intruder-password')).status).toBe(401);
    expect(dev.settings().login.user).toBe('admin');
  });

  test('access-point mode: the WPA2 password is the gate, so the API is open until a login is set', async () => {
    const dev = testDevice({});
    dev.ap.on = true;
    const b = new TestBrowser(dev.server);
    expect((await b.open()).json).toMatchObject({ loginSet: false, allowed: true, ap: true });
    expect((await b.req('GET', '/api/settings')).status).toBe(200);
    expect((await b.req('POST', '/api/settings', { name: 'Cellar', 'login.user': 'me', 'login.password': SECRETS.login })).status).toBe(200);
    // the login now exists: still in AP mode, an anonymous browser is locked out
    const other = new TestBrowser(dev.server);
    expect((await other.open()).json).toMatchObject({ loginSet: true, allowed: false });
    expect((await other.req('GET', '/api/settings')).status).toBe(401);
    expect((await b.req('GET', '/api/settings')).status).toBe(200); // the browser that set it continues
  });
});

describe('no secret in any response', () => {
  test('crawling every route (logged in and not) never returns a secret or the password hash', async () => {
    const dev = await securedDevice();
    const hash = dev.settings().login.passwordHash;
    const seen: string[] = [];
    const crawl = async (b: TestBrowser) => {
      for (const path of ['/', '/recovery', '/index.html', '/api/session', ...GET_ROUTES, '/nope']) {
        const r = await b.req('GET', path);
        seen.push(JSON.stringify(r.headers) + r.text);
      }
      for (const [path, body] of POST_ROUTES.filter(([p]) => p !== '/api/reboot' && p !== '/api/format')) {
        const r = await b.req('POST', path, body);
        seen.push(JSON.stringify(r.headers) + r.text);
      }
      const bad = await b.req('POST', '/api/settings', { 'mqtt.port': 'x', 'wifi.password': 'short', 'meter.key': 'bad' });
      seen.push(bad.text);
    };
    await crawl(new TestBrowser(dev.server));
    const b = new TestBrowser(dev.server);
    await b.login('admin', SECRETS.login);
    await crawl(b);
    const all = seen.join('\n');
    for (const secret of [SECRETS.wifi, SECRETS.mqtt, SECRETS.key, SECRETS.login, hash, hash.split('$')[3]!]) expect(all).not.toContain(secret);
    // the settings view says only whether each secret is set (the crawl logged out: log in again)
    await b.login('admin', SECRETS.login);
    const view = (await b.req('GET', '/api/settings')).json;
    expect(view.secrets).toEqual({ 'login.password': true, 'wifi.password': true, 'mqtt.password': true, 'meter.key': true, 'ap.password': true });
  });

  test('no response body ever contains the session token', async () => {
    const dev = await securedDevice();
    const b = new TestBrowser(dev.server);
    await b.login('admin', SECRETS.login);
    const token = b.cookie.split('=')[1]!;
    for (const path of ['/', '/recovery', '/api/session', ...GET_ROUTES]) expect((await b.req('GET', path)).text).not.toContain(token);
  });
});

describe('any request', () => {
  test('property: random methods, paths, headers and bodies are answered with a status and never change settings', async () => {
    const dev = await securedDevice();
    const before = JSON.stringify(dev.settings());
    const paths = ['/', '/recovery', '/api/session', '/api/login', '/api/logout', '/api/settings', '/api/update', '/api/format', '/api/reboot', '/api/status', '/x/../api/settings', '/%00', '/index.html?a#b'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'get', ''),
        fc.oneof(fc.constantFrom(...paths), fc.string({ maxLength: 40 })),
        fc.dictionary(fc.constantFrom('Cookie', 'X-CSRF-Token', 'Content-Length', 'content-type'), fc.string({ maxLength: 40 })),
        fc.oneof(fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 600 })),
        async (method, path, headers, body) => {
          const r = await call(dev.server, method, path, headers, body);
          expect(r.status).toBeGreaterThanOrEqual(200);
          expect(r.status).toBeLessThan(600);
        },
      ),
      { numRuns: 150 },
    );
    expect(JSON.stringify(dev.settings())).toBe(before);
    expect(dev.reboots).toBe(0);
  });
});

test('property: random login bodies never log in, are answered 400/401/429, and never echo what was sent', async () => {
  const dev = await securedDevice();
  const b = new TestBrowser(dev.server);
  await b.open();
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.record({ user: fc.string(), password: fc.string({ minLength: 12 }) }), fc.anything()), async (body) => {
      const r = await b.req('POST', '/api/login', JSON.stringify(body) ?? 'x');
      expect([400, 401, 429]).toContain(r.status);
      const sent = (body as { password?: unknown })?.password;
      if (typeof sent === 'string' && sent.length >= 12) expect(r.text).not.toContain(sent);
      expect((await b.req('GET', '/api/status')).status).toBe(401);
    }),
    { numRuns: 80 },
  );
});
