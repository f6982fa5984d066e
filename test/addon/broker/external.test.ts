// The add-on's link to a broker it does not run (the Supervisor's Mosquitto, or one from the options), against real
// aedes and Mosquitto: login, subscribe/publish, retained flag, reconnect after a broker restart with the
// subscription restored, a refused login that names no password.
import { connectExternalBroker } from '../../../addon/src/broker/external';
import { LinkMessage, MqttLink } from '../../../addon/src/broker/link';
import { Logger } from '../../../addon/src/service';
import { Broker, startAedes, startMosquitto } from '../../helpers/brokers';
import { connect, until } from './mqtt-clients';

const USER = 'addons';
const PASSWORD = 'Addon-Secret-5d21';

function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const add = (level: string) => (m: string) => lines.push(`${level} ${m}`);
  return { lines, debug: add('debug'), info: add('info'), warn: add('warn'), error: add('error') };
}

const brokers: [string, (o: { port?: number; username: string; password: string }) => Promise<Broker>][] = [
  ['aedes', startAedes],
  ['mosquitto', startMosquitto],
];

describe.each(brokers)('external broker link on %s', (_name, start) => {
  let broker: Broker;
  let link: MqttLink | null = null;
  beforeEach(async () => {
    broker = await start({ username: USER, password: PASSWORD });
  });
  afterEach(async () => {
    await link?.close();
    link = null;
    await broker.stop();
  });

  test('publishes, subscribes and sees the retained flag', async () => {
    const logger = memoryLogger();
    const states: boolean[] = [];
    const other = await connect(broker.url, { username: USER, password: PASSWORD, clientId: 'device' });
    await other.publishAsync('mep/mep_240ac4123456/availability', 'online', { qos: 1, retain: true });
    link = await connectExternalBroker({
      host: '127.0.0.1', port: broker.port, ssl: false, username: USER, password: PASSWORD, logger,
      onConnection: (c) => states.push(c),
    });
    expect(link.kind).toBe('external');
    expect(link.connected()).toBe(true);
    expect(states).toEqual([true]);
    const got: LinkMessage[] = [];
    link.onMessage((m) => got.push(m));
    await link.subscribe('mep/#');
    await until(() => got.length === 1, 3000, 'the retained message');
    expect(got[0]).toMatchObject({ topic: 'mep/mep_240ac4123456/availability', retained: true });
    expect(got[0]?.payload.toString()).toBe('online');
    const echoed: string[] = [];
    other.on('message', (_t, p) => echoed.push(p.toString()));
    await other.subscribeAsync('mep/+/cmd/+');
    await link.publish('mep/mep_240ac4123456/cmd/poll', '{"id":"1"}', { qos: 1, retain: false });
    await other.publishAsync('mep/mep_240ac4123456/state', '{"power_import":5}', { qos: 1 });
    await until(() => echoed.length === 1 && got.length === 3, 3000, 'both directions');
    expect(got[2]).toMatchObject({ topic: 'mep/mep_240ac4123456/state', retained: false });
    await other.endAsync();
    expect(logger.lines.join('\n')).not.toContain(PASSWORD);
  });

  test('reconnects after the broker restarts and keeps its subscription', async () => {
    const states: boolean[] = [];
    link = await connectExternalBroker({
      host: '127.0.0.1', port: broker.port, ssl: false, username: USER, password: PASSWORD, logger: memoryLogger(),
      reconnectPeriodMs: 200, onConnection: (c) => states.push(c),
    });
    const got: string[] = [];
    link.onMessage((m) => got.push(m.payload.toString()));
    await link.subscribe('mep/+/state');
    const port = broker.port;
    await broker.stop();
    await until(() => states.includes(false), 5000, 'the disconnect');
    expect(link.connected()).toBe(false);
    broker = await start({ port, username: USER, password: PASSWORD });
    await until(() => link!.connected(), 10000, 'the reconnect');
    expect(states[states.length - 1]).toBe(true);
    const device = await connect(broker.url, { username: USER, password: PASSWORD, clientId: 'device2' });
    await device.publishAsync('mep/mep_240ac4123456/state', '{"power_import":7}', { qos: 1 });
    await until(() => got.length === 1, 3000, 'a message after the reconnect');
    await device.endAsync();
  });

  test('a broker that is down at start-up: the link starts anyway, subscribes later, and works once it is up', async () => {
    const port = broker.port;
    await broker.stop();
    const states: boolean[] = [];
    const started = Date.now();
    link = await connectExternalBroker({
      host: '127.0.0.1', port, ssl: false, username: USER, password: PASSWORD, logger: memoryLogger(),
      reconnectPeriodMs: 200, firstConnectTimeoutMs: 500, onConnection: (c) => states.push(c),
    });
    expect(link.connected()).toBe(false);
    const got: string[] = [];
    link.onMessage((m) => got.push(m.topic));
    await link.subscribe('mep/+/state');
    expect(Date.now() - started).toBeLessThan(3000);
    broker = await start({ port, username: USER, password: PASSWORD });
    await until(() => link!.connected(), 10000, 'the first connection');
    const device = await connect(broker.url, { username: USER, password: PASSWORD, clientId: 'late-device' });
    await until(async () => {
      await device.publishAsync('mep/mep_240ac4123456/state', '{}', { qos: 1 });
      return got.length > 0;
    }, 5000, 'a message through the late subscription');
    await device.endAsync();
  });

  test('a refused login is a clear error without the password', async () => {
    const logger = memoryLogger();
    const wrong = 'Wrong-Secret-0000';
    const error = await connectExternalBroker({
      host: '127.0.0.1', port: broker.port, ssl: false, username: USER, password: wrong, logger,
    }).then(() => null, (e: Error) => e);
    expect(error?.message).toMatch(/refused the login/);
    expect(error?.message).not.toContain(wrong);
    expect(logger.lines.join('\n')).not.toContain(wrong);
  });
});
