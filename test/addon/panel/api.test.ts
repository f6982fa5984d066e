// The panel API as the page uses it: meters with problems in plain words, MBK key entry (validated like the
// protocol core, sent once, never echoed or logged), settings, restart, Energy dashboard, firmware catalog, uploads,
// rollouts, and clear errors for bad input.
import { request } from 'http';
import { packBin, packWwws } from '../../../ota/pack';
import { meterView } from './fixtures';
import { PANEL_POST, startTestPanel, TestPanel } from './harness';

const KEY = 'Zq7!pW3#xK9@mL2$vB5%';
const HEX_KEY = Buffer.from('A1b2C3d4E5f6G7h8I9j0', 'latin1').toString('hex');

let t: TestPanel;
beforeAll(async () => {
  t = await startTestPanel('local');
});
afterAll(() => t.close());
beforeEach(() => {
  t.commander.calls.length = 0;
  t.log.lines.length = 0;
  t.registry.put(meterView('mep_a1', {
    problems: [{ code: 'wrong-key', message: 'the meter refused the MBK key (0x0C)' }],
    diagnostics: { link_state: 'auth-failed', firmware: '1.0.0' },
  }));
});

describe('meters', () => {
  test('the list carries each problem with what to do about it, and the link state in words', async () => {
    const res = await t.call('GET', '/api/meters');
    expect(res.status).toBe(200);
    const m = res.json().meters.find((x: { deviceId: string }) => x.deviceId === 'mep_a1');
    expect(m.linkStateName).toBe('Authentication failed');
    expect(m.problems).toEqual([expect.objectContaining({ code: 'wrong-key', hint: expect.stringMatching(/Wrong MBK key/) })]);
  });

  test('a meter that does not answer is explained with the MEP port hint', async () => {
    t.registry.put(meterView('mep_b2', { problems: [{ code: 'no-reply', message: 'no reply from the meter' }] }));
    const m = (await t.call('GET', '/api/meters/mep_b2')).json();
    expect(m.problems[0].hint).toMatch(/meter does not answer: is the MEP port enabled by your utility/);
  });

  test('unknown meter ids are 404 on every route and nothing is sent', async () => {
    expect((await t.call('GET', '/api/meters/nope')).status).toBe(404);
    for (const action of ['key', 'settings', 'restart', 'energy']) {
      const res = await t.post(`/api/meters/nope/${action}`, action === 'key' ? { key: KEY } : { name: 'x' });
      expect(res.status).toBe(404);
      expect(res.json().error).toBe('no such meter');
    }
    expect(t.commander.calls).toEqual([]);
    expect(t.ha.energyCalls).toEqual([]);
  });
});

