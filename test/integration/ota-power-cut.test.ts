// Power cuts during a firmware update (issue 4 "Power loss at any moment of an update leaves a bootable device"):
// the production firmware on the Node host pulls a .bin; the host is killed at each step, the instant before (or
// after) a Storage write lands, then powered on again. Every case ends on a working firmware that is online; the
// version is the old one unless the cut came after the new one was fully installed.
import { HostHandle } from '../../device/sim/host';
import { packWwws } from '../../ota/pack';
import { BASE, bin, bundleAsVersion, device, environment, Env, firmwareOf, updateCommand } from './ota-rig';

let env: Env;
let pkg: Uint8Array;
beforeAll(async () => {
  env = await environment();
  pkg = bin(await bundleAsVersion('0.2.0'), '0.2.0');
  env.server.put('/fw/0.2.0.bin', pkg);
}, 30000);
afterAll(() => env.close());

interface Write {
  name: string;
  offset: number;
}

interface Step {
  name: string;
  event: 'storage-writing' | 'storage-write';
  /** Cut when this write happens on boot `boot` (1 = the boot that downloads). */
  at: (w: Write, boot: number) => boolean;
  /** Firmware running once the device has settled after power-on. */
  ends: '0.1.0' | '0.2.0';
}

const HALF = 60000;
const STEPS: Step[] = [
  { name: 'staging starts', event: 'storage-writing', at: (w) => w.name === 'ota.stage' && w.offset === 0, ends: '0.1.0' },
  { name: 'half the package is staged', event: 'storage-writing', at: (w) => w.name === 'ota.stage' && w.offset >= HALF, ends: '0.1.0' },
  { name: 'the copy into the inactive slot starts', event: 'storage-writing', at: (w) => w.name === 'app.b' && w.offset === 0, ends: '0.1.0' },
  { name: 'half the slot is written', event: 'storage-writing', at: (w) => w.name === 'app.b' && w.offset >= HALF, ends: '0.1.0' },
  { name: 'the boot record switches (before it lands)', event: 'storage-writing', at: (w, b) => w.name.startsWith('boot.') && b === 1, ends: '0.1.0' },
  { name: 'the boot record switched (just after)', event: 'storage-write', at: (w, b) => w.name.startsWith('boot.') && b === 1, ends: '0.2.0' },
  // A cut during the trial counts as a failed trial: the loader goes back (the safe side).
  { name: 'the loader marks the trial boot', event: 'storage-write', at: (w, b) => w.name.startsWith('boot.') && b === 2, ends: '0.1.0' },
  { name: 'the healthy firmware confirms itself (before it lands)', event: 'storage-writing', at: secondOnBoot2(), ends: '0.1.0' },
];

/** The second boot record write of boot 2: the loader's "trial booted" is the first, the confirmation the second. */
function secondOnBoot2(): (w: Write, boot: number) => boolean {
  let seen = 0;
  return (w, b) => w.name.startsWith('boot.') && b === 2 && ++seen === 2;
}

async function settle(host: HostHandle, lines: string[], version: string, after: number): Promise<void> {
  await env.w.next(`${BASE}/diagnostics`, (t) => firmwareOf(t) === version, { after, ms: 25000 }).catch((e: Error) => {
    throw new Error(`${e.message}\nstate=${host.state} boots=${host.bootCount}\n${lines.slice(-20).join('\n')}`);
  });
}

test.each(STEPS.map((s) => [s.name, s] as const))('power cut when %s: the device boots and runs', async (_n, step) => {
  const lines: string[] = [];
  const host = await device(env, lines, { h: 1500, l: 15000 });
  await settle(host, lines, '0.1.0', env.w.mark());
  let cut = false;
  const onWrite = (w: Write): void => {
    if (!cut && step.at(w, host.bootCount)) {
      cut = true;
      host.kill();
    }
  };
  host.events.on(step.event, onWrite);
  await env.w.client.publishAsync(`${BASE}/cmd/update`, updateCommand('pc-1', env.server, '/fw/0.2.0.bin', pkg, '0.2.0'), { qos: 1 });
  for (let i = 0; i < 200 && host.state === 'running'; i++) await new Promise((r) => setTimeout(r, 50));
  host.events.off(step.event, onWrite);
  expect({ cut, state: host.state }).toEqual({ cut: true, state: 'off' });
  const at = env.w.mark();
  host.powerOn();
  await settle(host, lines, step.ends, at);
  if (step.ends === '0.2.0') {
    // The trial boot confirmed the new firmware after its hold time.
    await env.w.next(`${BASE}/update`, (t) => t.includes('installed 0.2.0'), { after: at, ms: 20000 });
  }
  expect(host.storage.list()).not.toContain('ota.stage');
  await host.stop();
}, 90000);

