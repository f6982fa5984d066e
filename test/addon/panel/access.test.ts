// Who may reach the panel: only Home Assistant's ingress proxy in add-on mode, only this machine in local mode;
// state-changing requests only from the panel's own page (home-assistant.md §0 #8, §2.4).
import { execFile } from 'child_process';
import { request } from 'http';
import { join } from 'path';
import { promisify } from 'util';
import { ingressPrefix, localHostHeader, peerAllowed, sameOriginProblem } from '../../../addon/src/panel/access';
import { meterView } from './fixtures';
import { PANEL_POST, startTestPanel, TestPanel } from './harness';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');

describe('peer rule', () => {
  test('add-on mode: the Supervisor (172.30.32.2) only', () => {
    expect(peerAllowed('addon', '172.30.32.2')).toBe(true);
    expect(peerAllowed('addon', '::ffff:172.30.32.2')).toBe(true);
    for (const a of ['127.0.0.1', '::1', '172.30.32.1', '172.30.32.20', '172.30.33.2', '192.168.1.5', '::ffff:10.0.0.1', '', undefined]) {
      expect(peerAllowed('addon', a)).toBe(false);
    }
  });
  test('local mode: loopback only', () => {
    for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect(peerAllowed('local', a)).toBe(true);
    for (const a of ['172.30.32.2', '192.168.1.5', '0.0.0.0', undefined]) expect(peerAllowed('local', a)).toBe(false);
  });
  test('same-origin: the panel header is required, cross-site fetch metadata refused', () => {
    expect(sameOriginProblem({})).toMatch(/X-Requested-With/);
    expect(sameOriginProblem({ 'x-requested-with': 'XMLHttpRequest' })).not.toBe('');
    expect(sameOriginProblem({ 'x-requested-with': 'mep-panel' })).toBe('');
    expect(sameOriginProblem({ 'x-requested-with': 'mep-panel', 'sec-fetch-site': 'same-origin' })).toBe('');
    expect(sameOriginProblem({ 'x-requested-with': 'mep-panel', 'sec-fetch-site': 'cross-site' })).not.toBe('');
    expect(sameOriginProblem({ 'x-requested-with': 'mep-panel', 'sec-fetch-site': 'same-site' })).not.toBe('');
  });
});

describe('add-on mode app, seen from the ingress proxy and from elsewhere (fastify inject in a tsx child)', () => {
  test('only 172.30.32.2 is served; the page takes X-Ingress-Path as its base', async () => {
    const { stdout } = await run('npx', ['tsx', join(__dirname, 'ingress-peer.ts'), '172.30.32.2', '::ffff:172.30.32.2', '127.0.0.1', '192.168.1.5', '172.30.32.3'], { cwd: ROOT, timeout: 60000 });
    const out = JSON.parse(stdout) as { [k: string]: unknown };
    for (const ok of ['172.30.32.2', '::ffff:172.30.32.2']) {
      expect(out[`${ok} GET /api/meters`]).toBe(200);
      expect(out[`${ok} GET /`]).toBe(200);
      expect(out[`${ok} POST /api/meters/mep_a1/restart`]).toBe(200);
    }
    for (const refused of ['127.0.0.1', '192.168.1.5', '172.30.32.3']) {
      expect(out[`${refused} GET /api/meters`]).toBe(403);
      expect(out[`${refused} GET /`]).toBe(403);
      expect(out[`${refused} POST /api/meters/mep_a1/restart`]).toBe(403);
    }
    // Two restarts, from the two allowed addresses only.
    expect(out.commands).toBe(2);
    expect(out.page).toContain('<base href="/api/hassio_ingress/tok3n/">');
  }, 60000);
});

describe('add-on mode on a real socket', () => {
  let t: TestPanel;
  beforeAll(async () => {
    t = await startTestPanel('addon');
    t.registry.put(meterView('mep_a1'));
  });
  afterAll(() => t.close());

  test('a LAN/loopback peer gets 403 everywhere and sends nothing', async () => {
    for (const path of ['/', '/panel.js', '/api/meters', '/api/status', '/api/events', '/api/firmware']) {
      expect((await t.call('GET', path)).status).toBe(403);
    }
    expect((await t.post('/api/meters/mep_a1/restart')).status).toBe(403);
    expect((await t.post('/api/meters/mep_a1/key', { key: 'ABCDEFGHIJKLMNOPQRST' })).status).toBe(403);
    expect(t.commander.calls).toEqual([]);
  });

  test('/health answers the container itself (Docker HEALTHCHECK)', async () => {
    const res = await t.call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });
});