describe('MBK key', () => {
  test('a valid key is sent once in a config command, and only "key sent" comes back or is logged', async () => {
    const res = await t.post('/api/meters/mep_a1/key', { key: KEY });
    expect(res.status).toBe(200);
    expect(res.json().message).toBe('key sent');
    expect(t.commander.calls).toEqual([{ deviceId: 'mep_a1', kind: 'configure', cmd: { meter: { key: KEY } } }]);
    expect(res.text).not.toContain(KEY);
    expect(res.text).not.toContain(KEY.slice(0, 16));
    expect(t.log.lines.join('\n')).not.toContain(KEY.slice(0, 8));
    expect(t.log.lines.some((l) => l.includes('MBK key sent to mep_a1'))).toBe(true);
  });

  test('the 40-hex-digit form is accepted as the protocol core accepts it', async () => {
    const res = await t.post('/api/meters/mep_a1/key', { key: HEX_KEY });
    expect(res.status).toBe(200);
    expect(t.commander.calls).toHaveLength(1);
    expect(res.text).not.toContain(HEX_KEY);
  });

  test.each([
    ['too short', 'ABCDEFGHIJKLMNO', /16 to 20 characters/],
    ['non-ASCII', 'ABCDEFGHIJKLMNOPQRSé', /printable ASCII/],
    ['the all-zero placeholder', '00000000000000000000', /placeholder/],
    ['odd hex', 'A'.repeat(33), /hex-form/],
    ['not text', 123456789012345, /enter the MBK key/],
  ])('%s: 400 with a message on the key field, nothing sent, nothing echoed', async (_name, key, message) => {
    const res = await t.post('/api/meters/mep_a1/key', { key });
    expect(res.status).toBe(400);
    expect(res.json().fields).toEqual([{ field: 'key', message: expect.stringMatching(message) }]);
    if (typeof key === 'string') expect(res.text).not.toContain(key);
    expect(t.commander.calls).toEqual([]);
  });

  test('a device that refuses the key: the panel says so, still without the key', async () => {
    t.commander.answer = () => ({ id: 'x', command: 'config', ok: false, error: 'meter.key: rejected' });
    try {
      const res = await t.post('/api/meters/mep_a1/key', { key: KEY });
      expect(res.json()).toMatchObject({ message: 'key sent; the device refused it', result: { ok: false, error: 'meter.key: rejected' } });
      expect(res.text).not.toContain(KEY);
    } finally {
      t.commander.answer = (call) => ({ id: 'x', command: call.kind === 'configure' ? 'config' : call.kind, ok: true });
    }
  });

  test('a key inside malformed JSON is not quoted back in the error', async () => {
    const res = await t.call('POST', '/api/meters/mep_a1/key', { raw: `{"key": "${KEY}"`, headers: { ...PANEL_POST, 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({ error: 'the body is not valid JSON' });
    expect(t.log.lines.join('\n')).not.toContain(KEY.slice(0, 8));
  });
});

describe('settings, restart, Energy dashboard', () => {
  test('name, poll interval and compatibility go to the device as one config command', async () => {
    const res = await t.post('/api/meters/mep_a1/settings', { name: 'Garage', poll_interval_s: 30, compatibility: true });
    expect(res.status).toBe(200);
    expect(t.commander.calls).toEqual([{
      deviceId: 'mep_a1', kind: 'configure', cmd: { name: 'Garage', meter: { poll_interval_s: 30 }, mqtt: { compatibility: true } },
    }]);
  });

  test('bad settings: every bad field named, nothing sent', async () => {
    const res = await t.post('/api/meters/mep_a1/settings', { name: '', poll_interval_s: 0.5, compatibility: 'yes', extra: 1 });
    expect(res.status).toBe(400);
    expect(res.json().fields.map((f: { field: string }) => f.field).sort()).toEqual(['compatibility', 'extra', 'name', 'poll_interval_s']);
    expect((await t.post('/api/meters/mep_a1/settings', {})).json().fields).toEqual([{ field: '', message: 'nothing to change' }]);
    // over 30 s the module would read no faster than every 30 s anyway (the guide's 60 s health watchdog)
    expect((await t.post('/api/meters/mep_a1/settings', { poll_interval_s: 31 })).json().fields)
      .toEqual([{ field: 'poll_interval_s', message: 'the poll interval must be a whole number of seconds from 1 to 30' }]);
    expect(t.commander.calls).toEqual([]);
  });

  test('restart', async () => {
    expect((await t.post('/api/meters/mep_a1/restart')).json().message).toBe('restarting');
    expect(t.commander.calls).toEqual([{ deviceId: 'mep_a1', kind: 'restart' }]);
  });

  test('Add to Energy dashboard calls Home Assistant; without it the panel says why', async () => {
    const ok = await t.post('/api/meters/mep_a1/energy');
    expect(ok.json()).toMatchObject({ ok: true, added: ['sensor.mep_a1_energy_import'] });
    const saved = t.ha.current;
    t.ha.current = { available: false, connected: false, reason: 'Not running inside Home Assistant' };
    try {
      const off = await t.post('/api/meters/mep_a1/energy');
      expect(off.status).toBe(503);
      expect(off.json().error).toBe('Not running inside Home Assistant');
      expect((await t.call('GET', '/api/status')).json().ha).toMatchObject({ available: false, reason: 'Not running inside Home Assistant' });
    } finally {
      t.ha.current = saved;
    }
    expect(t.ha.energyCalls).toEqual(['mep_a1']);
  });
});

describe('bad requests keep the server running', () => {
  test('oversized JSON → 413, other content types → 415, then the server still answers', async () => {
    const big = await t.call('POST', '/api/meters/mep_a1/settings', { body: { name: 'x'.repeat(40000) }, headers: PANEL_POST });
    expect(big.status).toBe(413);
    expect(big.json().error).toBe('the request body is too large');
    const xml = await t.call('POST', '/api/meters/mep_a1/settings', { raw: '<a/>', headers: { ...PANEL_POST, 'content-type': 'application/xml' } });
    expect(xml.status).toBe(415);
    expect((await t.call('GET', '/health')).status).toBe(200);
    expect(t.commander.calls).toEqual([]);
  });
});

function wwws(text: string): Buffer {
  return Buffer.from(packWwws([{ name: 'www_index.html', data: new TextEncoder().encode(text) }]));
}

describe('firmware', () => {
  const upload = (name: string, data: Buffer | string, headers: Record<string, string> = {}) =>
    t.call('POST', `/api/firmware?name=${encodeURIComponent(name)}`, { raw: data, headers: { ...PANEL_POST, 'content-type': 'application/octet-stream', ...headers } });

  test('an uploaded .wwws and .bin are verified and listed', async () => {
    const res = await upload('pages.wwws', wwws('<h1>v2</h1>'));
    expect(res.status).toBe(201);
    expect(res.json()).toMatchObject({ kind: 'wwws', fileName: 'pages.wwws', source: 'uploaded' });
    const bin = packBin(new Uint8Array(4096).fill(7), { firmwareVersion: '1.4.0', buildId: 'b1', board: 'esp32' });
    const binRes = await upload('fw.bin', Buffer.from(bin));
    expect(binRes.status).toBe(201);
    expect(binRes.json()).toMatchObject({ kind: 'bin', version: '1.4.0' });
    const list = (await t.call('GET', '/api/firmware')).json();
    expect(list.entries.map((e: { fileName: string }) => e.fileName).sort()).toEqual(['fw.bin', 'pages.wwws']);
    expect(list.latest.bin).toBe(binRes.json().id);
  });

  test('an uploaded package can be removed; unknown ids are 404', async () => {
    const entry = (await upload('old.wwws', wwws('<p>old</p>'))).json();
    expect((await t.post(`/api/firmware/${entry.id}/remove`)).json()).toEqual({ message: 'removed' });
    expect(t.catalog.get(entry.id)).toBeNull();
    expect((await t.post(`/api/firmware/${entry.id}/remove`)).status).toBe(404);
  });

  test('a corrupted package is rejected with its reason', async () => {
    const bad = wwws('<h1>x</h1>');
    bad[bad.length - 40] = (bad[bad.length - 40] ?? 0) ^ 0xff;
    const res = await upload('bad.wwws', bad);
    expect(res.status).toBe(400);
    expect(res.json().error).toMatch(/^the package was rejected: .+/);
    expect(t.log.lines.some((l) => l.includes('upload bad.wwws rejected'))).toBe(true);
  });

  test('names, content types and sizes are checked before anything is stored', async () => {
    expect((await upload('notes.txt', 'hello')).json().error).toMatch(/only \.bin .* and \.wwws/);
    expect((await upload('../etc/passwd.bin', 'x')).status).toBe(400);
    expect((await t.call('POST', '/api/firmware', { raw: 'x', headers: { ...PANEL_POST, 'content-type': 'application/octet-stream' } })).status).toBe(400);
    const asJson = await t.call('POST', '/api/firmware?name=a.wwws', { body: { a: 1 }, headers: PANEL_POST });
    expect(asJson.status).toBe(415);
    const huge = await upload('huge.bin', Buffer.alloc(16 * 1024 * 1024 + 1));
    expect(huge.status).toBe(413);
    expect((await t.call('GET', '/health')).status).toBe(200);
  });

  test('rollouts: per meter and "update all"; unknown packages and meters are 404', async () => {
    const entry = (await upload('ui.wwws', wwws('<p>rollout</p>'))).json();
    t.registry.put(meterView('mep_b2'));
    expect((await t.post('/api/rollouts', { entryId: 'nope', deviceIds: [] })).status).toBe(404);
    expect((await t.post('/api/rollouts', { entryId: entry.id, deviceIds: ['ghost'] })).status).toBe(404);
    expect((await t.post('/api/rollouts', { entryId: entry.id, deviceIds: 'mep_a1' })).json().fields[0].field).toBe('deviceIds');
    const one = await t.post('/api/rollouts', { entryId: entry.id, deviceIds: ['mep_a1'] });
    expect(one.status).toBe(201);
    expect(one.json().devices).toEqual([{ deviceId: 'mep_a1', status: 'pending', percent: null }]);
    const all = (await t.post('/api/rollouts', { entryId: entry.id })).json();
    expect(all.devices.map((d: { deviceId: string }) => d.deviceId).sort()).toEqual(['mep_a1', 'mep_b2']);
    const listed = (await t.call('GET', '/api/rollouts')).json().rollouts.map((r: { id: string }) => r.id);
    expect(listed).toEqual(expect.arrayContaining([one.json().id, all.id]));
    expect((await t.post(`/api/rollouts/${all.id}/cancel`)).json()).toEqual({ cancelled: true });
    expect((await t.post('/api/rollouts/none/cancel')).status).toBe(404);
  });
});

describe('streamed uploads', () => {
  test('a chunked upload without Content-Length is cut off at the limit with 413', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1', port: t.port, method: 'POST', path: '/api/firmware?name=stream.bin',
        headers: { ...PANEL_POST, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
      }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
      const chunk = Buffer.alloc(1024 * 1024, 1);
      let sent = 0;
      const pump = (): void => {
        while (sent < 17) {
          sent++;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect((await t.call('GET', '/health')).status).toBe(200);
  });
});
