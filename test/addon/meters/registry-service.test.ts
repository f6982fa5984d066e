// The registry service and the device commander on a real broker (aedes), with a bridge played by an mqtt.js
// client publishing exactly what the firmware publishes (discovery/ builders): bus events, MeterView, commands
// answered by id or timed out, never retained, the MBK key never in a log line.
import mqtt, { MqttClient } from 'mqtt';
import { buildDiscoveryPayload } from '../../../discovery';
import { connectExternalBroker } from '../../../addon/src/broker/external';
import { MqttLink } from '../../../addon/src/broker/link';
import { EventBus, EventMap } from '../../../addon/src/bus';
import { createLogger } from '../../../addon/src/log';
import { MqttDeviceCommander } from '../../../addon/src/meters/commander';
import { MeterRegistryService } from '../../../addon/src/meters/registry-service';
import { Broker, startAedes } from '../../helpers/brokers';
import { until } from '../broker/mqtt-clients';
import { ctx, DIAG_NO_REPLY, DIAG_ONLINE, ID_A, STATE } from './fixtures';

const MBK = 'ABCDEFGHIJKLMNOPQRST';
const BASE = `mep/${ID_A}`;

let broker: Broker;
let link: MqttLink;
let bridge: MqttClient;
let bus: EventBus;
let registry: MeterRegistryService;
let commander: MqttDeviceCommander;
const lines: string[] = [];
const events: { name: keyof EventMap; payload: unknown }[] = [];

beforeAll(async () => {
  broker = await startAedes();
  const logger = createLogger('debug', 'test', (l) => lines.push(l));
  bus = new EventBus((m) => lines.push(m));
  for (const name of ['meterChanged', 'meterState', 'meterDiagnostics', 'meterAvailability', 'meterUpdateState', 'commandResult', 'installRequested', 'meterRemoved'] as const) {
    bus.on('test', name, (payload) => events.push({ name, payload }));
  }
  link = await connectExternalBroker({ host: '127.0.0.1', port: broker.port, ssl: false, logger });
  registry = new MeterRegistryService({ bus, link, logger });
  await registry.start();
  commander = new MqttDeviceCommander({ publisher: link, bus, registry, logger, timeoutMs: 1500 });
  bridge = await mqtt.connectAsync(broker.url, { clientId: ID_A, will: { topic: `${BASE}/availability`, payload: Buffer.from('offline'), qos: 1, retain: true } });
});

afterAll(async () => {
  commander.dispose();
  await registry.stop();
  await bridge.endAsync(true);
  await link.close();
  await broker.stop();
});

test('what a bridge publishes becomes a meter in the registry, with bus events', async () => {
  await bridge.publishAsync(`homeassistant/device/${ID_A}/config`, buildDiscoveryPayload(ctx(ID_A)), { qos: 1, retain: true });
  await bridge.publishAsync(`${BASE}/availability`, 'online', { qos: 1, retain: true });
  await bridge.publishAsync(`${BASE}/diagnostics`, DIAG_NO_REPLY, { qos: 1, retain: true });
  await until(() => registry.get(ID_A)?.diagnostics?.link_state === 'no-reply', 3000, 'diagnostics');
  expect(registry.get(ID_A)?.problems.map((p) => p.message)).toEqual(['The meter does not answer: is the MEP port enabled by your utility?']);
  await bridge.publishAsync(`${BASE}/diagnostics`, DIAG_ONLINE, { qos: 1, retain: true });
  await bridge.publishAsync(`${BASE}/state`, STATE, { qos: 0 });
  await until(() => registry.get(ID_A)?.state !== null, 3000, 'state');
  const view = registry.list()[0];
  expect(view).toMatchObject({ deviceId: ID_A, name: 'Kitchen meter', online: true, phases: 3, firmware: '0.1.0', problems: [] });
  const names = events.map((e) => e.name);
  expect(names).toEqual(expect.arrayContaining(['meterChanged', 'meterAvailability', 'meterDiagnostics', 'meterState']));
  expect(events.find((e) => e.name === 'meterState')?.payload).toEqual({ deviceId: ID_A, state: JSON.parse(STATE) });
});

