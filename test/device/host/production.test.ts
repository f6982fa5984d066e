// The PRODUCTION bundle (device/build → firmware.js) boots on the host and runs startApp without an uncaught error,
// with and without settings in Storage. The application's behaviour is tested elsewhere.
import { MeterSimulator } from '../../../device/sim/meter-sim';
import { boot, productionBundle, sleep } from './helpers';

const KEY = 'ABCDEFGHIJKLMNOPQRST';

test.each([
  ['empty Storage', undefined],
  ['settings in Storage', { name: 'test', wifi: { ssid: 'home', password: 'password1' }, mqtt: { host: '127.0.0.1', port: 1, username: '', password: '', baseTopic: 'mep', discoveryPrefix: 'homeassistant', compatibility: false }, meter: { key: KEY, pollIntervalS: 10, replyDigest: 'log' }, login: { user: 'admin', passwordHash: '' } }],
])('boots with %s', async (_name, settings) => {
  const sim = new MeterSimulator({ key: KEY });
  const uncaught: string[] = [];
  const consoleLines: string[] = [];
  const host = await boot({ bundlePath: await productionBundle(), meter: sim, settings, log: (l) => consoleLines.push(l) });
  host.events.on('uncaught', (m: string) => uncaught.push(m));
  await sleep(300);
  expect(host.state).toBe('running');
  expect(host.bootCount).toBe(1);
  expect(uncaught).toEqual([]);
  expect(consoleLines.filter((l) => l.startsWith('Uncaught'))).toEqual([]);
  expect(consoleLines.length).toBeGreaterThan(0); // startApp ran and said something
  await host.stop();
  sim.close();
});
