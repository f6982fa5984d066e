// Pull updates end to end (issue 4): the add-on's UpdateCommand on MQTT → the production firmware on the Node host
// downloads the package from a real HTTP server with Range requests (resuming after a dropped connection), reports
// progress and the result in the shape of HA's MQTT update entity, reboots into the new .bin on trial through the
// boot loader and confirms it once healthy. Faults end on a working firmware: corrupted package, wrong token, a new
// firmware that throws at start, one that never becomes healthy.
import { HostHandle } from '../../device/sim/host';
import { BASE, bin, bundleAsVersion, device, environment, Env, firmwareOf, TOKEN, updateCommand } from './ota-rig';
import { packWwws } from '../../ota/pack';

let env: Env;
beforeAll(async () => {
  env = await environment();
}, 30000);
afterAll(() => env.close());

async function online(host: HostHandle, lines: string[], version: string, after = 0): Promise<void> {
  await env.w.next(`${BASE}/diagnostics`, (t) => firmwareOf(t) === version, { after, ms: 20000 }).catch((e: Error) => {
    throw new Error(`${e.message}\nstate=${host.state} boots=${host.bootCount}\n${lines.slice(-15).join('\n')}`);
  });
}

const result = (id: string, after: number, match: (r: Record<string, unknown>) => boolean = () => true, ms = 30000) =>
  env.w.next(`${BASE}/cmd/result`, (t) => {
    const r = JSON.parse(t) as Record<string, unknown>;
    return r.id === id && match(r);
  }, { after, ms }).then((s) => JSON.parse(s.text) as Record<string, unknown>);