test('HA\'s install button becomes installRequested', async () => {
  await bridge.publishAsync(`${BASE}/update/install`, 'install', { qos: 1 });
  await until(() => events.some((e) => e.name === 'installRequested'), 3000, 'installRequested');
});

test('configure: published once, not retained, answered by id; the key never reaches the log', async () => {
  const received: { topic: string; payload: string; retain: boolean }[] = [];
  bridge.on('message', (topic, payload, packet) => {
    received.push({ topic, payload: payload.toString(), retain: packet.retain });
    const cmd = JSON.parse(payload.toString()) as { id: string };
    if (topic.endsWith('/cmd/config')) {
      bridge.publish(`${BASE}/cmd/result`, JSON.stringify({ id: cmd.id, command: 'config', ok: true, applied: ['meter.key'] }), { qos: 1 });
    }
  });
  await bridge.subscribeAsync(`${BASE}/cmd/+`, { qos: 1 });
  const result = await commander.configure(ID_A, { meter: { key: MBK, poll_interval_s: 10 } });
  expect(result).toMatchObject({ command: 'config', ok: true, applied: ['meter.key'] });
  const configs = received.filter((m) => m.topic === `${BASE}/cmd/config`);
  expect(configs).toHaveLength(1);
  expect(configs[0]?.retain).toBe(false);
  expect(JSON.parse(configs[0]!.payload)).toEqual({ meter: { key: MBK, poll_interval_s: 10 }, id: result.id });
  // A client arriving later gets no retained copy of the command.
  const late = await mqtt.connectAsync(broker.url, { clientId: 'late' });
  const lateGot: string[] = [];
  late.on('message', (t) => lateGot.push(t));
  await late.subscribeAsync(`${BASE}/cmd/#`);
  await new Promise((r) => setTimeout(r, 300));
  await late.endAsync();
  expect(lateGot).toEqual([]);
  expect(lines.join('\n')).toMatch(/sending config to mep_240ac4123456: .*"key":"\*\*\*"/);
  expect(lines.join('\n')).not.toContain(MBK);
});

test('a command the device never answers resolves as a timeout; a result for another id does not count', async () => {
  bridge.removeAllListeners('message');
  bridge.on('message', () => {
    bridge.publish(`${BASE}/cmd/result`, JSON.stringify({ id: 'someone-else', command: 'restart', ok: true }), { qos: 1 });
  });
  const result = await commander.restart(ID_A);
  expect(result).toEqual({ id: result.id, command: 'restart', ok: false, error: 'the device did not answer within 2 s' });
  expect(await commander.poll('not-a-device')).toMatchObject({ ok: false, error: 'not a bridge device id' });
});

test('update command: the device gets the one-time token, the log does not', async () => {
  bridge.removeAllListeners('message');
  let seen: { token?: string } = {};
  bridge.on('message', (topic, payload) => {
    if (!topic.endsWith('/cmd/update')) return;
    const cmd = JSON.parse(payload.toString()) as { id: string; token: string };
    seen = cmd;
    bridge.publish(`${BASE}/cmd/result`, JSON.stringify({ id: cmd.id, command: 'update', ok: true, version: '0.2.0' }), { qos: 1 });
  });
  const token = 'one-time-token-5f0e9a';
  const result = await commander.update(ID_A, {
    kind: 'wwws', url: 'http://192.168.1.2:8100/p/1', size: 1000, sha256: 'ab'.repeat(32), version: '0.2.0', token,
  });
  expect(result).toMatchObject({ command: 'update', ok: true, version: '0.2.0' });
  expect(seen.token).toBe(token);
  expect(lines.join('\n')).toMatch(/sending update to mep_240ac4123456: .*"token":"\*\*\*"/);
  expect(lines.join('\n')).not.toContain(token);
});

test('the Last Will marks the meter offline', async () => {
  bridge.stream.destroy(); // a power cut: no DISCONNECT, the broker sends the will
  await until(() => registry.get(ID_A)?.online === false, 5000, 'offline');
  expect(registry.get(ID_A)?.problems.map((p) => p.code)).toEqual(['offline']);
  expect(registry.get(ID_A)?.state).not.toBeNull(); // the last reading is kept
});
