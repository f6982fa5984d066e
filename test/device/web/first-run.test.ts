// Issue 12, the module's own pages: the first run creates the login with field errors (never a silent "logged in"),
// the built-in pages answer while no web bundle is installed, and GET /getDashDataWS serves the reference firmware's
// JSON (mep-protocol.md §11) behind the login, or open when the user allows it.
import { dashData } from '../../../device/src/web/dash-data';
import { HOME_HTML } from '../../../device/src/web/built-in-pages';
import { RECOVERY_HTML } from '../../../device/src/web/recovery-page';
import { readFileSync } from 'fs';
import { join } from 'path';
import { LINK_STATE_NAMES, LINK_STATES } from '../../../discovery/entities';
import { SECRETS, securedDevice, TestBrowser, testDevice } from './harness';

describe('first run: "Create your login"', () => {
  test('an empty submit is refused with both fields marked, and grants nothing', async () => {
    const dev = testDevice();
    const b = new TestBrowser(dev.server);
    const r = await b.login('', '');
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      error: 'please correct the marked fields',
      fields: [{ field: 'login.user', message: 'must be 1 to 32 characters' }, { field: 'login.password', message: 'must be 8 to 64 characters' }],
    });
    expect(r.headers['Set-Cookie']).toBeUndefined();
    expect(dev.stored).toEqual([]);
    expect((await b.open()).json).toMatchObject({ loggedIn: false, loginSet: false, allowed: false });
    expect((await b.req('GET', '/api/readings')).status).toBe(401);
  });

  test('a short password names the rule (8 to 64 characters), a long user name its own', async () => {
    const dev = testDevice();
    const b = new TestBrowser(dev.server);
    expect((await b.login('owner', 'short')).json).toEqual({ error: 'please correct the marked fields', fields: [{ field: 'login.password', message: 'must be 8 to 64 characters' }] });
    expect((await b.login('x'.repeat(33), 'long-enough-1')).json.fields).toEqual([{ field: 'login.user', message: 'must be 1 to 32 characters' }]);
    expect((await b.login('owner', 'p'.repeat(65))).json.fields).toEqual([{ field: 'login.password', message: 'must be 8 to 64 characters' }]);
    expect(dev.settings().login.passwordHash).toBe('');
  });

  test('valid fields create the login and log in; from then on it is an ordinary login', async () => {
    const dev = testDevice();
    const b = new TestBrowser(dev.server);
    const r = await b.login('owner', 'owner-pass-123');
    expect([r.status, r.json.loggedIn, r.json.user]).toEqual([200, true, 'owner']);
    expect((await b.req('GET', '/api/readings')).status).toBe(200);
    expect((await new TestBrowser(dev.server).login('', '')).status).toBe(401);
  });
});

describe('built-in pages (slot data, no bundle installed)', () => {
  test('the page has the login, dashboard and setup views with the entity table\'s words and units', () => {
    for (const text of ['Create your login', 'Create login', '8 to 64 characters', 'Energy import', 'Energy export', 'Power import',
      'Power export', '"kWh"', 'Voltage', 'Current', '/getDashDataWS', 'update.wwws']) expect(HOME_HTML).toContain(text);
    expect(HOME_HTML).not.toMatch(/Energy in\b|Energy out\b|Net power/);
    // small: streamed from flash, but part of the 200 KB slot
    expect(HOME_HTML.length).toBeLessThan(8000);
    expect(/^[\x20-\x7e\n]*$/.test(HOME_HTML)).toBe(true); // ASCII: Content-Length = characters
    expect(/^[\x20-\x7e\n]*$/.test(RECOVERY_HTML)).toBe(true);
  });

  test('the meter link is named as in Home Assistant, on the built-in and the bundle\'s dashboard', () => {
    const www = readFileSync(join(__dirname, '../../../device/www/index.html'), 'utf8');
    LINK_STATES.forEach((state, i) => {
      const name = LINK_STATE_NAMES[i] as string;
      expect(HOME_HTML).toMatch(new RegExp(`"?${state}"?:"${name.replace(/[()]/g, '\\$&')}"`));
      expect(www).toMatch(new RegExp(`'?${state}'?: '${name.replace(/[()]/g, '\\$&')}'`));
    });
  });

  test('/recovery says which file goes where', () => {
    for (const text of ['firmware.bin', 'update.wwws', 'esptool', 'Create your login']) expect(RECOVERY_HTML).toContain(text);
  });

  test('an installed bundle takes precedence over the built-in page', async () => {
    const dev = await securedDevice();
    dev.files.set('wa_index.html', new Uint8Array(Buffer.from('<html>bundle</html>')));
    dev.webFiles = {
      lookup: (p) => (p === '/index.html' ? { storageName: 'wa_index.html', length: 19, gzip: false } : null),
      version: () => '1.0.0',
    };
    const b = new TestBrowser(dev.server);
    expect((await b.req('GET', '/')).text).toBe('<html>bundle</html>');
    // page by page: a bundle without a setup page still has the built-in one
    expect((await b.req('GET', '/setup.html')).text).toContain('Create your login');
  });
});

