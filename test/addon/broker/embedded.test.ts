// The embedded aedes broker as the add-on runs it (BrokerService in its own process, broker-runner.ts), seen by
// real MQTT clients: logins in add-on mode, per-device topics, oversized payloads, retained messages across a
// restart, and local mode bound to 127.0.0.1 with anonymous clients.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as net from 'node:net';
import fc from 'fast-check';
import { MqttClient } from 'mqtt';
import { baseOptions, RunningBroker, startRunner } from './runner-process';
import { closedWithin, collect, connect, granted, loginCode, sleep, until } from './mqtt-clients';

const ADMIN = { username: 'ha-admin', password: 'Admin-Pw-7f3a9c' };
const DEVICE_PASSWORD = 'Device-Pw-91be22';
const MBK = 'ABCDEFGHIJKLMNOPQRST';
const A = 'mep_240ac4123456';
const B = 'mep_240ac4abcdef';

/** MQTT 3.1.1 CONNECT with user name and password (§3.1), for a raw socket. */
function connectPacket(user: string, password: string, clientId: string): Buffer {
  const str = (s: string) => {
    const b = Buffer.from(s);
    return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
  };
  const body = Buffer.concat([str('MQTT'), Buffer.from([4, 0xc2, 0, 60]), str(clientId), str(user), str(password)]);
  return Buffer.concat([Buffer.from([0x10, body.length]), body]);
}

function addonOptions() {
  return baseOptions({ embedded_broker: { port: 0, ...ADMIN, device_password: DEVICE_PASSWORD } });
}