describe('pull a .bin', () => {
  let host: HostHandle;
  const lines: string[] = [];

  beforeAll(async () => {
    host = await device(env, lines, { h: 1500, l: 15000, s: 3000 }); // stall limit 3 s instead of 60 s
    await online(host, lines, '0.1.0');
  }, 40000);

  test('downloads with Range after a dropped connection, reports progress, reboots on trial and confirms 0.2.0', async () => {
    const pkg = bin(await bundleAsVersion('0.2.0'), '0.2.0');
    env.server.put('/fw/0.2.0.bin', pkg);
    env.server.dropNextAfter = 40000;
    const at = env.w.mark();
    await env.w.client.publishAsync(`${BASE}/cmd/update`, updateCommand('u-1', env.server, '/fw/0.2.0.bin', pkg, '0.2.0'), { qos: 1 });
    const first = await result('u-1', at);
    expect(first).toEqual({ id: 'u-1', command: 'update', ok: true, restart: true });
    // The connection dropped after 40000 bytes: the second request resumed exactly there.
    expect(env.server.ranges.slice(-2)).toEqual(['', 'bytes=40000-']);
    const states = env.w.seen.slice(at).filter((s) => s.topic === `${BASE}/update`).map((s) => JSON.parse(s.text));
    expect(states.some((s) => s.in_progress === true && s.update_percentage > 0 && s.update_percentage < 100)).toBe(true);
    expect(states[states.length - 1]).toMatchObject({ installed_version: '0.1.0', in_progress: false, update_percentage: null });
    await host.waitFor('reboot', () => true, 10000);
    await online(host, lines, '0.2.0', at);
    const confirmed = await result('u-1', at, (r) => r.version === '0.2.0');
    expect(confirmed).toEqual({ id: 'u-1', command: 'update', ok: true, version: '0.2.0' });
    const state = JSON.parse((await env.w.next(`${BASE}/update`, (t) => t.includes('installed 0.2.0'), { after: at })).text);
    expect(state).toMatchObject({ installed_version: '0.2.0', in_progress: false, release_summary: 'installed 0.2.0' });
    // The token is a secret: never in a message or the console.
    const everything = env.w.seen.filter((s) => s.topic !== `${BASE}/cmd/update`).map((s) => s.text).join('\n') + lines.join('\n');
    expect(everything).not.toContain(TOKEN);
  }, 90000);

  test('a package whose bytes do not match the command\'s SHA-256 is refused; the firmware keeps running', async () => {
    const pkg = bin(await bundleAsVersion('0.3.0'), '0.3.0');
    const other = bin(await bundleAsVersion('0.3.1'), '0.3.0');
    env.server.put('/fw/bad.bin', other);
    const at = env.w.mark();
    const cmd = JSON.parse(updateCommand('u-2', env.server, '/fw/bad.bin', pkg, '0.3.0'));
    cmd.size = other.length;
    await env.w.client.publishAsync(`${BASE}/cmd/update`, JSON.stringify(cmd), { qos: 1 });
    const r = await result('u-2', at);
    expect(r).toMatchObject({ ok: false, version: '0.2.0' });
    expect(String(r.error)).toMatch(/SHA-256/);
    // Still the same firmware, still answering commands.
    await env.w.client.publishAsync(`${BASE}/cmd/poll`, JSON.stringify({ id: 'p-1' }), { qos: 1 });
    expect(await result('p-1', at)).toMatchObject({ command: 'poll' });
    expect(host.bootCount).toBe(2);
  }, 60000);

  test('a wrong token is refused by the server and reported; an invalid command names the bad field', async () => {
    const pkg = bin(await bundleAsVersion('0.3.0'), '0.3.0');
    env.server.put('/fw/0.3.0.bin', pkg);
    const at = env.w.mark();
    await env.w.client.publishAsync(`${BASE}/cmd/update`, updateCommand('u-3', env.server, '/fw/0.3.0.bin', pkg, '0.3.0', 'bin', 'wrong-token'), { qos: 1 });
    expect(await result('u-3', at)).toMatchObject({ ok: false, error: 'download refused: HTTP 401' });
    await env.w.client.publishAsync(`${BASE}/cmd/update`, JSON.stringify({ id: 'u-4', kind: 'bin', url: 'ftp://x', size: 1, sha256: 'ab', version: '1', token: 't' }), { qos: 1 });
    expect(await result('u-4', at)).toMatchObject({ ok: false, error: 'url must be an http:// URL' });
  }, 30000);

  test('a package for another board is refused once its header arrives; a truncated download gives up cleanly', async () => {
    const c3 = bin(await bundleAsVersion('0.4.0'), '0.4.0', 'esp32c3');
    env.server.put('/fw/c3.bin', c3);
    const at = env.w.mark();
    await env.w.client.publishAsync(`${BASE}/cmd/update`, updateCommand('u-6', env.server, '/fw/c3.bin', c3, '0.4.0'), { qos: 1 });
    expect(await result('u-6', at)).toMatchObject({
      ok: false, version: '0.2.0', error: 'firmware package rejected: package is built for board esp32c3, this device is ESP32',
    });
    // The server has fewer bytes than the command announces: every resume ends early, then the device gives up.
    const short = bin(await bundleAsVersion('0.4.1'), '0.4.1');
    env.server.put('/fw/short.bin', short.subarray(0, 30000));
    const cmd = JSON.parse(updateCommand('u-7', env.server, '/fw/short.bin', short, '0.4.1'));
    await env.w.client.publishAsync(`${BASE}/cmd/update`, JSON.stringify(cmd), { qos: 1 });
    const r = await result('u-7', at, () => true, 40000);
    expect(r).toMatchObject({ ok: false, version: '0.2.0' });
    expect(String(r.error)).toMatch(/^download failed: connection ended after 30000 of \d+ bytes$/);
    expect(JSON.parse((await env.w.next(`${BASE}/update`, (t) => t.includes('download failed'), { after: at })).text)).toMatchObject({
      installed_version: '0.2.0', in_progress: false,
    });
    expect(host.storage.list()).not.toContain('ota.stage');
    expect(host.bootCount).toBe(2);
  }, 60000);

  test('a web bundle is pulled and live at once', async () => {
    const wwws = packWwws([{ name: 'www_index.html', data: Buffer.from('<p>pulled dashboard</p>'), gzip: true }]);
    env.server.put('/web/1.wwws', wwws);
    const at = env.w.mark();
    await env.w.client.publishAsync(`${BASE}/cmd/update`, updateCommand('u-5', env.server, '/web/1.wwws', wwws, 'web-7', 'wwws'), { qos: 1 });
    expect(await result('u-5', at)).toEqual({ id: 'u-5', command: 'update', ok: true, version: 'web-7' });
    expect(host.storage.list()).toContain('wa_index.html');
  }, 30000);

  test('a download that stalls without closing (half-open connection) is dropped and resumed; the engine is not stuck', async () => {
    const page = new Uint8Array(6000).map((_, i) => (i * 131 + 7) & 0xff);
    const wwws = packWwws([{ name: 'www_stall.bin', data: page }]);
    env.server.put('/web/stall.wwws', wwws);
    env.server.stallNextAfter = 1000;
    const at = env.w.mark();
    await env.w.client.publishAsync(`${BASE}/cmd/update`, updateCommand('u-6', env.server, '/web/stall.wwws', wwws, 'web-8', 'wwws'), { qos: 1 });
    expect(await result('u-6', at, () => true, 30000)).toEqual({ id: 'u-6', command: 'update', ok: true, version: 'web-8' });
    expect(env.server.ranges.slice(-2)).toEqual(['', 'bytes=1000-']);
    expect(lines.some((l) => l.includes('no data for 3 s'))).toBe(true);
  }, 40000);
});

describe('a new firmware that fails its trial', () => {
  test.each([
    ['throws at start', 'throw new Error("broken at start")'],
    ['never becomes healthy', 'setInterval(function () { E.kickWatchdog(); }, 1000);'],
  ])('%s: the loader returns to the previous firmware, which reports the failure', async (_name, code) => {
    const lines: string[] = [];
    const host = await device(env, lines, { h: 1500, l: 4000 });
    const start = env.w.mark();
    await online(host, lines, '0.1.0', start);
    const pkg = bin(new Uint8Array(Buffer.from(code)), '0.9.0');
    env.server.put('/fw/bad-0.9.0.bin', pkg);
    const at = env.w.mark();
    await env.w.client.publishAsync(`${BASE}/cmd/update`, updateCommand('t-1', env.server, '/fw/bad-0.9.0.bin', pkg, '0.9.0'), { qos: 1 });
    expect(await result('t-1', at)).toMatchObject({ ok: true, restart: true });
    const failed = await result('t-1', at, (r) => r.ok === false, 40000);
    expect(failed).toEqual({ id: 't-1', command: 'update', ok: false, version: '0.1.0', error: 'firmware 0.9.0 did not start healthy; back to 0.1.0' });
    const state = JSON.parse((await env.w.next(`${BASE}/update`, (t) => t.includes('did not start'), { after: at })).text);
    expect(state).toMatchObject({ installed_version: '0.1.0', release_summary: 'firmware 0.9.0 did not start healthy; back to 0.1.0' });
    await host.stop();
  }, 90000);
});