const LIVE = {
  name: 'Garage', link: 'online', meter: { manufacturer: 'GE', model: 'I210+c', firmware: '3.12', serial: '12345678' },
  values: {
    energy_import: 1234.567, energy_export: 5.5, power_import: 321, power_export: 0, power_net: 321, frequency: 49.987,
    power_import_l1: 200, power_import_l2: 100, power_import_l3: 21, power_export_l1: 0, power_export_l2: 0, power_export_l3: -3,
    voltage_l1: 230.125, voltage_l2: 231, voltage_l3: 229.5, current_l1: 1.25, current_l2: 0.5, current_l3: 0.101,
    meter_clock: '2026-12-03T12:00:05.000Z',
  },
};

describe('GET /getDashDataWS: the reference firmware\'s JSON (spec §11)', () => {
  test('key names and units as the reference served them, signed, integers', () => {
    const d = dashData('0.1.0', LIVE);
    expect(d).toEqual({
      ESP_SW: 'MEP Bridge', ESP_SW_By: 'MEP Bridge', ESP_SW_Version: '0.1.0', Meter_Manufacturer: 'GE', Meter_Model: 'I210+c',
      Meter_SW_Version: '3.12', Utility_SN: '12345678', CurrentDateTimeString: '2026-12-03 12:00:05', CurrentDateTime: '2026-12-03T12:00:05.000Z',
      Fwd_Act_Wh: 1234567, Rev_Act_Wh: 5500, Fwd_W: 321, Rev_W: 0, Freq_mHz: 49987,
      L1_RMS_A: 1250, L2_RMS_A: 500, L3_RMS_A: 101, L1_RMS_V: 230125, L2_RMS_V: 231000, L3_RMS_V: 229500,
      L1_Fwd_W: 200, L2_Fwd_W: 100, L3_Fwd_W: 21, L1_Rev_W: 0, L2_Rev_W: 0, L3_Rev_W: -3,
      Fwd_Avg_W: null, Rev_Avg_W: null, L1_Fwd_Avg_W: null, L2_Fwd_Avg_W: null, L3_Fwd_Avg_W: null,
      L1_Rev_Avg_W: null, L2_Rev_Avg_W: null, L3_Rev_Avg_W: null,
    });
    // the reference's key order
    expect(Object.keys(d).slice(9, 14)).toEqual(['Fwd_Act_Wh', 'Rev_Act_Wh', 'Fwd_W', 'Rev_W', 'Freq_mHz']);
    // no unsigned wrap-around (the reference printed -3 as 4294967293)
    expect(JSON.stringify(d)).not.toMatch(/42949/);
  });

  test('a 1-phase meter: L2/L3 are 0, as the meter reports them; nothing read yet: null', () => {
    const one = dashData('0.1.0', { values: { power_import: 50, power_import_l1: 50, voltage_l1: 230, current_l1: 0.2, power_export_l1: 0 } });
    expect([one.L1_Fwd_W, one.L2_Fwd_W, one.L3_RMS_V, one.L2_RMS_A]).toEqual([50, 0, 0, 0]);
    const none = dashData('0.1.0', { values: {} });
    expect([none.Fwd_Act_Wh, none.Fwd_W, none.L1_RMS_V, none.L2_Fwd_W, none.Utility_SN]).toEqual([null, null, null, null, '']);
  });

  test('behind the login; open without one once the user allows it on the setup page', async () => {
    const dev = await securedDevice();
    dev.ctx.readings = () => LIVE;
    const anyone = new TestBrowser(dev.server);
    const closed = await anyone.req('GET', '/getDashDataWS');
    expect(closed.status).toBe(401);
    const owner = new TestBrowser(dev.server);
    await owner.login('admin', SECRETS.login);
    const r = await owner.req('GET', '/getDashDataWS');
    expect([r.status, r.headers['Content-Type'], r.json.Fwd_Act_Wh, r.json.L1_RMS_V]).toEqual([200, 'application/json', 1234567, 230125]);
    expect((await owner.req('GET', '/api/settings')).json.values['web.open_dash_data']).toBe(false);
    const saved = await owner.req('POST', '/api/settings', { 'web.open_dash_data': true });
    expect([saved.status, saved.json.changed]).toEqual([200, ['web.open_dash_data']]);
    expect(dev.settings().web).toEqual({ openDashData: true });
    expect((await owner.req('GET', '/api/settings')).json.values['web.open_dash_data']).toBe(true);
    const open = await anyone.req('GET', '/getDashDataWS');
    expect([open.status, open.json.Utility_SN]).toEqual([200, '12345678']);
    for (const s of Object.values(SECRETS)) expect(open.text).not.toContain(s);
    await owner.req('POST', '/api/settings', { 'web.open_dash_data': false });
    expect((await anyone.req('GET', '/getDashDataWS')).status).toBe(401);
  });
});