describe('web bundle (.wwws) pulls', () => {
  const one = packWwws([
    { name: 'www_index.html', data: Buffer.from('<p>dashboard one</p>'.repeat(50)), gzip: true },
    { name: 'www_app.js', data: Buffer.from('var v = 1;') },
  ]);
  const two = packWwws([
    { name: 'www_index.html', data: Buffer.from('<p>dashboard two</p>'.repeat(50)), gzip: true },
    { name: 'www_app.js', data: Buffer.from('var v = 2;') },
  ]);

  const WEB_STEPS: [string, 'storage-writing' | 'storage-write', (w: Write) => boolean, 'one' | 'two'][] = [
    ['staging starts', 'storage-writing', (w) => w.name === 'ota.stage' && w.offset === 0, 'one'],
    ['the new generation is being written', 'storage-writing', (w) => w.name.startsWith('wb_'), 'one'],
    ['the web pointer switches (before it lands)', 'storage-writing', (w) => w.name.startsWith('web.'), 'one'],
    ['the web pointer switched (just after)', 'storage-write', (w) => w.name.startsWith('web.'), 'two'],
  ];

  async function served(host: HostHandle): Promise<{ index: string; js: string }> {
    const base = `http://127.0.0.1:${host.httpPort()}`;
    const index = await (await fetch(`${base}/index.html`)).text();
    const js = await (await fetch(`${base}/app.js`)).text();
    return { index, js };
  }

  test.each(WEB_STEPS)('power cut when %s: one complete bundle is served after power-on', async (_n, event, at, ends) => {
    const lines: string[] = [];
    const host = await device(env, lines);
    await settle(host, lines, '0.1.0', env.w.mark());
    env.server.put('/web/one.wwws', one);
    env.server.put('/web/two.wwws', two);
    let mark = env.w.mark();
    await env.w.client.publishAsync(`${BASE}/cmd/update`, updateCommand('w-1', env.server, '/web/one.wwws', one, 'one', 'wwws'), { qos: 1 });
    await env.w.next(`${BASE}/cmd/result`, (t) => t.includes('"w-1"'), { after: mark });
    expect(await served(host)).toEqual({ index: '<p>dashboard one</p>'.repeat(50), js: 'var v = 1;' });
    let cut = false;
    const onWrite = (w: Write): void => {
      if (!cut && at(w)) {
        cut = true;
        host.kill();
      }
    };
    host.events.on(event, onWrite);
    await env.w.client.publishAsync(`${BASE}/cmd/update`, updateCommand('w-2', env.server, '/web/two.wwws', two, 'two', 'wwws'), { qos: 1 });
    for (let i = 0; i < 200 && host.state === 'running'; i++) await new Promise((r) => setTimeout(r, 50));
    host.events.off(event, onWrite);
    expect({ cut, state: host.state }).toEqual({ cut: true, state: 'off' });
    mark = env.w.mark();
    host.powerOn();
    await settle(host, lines, '0.1.0', mark);
    const n = ends === 'one' ? 1 : 2;
    const word = ends;
    expect(await served(host)).toEqual({ index: `<p>dashboard ${word}</p>`.repeat(50), js: `var v = ${n};` });
    // Only the live generation's files remain (a half-written one is erased at boot).
    expect(host.storage.list().filter((f) => /^w[ab]_/.test(f)).sort()).toEqual(ends === 'one' ? ['wa_app.js', 'wa_index.html'] : ['wb_app.js', 'wb_index.html']);
    await host.stop();
  }, 60000);
});