describe('embedded broker, add-on mode', () => {
  let dataDir: string;
  let broker: RunningBroker;
  let url: string;
  const clients: MqttClient[] = [];
  const open = async (o: Parameters<typeof connect>[1]): Promise<MqttClient> => {
    const c = await connect(url, o);
    clients.push(c);
    return c;
  };
  const admin = () => open({ ...ADMIN, clientId: `admin-${clients.length}` });
  const device = (id: string) => open({ username: id, password: DEVICE_PASSWORD, clientId: id });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mep-embedded-'));
    broker = await startRunner({ options: addonOptions(), mode: 'addon', dataDir, withRegistry: true });
    url = `mqtt://127.0.0.1:${broker.port}`;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  });
  afterAll(async () => {
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('authentication is always on: anonymous and wrong passwords are refused, the logins from the options work', async () => {
    expect(broker.kind).toBe('embedded');
    expect(await loginCode(url, { clientId: 'anon' })).toBe(4);
    expect(await loginCode(url, { username: ADMIN.username, password: 'wrong', clientId: 'x' })).toBe(4);
    expect(await loginCode(url, { username: A, password: 'wrong', clientId: A })).toBe(4);
    expect(await loginCode(url, { ...ADMIN, clientId: 'tool' })).toBe(0);
    expect(await loginCode(url, { username: A, password: DEVICE_PASSWORD, clientId: A })).toBe(0);
    // A device must use its own id as client id: it cannot take over another device's session.
    expect(await loginCode(url, { username: A, password: DEVICE_PASSWORD, clientId: B })).toBe(4);
  });

  test('a device publishes under its own topics; under another device\'s topics it is refused', async () => {
    const watcher = await admin();
    const seen = collect(watcher);
    await watcher.subscribeAsync('#');
    const a = await device(A);
    await a.publishAsync(`mep/${A}/state`, '{"power_import":1}', { qos: 1 });
    await a.publishAsync(`homeassistant/device/${A}/config`, '{"dev":{"ids":["x"]}}', { qos: 1 });
    await until(() => seen.length === 2, 3000, 'own messages');
    a.publish(`mep/${B}/state`, '{"power_import":666}', { qos: 1 });
    expect(await closedWithin(a, 2000)).toBe(true);
    const a2 = await device(A);
    a2.publish(`homeassistant/device/${B}/config`, '{}', { qos: 1 });
    expect(await closedWithin(a2, 2000)).toBe(true);
    const a3 = await device(A);
    a3.publish(`mep/${A}/cmd/config`, JSON.stringify({ id: '1', meter: { key: MBK } }), { qos: 1 });
    expect(await closedWithin(a3, 2000)).toBe(true);
    await sleep(200);
    expect(seen.map((m) => m.topic)).toEqual([`mep/${A}/state`, `homeassistant/device/${A}/config`]);
    expect(broker.log()).toMatch(/refused publish from mep_240ac4123456/);
  });

  test('a device subscribes to its own commands and HA\'s status only', async () => {
    const a = await device(A);
    const grants = (filter: string) => granted(a, filter);
    expect(await grants(`mep/${A}/cmd/+`)).toBe(1);
    expect(await grants('homeassistant/status')).toBe(1);
    expect(await grants(`mep/${B}/cmd/+`)).toBe(128);
    expect(await grants('#')).toBe(128);
    expect(await grants('mep/+/cmd/config')).toBe(128);
  });

  test('a custom base topic ending in the device id works; the add-on still commands the device', async () => {
    const watcher = await admin();
    const seen = collect(watcher);
    await watcher.subscribeAsync('house/#');
    const a = await device(A);
    const commands = collect(a);
    await a.subscribeAsync(`house/meters/${A}/cmd/+`, { qos: 1 });
    await a.publishAsync(`house/meters/${A}/state`, '{"power_import":2}', { qos: 1 });
    await watcher.publishAsync(`house/meters/${A}/cmd/poll`, '{"id":"p1"}', { qos: 1 });
    await until(() => seen.length >= 1 && commands.length === 1, 3000, 'custom base traffic');
    expect(commands[0]?.topic).toBe(`house/meters/${A}/cmd/poll`);
  });

  test('an oversized payload is refused and the broker keeps running', async () => {
    const watcher = await admin();
    const seen = collect(watcher);
    await watcher.subscribeAsync('mep/#');
    const big = await admin();
    big.publish(`mep/${A}/state`, Buffer.alloc(300 * 1024, 0x41), { qos: 1 });
    expect(await closedWithin(big, 3000)).toBe(true);
    const a = await device(A);
    await a.publishAsync(`mep/${A}/state`, '{"power_import":3}', { qos: 1 });
    await until(() => seen.length === 1, 3000, 'a normal message after the oversized one');
    expect(seen[0]?.payload).toBe('{"power_import":3}');
    expect(broker.alive()).toBe(true);
    expect(broker.log()).toMatch(/refused 307200-byte message/);
  });

  test('a packet announcing a huge size is cut off before its body arrives', async () => {
    const socket = net.connect(broker.port!, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(connectPacket(ADMIN.username, ADMIN.password, 'raw-tool'));
    await new Promise((resolve) => socket.once('data', resolve)); // CONNACK
    const closed = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 3000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    socket.on('error', () => undefined);
    // PUBLISH announcing 200 MB (remaining length 0x80 0x84 0xaf 0x5f), then only a few bytes of it.
    socket.write(Buffer.from([0x30, 0x80, 0x84, 0xaf, 0x5f, 0x00, 0x01, 0x78, 0x41, 0x41]));
    expect(await closed).toBe(true);
    expect(broker.log()).toMatch(/closed a connection from .*: a 200000000-byte packet/);
    expect(await loginCode(url, { ...ADMIN, clientId: 'after' })).toBe(0);
  });

  test('garbage on the device topics: the add-on keeps running and keeps what it knew', async () => {
    const a = await device(A);
    await a.publishAsync(`homeassistant/device/${A}/config`, JSON.stringify({ dev: { ids: [A], name: 'Garage' }, cmps: {} }), { qos: 1 });
    await a.publishAsync(`mep/${A}/state`, '{"energy_import":42.5}', { qos: 1 });
    await until(async () => (await broker.meters()).some((m) => m.deviceId === A && m.state?.energy_import === 42.5), 3000, 'the meter');
    const tool = await admin();
    const suffixes = ['state', 'diagnostics', 'availability', 'update', 'cmd/result', 'update/install', 'x'];
    const samples = fc.sample(
      fc.tuple(fc.constantFrom(...suffixes.map((x) => `mep/${A}/${x}`), `homeassistant/device/${A}/config`), fc.oneof(fc.json(), fc.uint8Array({ maxLength: 300 }))),
      { numRuns: 150, seed: 5 },
    );
    for (const [topic, payload] of samples) {
      if (topic.endsWith('/config') && (typeof payload === 'string' ? payload === '' : payload.length === 0)) continue;
      await tool.publishAsync(topic, typeof payload === 'string' ? payload : Buffer.from(payload), { qos: 1 });
    }
    expect(broker.alive()).toBe(true);
    const meter = (await broker.meters()).find((m) => m.deviceId === A);
    expect(meter?.name).toBe('Garage');
    expect(typeof meter?.state?.energy_import).toBe('number');
  });

  test('the log never contains a password', () => {
    const log = broker.log();
    expect(log).not.toContain(ADMIN.password);
    expect(log).not.toContain(DEVICE_PASSWORD);
    expect(log).not.toContain(MBK);
  });
});

describe('embedded broker, retained messages across a restart', () => {
  test('discovery and availability come back after a restart; retained commands are never stored', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mep-retained-'));
    try {
      let broker = await startRunner({ options: addonOptions(), mode: 'addon', dataDir, withRegistry: true });
      let url = `mqtt://127.0.0.1:${broker.port}`;
      const a = await connect(url, { username: A, password: DEVICE_PASSWORD, clientId: A });
      await a.publishAsync(`homeassistant/device/${A}/config`, '{"dev":{"ids":["mep_240ac4123456"]}}', { qos: 1, retain: true });
      await a.publishAsync(`mep/${A}/availability`, 'online', { qos: 1, retain: true });
      await a.publishAsync(`mep/${A}/state`, '{"energy_import":12.5}', { qos: 0 });
      await until(async () => (await broker.meters())[0]?.state?.energy_import === 12.5, 3000, 'the registry to see the device');
      await a.endAsync();
      const tool = await connect(url, { ...ADMIN, clientId: 'tool' });
      await tool.publishAsync(`mep/${A}/cmd/config`, JSON.stringify({ id: '9', meter: { key: MBK } }), { qos: 1, retain: true });
      await tool.publishAsync('tool/scratch', 'x', { qos: 1, retain: true });
      await tool.publishAsync('tool/scratch', '', { qos: 1, retain: true }); // cleared again
      await tool.endAsync();
      expect(await broker.stop()).toBe(0);

      broker = await startRunner({ options: addonOptions(), mode: 'addon', dataDir, withRegistry: true });
      url = `mqtt://127.0.0.1:${broker.port}`;
      // The add-on's own registry (in-process link) knows the meter again before any device reconnects.
      const meters = await broker.meters();
      expect(meters.map((m) => [m.deviceId, m.online])).toEqual([[A, true]]);
      const watcher = await connect(url, { ...ADMIN, clientId: 'watcher' });
      const seen = collect(watcher);
      await watcher.subscribeAsync('#');
      await until(() => seen.length >= 2, 3000, 'retained messages');
      await sleep(200);
      expect(seen.map((m) => [m.topic, m.payload, m.retain]).sort()).toEqual([
        [`homeassistant/device/${A}/config`, '{"dev":{"ids":["mep_240ac4123456"]}}', true],
        [`mep/${A}/availability`, 'online', true],
      ]);
      await watcher.endAsync();
      expect(await broker.stop()).toBe(0);
      const stored = JSON.parse(readFileSync(join(dataDir, 'retained.json'), 'utf8')) as { messages: { topic: string; payload: string }[] };
      expect(stored.messages.map((m) => m.topic).sort()).toEqual([`homeassistant/device/${A}/config`, `mep/${A}/availability`]);
      expect(stored.messages.some((m) => Buffer.from(m.payload, 'base64').toString().includes(MBK))).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('embedded broker, local mode (npm start)', () => {
  test('listens on 127.0.0.1 only and admits anonymous clients', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mep-local-'));
    const broker = await startRunner({ options: baseOptions(), mode: 'local', dataDir });
    try {
      expect(broker.describe).toMatch(/127\.0\.0\.1.*anonymous clients allowed/);
      const url = `mqtt://127.0.0.1:${broker.port}`;
      const anon = await connect(url, { clientId: 'anon' });
      const seen = collect(anon);
      await anon.subscribeAsync('#');
      await anon.publishAsync('anything/at/all', 'ok', { qos: 1 });
      await until(() => seen.length === 1, 3000, 'anonymous round trip');
      await anon.endAsync();
      const outside = Object.values(networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal);
      if (outside) {
        await expect(connect(`mqtt://${outside.address}:${broker.port}`, { clientId: 'lan', connectTimeout: 2000 })).rejects.toThrow();
      }
      expect(broker.log()).toMatch(/listening on 127\.0\.0\.1:/);
    } finally {
      await broker.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
