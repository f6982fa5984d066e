// Reboot, power cut and the watchdog: E.reboot() and a watchdog reset boot the same bundle again with the same
// Storage; timers of the old boot never fire; a hung script is rebooted by the watchdog (or, without one, the host
// halts the device); kill() is a power cut; Storage persisted to a directory survives a new host.
import { bootScript, consoleOf, sleep, tempDir } from './helpers';

const COUNT_BOOTS = `
  var S = require('Storage');
  var boots = (S.read('boots') || '') + 'x';
  S.write('boots', boots);
  console.log('boot ' + boots.length);
`;

test('E.reboot() boots the bundle again with the same Storage; old timers are gone', async () => {
  const host = await bootScript(`${COUNT_BOOTS}
    if (boots.length === 1) { setTimeout(function () { console.log('stale timer'); }, 60); setTimeout(function () { E.reboot(); }, 10); }`);
  const lines = consoleOf(host);
  expect(await host.waitFor('reboot')).toBe('E.reboot');
  await sleep(100);
  expect(host.bootCount).toBe(2);
  expect(lines).toEqual(['boot 2']);
  expect(host.storage.read('boots')).toEqual(new Uint8Array(Buffer.from('xx')));
});

test('the watchdog reboots a hung script', async () => {
  const host = await bootScript(`${COUNT_BOOTS}
    E.enableWatchdog(1);
    if (boots.length === 1) setTimeout(function () { while (true) {} }, 10);`);
  const started = Date.now();
  await host.waitFor('watchdog', undefined, 5000);
  await host.waitFor('boot', (n) => n === 2, 2000);
  expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  expect(host.state).toBe('running');
  expect(host.storage.read('boots')).toEqual(new Uint8Array(Buffer.from('xx')));
  expect(host.watchdog()).toEqual({ timeoutMs: 1000, auto: true }); // enabled again by the new boot
}, 10000);

test('a watchdog in manual mode reboots when not kicked, and not when kicked', async () => {
  const kicked = await bootScript(`E.enableWatchdog(1, false); setInterval(function () { E.kickWatchdog(); }, 200);`);
  const forgotten = await bootScript(`E.enableWatchdog(1, false);`);
  expect(forgotten.watchdog()).toEqual({ timeoutMs: 1000, auto: false });
  await forgotten.waitFor('watchdog', undefined, 3000);
  await sleep(300);
  expect(forgotten.bootCount).toBe(2);
  expect(kicked.bootCount).toBe(1);
}, 10000);

test('without a watchdog, a hung callback halts the device; powerOn boots it again', async () => {
  const host = await bootScript(`setTimeout(function () { if (!require('Storage').read('ok')) while (true) {} }, 5);`, { hangLimitMs: 200 });
  expect(await host.waitFor<string>('halt')).toMatch(/more than 200 ms/);
  expect(host.state).toBe('halted');
  host.storage.write('ok', new Uint8Array([1]));
  host.powerOn();
  expect(host.state).toBe('running');
  expect(host.bootCount).toBe(2);
});

test('kill() is a power cut: nothing runs until powerOn, Storage keeps what was written', async () => {
  const host = await bootScript(`${COUNT_BOOTS} setInterval(function () { console.log('tick'); }, 10);`);
  const lines = consoleOf(host);
  host.kill();
  expect(host.state).toBe('off');
  await sleep(50);
  expect(lines).toEqual([]);
  host.powerOn();
  expect(lines[0]).toBe('boot 2');
});

test('Storage in a directory survives the host', async () => {
  const dir = tempDir('persist');
  const first = await bootScript(COUNT_BOOTS, { storageDir: dir });
  await first.stop();
  const lines: string[] = [];
  await bootScript(COUNT_BOOTS, { storageDir: dir, log: (l) => lines.push(l) });
  expect(lines).toEqual(['boot 2']);
});

test('handle.reboot() from the host, and E.on("init") runs after the boot code', async () => {
  const out: string[] = [];
  const host = await bootScript(`E.on('init', function () { console.log('init'); }); console.log('code');`, { log: (l) => out.push(l) });
  await sleep(20);
  host.reboot();
  await sleep(20);
  expect(out.filter((l) => !l.startsWith('host:'))).toEqual(['code', 'init', 'code', 'init']);
});
