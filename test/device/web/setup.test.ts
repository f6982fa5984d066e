// The setup page's API: secrets never sent back, an empty secret keeps the stored one, errors per field, only what
// changed restarts; random forms (fast-check) never throw, never store anything invalid and never echo a secret.
import fc from 'fast-check';
import { SECRETS, securedDevice, TestBrowser } from './harness';

async function loggedIn() {
  const dev = await securedDevice();
  const b = new TestBrowser(dev.server);
  await b.login('admin', SECRETS.login);
  return { dev, b };
}

test('the view has plain values and only "set / not set" for secrets', async () => {
  const { b } = await loggedIn();
  const view = (await b.req('GET', '/api/settings')).json;
  expect(view.values).toMatchObject({ name: 'MEP meter', 'wifi.ssid': 'home', 'mqtt.host': 'broker.lan', 'mqtt.port': 1883, 'meter.poll_interval_s': 2, 'login.user': 'admin' });
  expect(view.secrets).toEqual({ 'wifi.password': true, 'mqtt.password': true, 'meter.key': true, 'login.password': true, 'ap.password': true });
});

test('the access point password can be chosen (WPA2 rules), restarts only WiFi, and is never sent back', async () => {
  const { dev, b } = await loggedIn();
  const bad = await b.req('POST', '/api/settings', { 'ap.password': 'short' });
  expect(bad.json.fields).toEqual([{ field: 'ap.password', message: 'a WPA2 password has 8 to 63 printable ASCII characters' }]);
  const r = await b.req('POST', '/api/settings', { 'ap.password': 'my-ap-pass-1' });
  expect(r.json).toMatchObject({ ok: true, changed: ['ap.password'], restarted: ['wifi'] });
  expect(Buffer.from(dev.files.get('mep.ap')!).toString()).toBe('my-ap-pass-1');
  expect((await b.req('GET', '/api/settings')).text).not.toContain('my-ap-pass-1');
});

test('saving: empty secrets keep the stored values, and only the changed services restart', async () => {
  const { dev, b } = await loggedIn();
  const r = await b.req('POST', '/api/settings', { name: 'Cellar', 'mqtt.port': '1884', 'mqtt.password': '', 'wifi.password': '', 'meter.key': '' });
  expect(r.status).toBe(200);
  expect(r.json.changed.sort()).toEqual(['mqtt.port', 'name']);
  expect(dev.stored.at(-1)!.restart.sort()).toEqual(['discovery', 'mqtt']);
  const s = dev.settings();
  expect(s.name).toBe('Cellar');
  expect(s.mqtt.port).toBe(1884);
  expect(s.mqtt.password).toBe(SECRETS.mqtt);
  expect(s.wifi.password).toBe(SECRETS.wifi);
  expect(s.meter.key).toBe(SECRETS.key);
  const r2 = await b.req('POST', '/api/settings', { 'meter.poll_interval_s': 30 });
  expect(r2.json.restarted.sort()).toEqual(['discovery', 'meter']);
  const r3 = await b.req('POST', '/api/settings', { 'wifi.ssid': 'home' }); // unchanged: nothing restarts
  expect(r3.json).toMatchObject({ ok: true, changed: [], restarted: [] });
});

test('validation errors come back per field and nothing is stored', async () => {
  const { dev, b } = await loggedIn();
  const before = JSON.stringify(dev.settings());
  const r = await b.req('POST', '/api/settings', { name: '', 'mqtt.port': '70000', 'mqtt.host': 'http://x', 'wifi.password': 'short', 'meter.key': 'nope', 'meter.poll_interval_s': 'soon', 'login.password': 'short' });
  expect(r.status).toBe(400);
  const fields = (r.json.fields as { field: string }[]).map((f) => f.field).sort();
  expect(fields).toEqual(['login.password', 'meter.key', 'meter.poll_interval_s', 'mqtt.host', 'mqtt.port', 'name', 'wifi.password']);
  expect(JSON.stringify(dev.settings())).toBe(before);
});

test('changing the login password ends the other sessions; this browser goes on with a new one', async () => {
  const { dev, b } = await loggedIn();
  const other = new TestBrowser(dev.server);
  await other.login('admin', SECRETS.login);
  const r = await b.req('POST', '/api/settings', { 'login.password': 'new-login-pass' });
  expect(r.status).toBe(200);
  expect((await other.req('GET', '/api/status')).status).toBe(401);
  expect((await b.req('GET', '/api/status')).status).toBe(200);
  expect((await new TestBrowser(dev.server).login('admin', 'new-login-pass')).status).toBe(200);
});

test('the WiFi scan lists networks', async () => {
  const { b } = await loggedIn();
  expect((await b.req('GET', '/api/wifi/scan')).json).toEqual({ networks: [] });
});

test('property: any form is answered (200 or 400 with field errors), stored settings stay valid, no secret echoed', async () => {
  const { dev, b } = await loggedIn();
  const fieldNames = ['name', 'wifi.ssid', 'wifi.password', 'mqtt.host', 'mqtt.port', 'mqtt.username', 'mqtt.password', 'meter.key', 'meter.poll_interval_s', 'login.user', 'login.password', 'junk'];
  const value = fc.oneof(fc.string({ maxLength: 70 }), fc.integer(), fc.constant(null), fc.boolean(), fc.constant(SECRETS.wifi), fc.array(fc.string(), { maxLength: 2 }));
  await fc.assert(
    fc.asyncProperty(fc.dictionary(fc.constantFrom(...fieldNames), value), async (form) => {
      const r = await b.req('POST', '/api/settings', form);
      expect([200, 400]).toContain(r.status);
      if (r.status === 400) expect(Array.isArray(r.json.fields) || typeof r.json.error === 'string').toBe(true);
      for (const secret of [SECRETS.wifi, SECRETS.mqtt, SECRETS.key]) expect(r.text).not.toContain(secret);
      const s = dev.settings();
      expect(s.name.length).toBeGreaterThan(0);
      expect(Number.isInteger(s.mqtt.port)).toBe(true);
      if (r.status === 200 && r.json.changed.includes('login.user')) await b.login(s.login.user, String(form['login.password'] ?? SECRETS.login));
    }),
    { numRuns: 60 },
  );
  // a body that is not a JSON object, or too big, is refused
  expect((await b.req('POST', '/api/settings', '[1]')).status).toBe(400);
  expect((await b.req('POST', '/api/settings', `{"name":"${'x'.repeat(3000)}"}`)).status).toBe(400);
});