describe('local mode', () => {
  let t: TestPanel;
  beforeAll(async () => {
    t = await startTestPanel('local');
    t.registry.put(meterView('mep_a1'));
  });
  afterAll(() => t.close());
  beforeEach(() => {
    t.commander.calls.length = 0;
  });

  test('listens on 127.0.0.1 and serves this machine', async () => {
    expect(t.log.lines.some((l) => l.includes(`127.0.0.1:${t.port}`))).toBe(true);
    expect((await t.call('GET', '/api/meters')).status).toBe(200);
  });

  test('a POST without the panel header is refused and nothing reaches the device', async () => {
    const res = await t.call('POST', '/api/meters/mep_a1/restart');
    expect(res.status).toBe(403);
    expect(res.json().error).toMatch(/X-Requested-With/);
    expect(t.commander.calls).toEqual([]);
  });

  test('DNS rebinding: a request naming another site in Host is refused, even from loopback with the panel headers', async () => {
    // fetch() will not send a foreign Host header: a raw request, as the browser of a rebinding page would send it.
    const raw = (method: string, path: string, headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: t.port, method, path, headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await raw('POST', '/api/meters/mep_a1/restart', { ...PANEL_POST, 'sec-fetch-site': 'same-origin', host: 'attacker.example' })).toBe(403);
    expect(await raw('GET', '/api/meters', { host: 'attacker.example:8099' })).toBe(403);
    expect(await raw('GET', '/api/meters', { host: `localhost:${t.port}` })).toBe(200);
    expect(t.commander.calls).toEqual([]);
    for (const host of ['localhost:8099', '127.0.0.1:8099', '[::1]:8099', 'localhost']) expect(localHostHeader(host)).toBe(true);
    for (const host of ['attacker.example', 'localhost.attacker.example', '127.0.0.1.nip.io', '', undefined]) expect(localHostHeader(host)).toBe(false);
  });

  test('a cross-site form post is refused even with the header (Sec-Fetch-Site)', async () => {
    const res = await t.call('POST', '/api/meters/mep_a1/restart', { headers: { ...PANEL_POST, 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(403);
    expect(t.commander.calls).toEqual([]);
  });

  test('state changes are POST only: GET/PUT/DELETE on command routes do nothing', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      for (const path of ['/api/meters/mep_a1/restart', '/api/meters/mep_a1/key', '/api/rollouts/r1/cancel']) {
        expect((await t.call(method, path, { headers: PANEL_POST })).status).toBe(404);
      }
    }
    expect(t.commander.calls).toEqual([]);
  });

  test('the panel page itself passes', async () => {
    const res = await t.call('POST', '/api/meters/mep_a1/restart', { headers: { ...PANEL_POST, 'sec-fetch-site': 'same-origin' } });
    expect(res.status).toBe(200);
    expect(t.commander.calls).toEqual([{ deviceId: 'mep_a1', kind: 'restart' }]);
  });

  test('X-Ingress-Path becomes the page base; a malformed one is ignored', async () => {
    const page = await t.call('GET', '/', { headers: { 'x-ingress-path': '/api/hassio_ingress/AbC-123_x' } });
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.text).toContain('<base href="/api/hassio_ingress/AbC-123_x/">');
    expect(page.text).toContain('src="panel.js"');
    expect((await t.call('GET', '/')).text).toContain('<base href="./">');
    for (const bad of ['"><script>alert(1)</script>', 'http://evil.example/', '/a/../b', '//evil.example']) {
      expect(ingressPrefix({ 'x-ingress-path': bad })).toBe('');
    }
    const res = await t.call('GET', '/', { headers: { 'x-ingress-path': '/x"><script>alert(1)</script>' } });
    expect(res.text).toContain('<base href="./">');
    expect(res.text).not.toContain('alert');
  });
});
