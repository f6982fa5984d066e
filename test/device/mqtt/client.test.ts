// MqttClient on virtual time against a scripted broker: backoff, keep-alive, timeouts, queueing, QoS 1 resend and
// error reporting, exactly and fast. client.integration.test.ts runs the same client against aedes and mosquitto.
import * as mqttPacket from 'mqtt-packet';
import { MqttClient } from '../../../device/src/mqtt/client';
import { MqttClientOptions, MqttError } from '../../../device/src/mqtt/options';
import { FakeBroker, FakeClock, fakeClock } from './fake-broker';

interface Rig {
  clock: FakeClock;
  broker: FakeBroker;
  client: MqttClient;
  logs: string[];
  errors: MqttError[];
  events: string[];
  messages: [string, string, any][];
}

function rig(options?: Partial<MqttClientOptions>, random?: () => number): Rig {
  const clock = fakeClock();
  const broker = new FakeBroker(clock);
  const logs: string[] = [];
  const client = new MqttClient(
    { tcp: broker, clock, random: random || (() => 0.5), log: (line) => logs.push(line) },
    {
      host: 'broker.local',
      port: 1883,
      clientId: 'mep-0042',
      username: 'mep',
      password: 'S3cret-pw!',
      keepaliveS: 60,
      will: { topic: 'mep/0042/availability', payload: 'offline', qos: 1, retain: true },
      backoff: { initialMs: 1000, maxMs: 60000 },
      ...options,
    },
  );
  const r: Rig = { clock, broker, client, logs, errors: [], events: [], messages: [] };
  client.on('error', (e) => r.errors.push(e));
  client.on('connected', () => r.events.push('connected'));
  client.on('disconnected', (reason) => r.events.push(`disconnected: ${reason}`));
  client.on('message', (topic, payload, info) => r.messages.push([topic, Buffer.from(payload).toString(), info]));
  return r;
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

describe('MqttClient: connecting', () => {
  test('[§3.1] CONNECT carries client id, credentials, keep-alive, clean session and the Will', () => {
    const r = rig();
    r.client.start();
    expect(r.client.status().state).toBe('connecting');
    r.clock.advance(10);
    const connect = r.broker.last.of('connect')[0];
    expect(connect).toMatchObject({
      clientId: 'mep-0042', username: 'mep', keepalive: 60, clean: true, protocolVersion: 4,
      will: { topic: 'mep/0042/availability', qos: 1, retain: true },
    });
    expect(connect.password.toString()).toBe('S3cret-pw!');
    expect(connect.will.payload.toString()).toBe('offline');
    expect(r.client.status()).toMatchObject({ state: 'connected', reconnects: 0, lastError: null });
    expect(r.events).toEqual(['connected']);
  });

  test('the password never reaches the log or describe()', () => {
    const r = rig({ connectTimeoutMs: 500 });
    r.broker.connackCode = 4;
    r.client.start();
    r.clock.advance(200000);
    r.client.stop();
    const text = [...r.logs, r.client.describe(), ...r.errors.map((e) => e.message), JSON.stringify(r.client.status())].join('\n');
    expect(text).not.toContain('S3cret-pw!');
    expect(r.client.describe()).toBe("mqtt://mep@broker.local:1883 client 'mep-0042', keepalive 60 s, password set");
  });

  test('unreachable broker: exponential backoff with jitter, capped at maxMs', () => {
    const r = rig({}, () => 0.5); // delay = 0.75 * step
    r.broker.mode = 'refuse';
    r.client.start();
    r.clock.advance(5 * 60000);
    const delays = gaps(r.broker.attempts).map((g) => g - 1); // the refusal itself takes 1 ms
    expect(delays.slice(0, 8)).toEqual([750, 1500, 3000, 6000, 12000, 24000, 45000, 45000]);
    expect(r.client.status().state).toBe('backoff');
    expect(r.errors[0]).toMatchObject({ code: 'connect-failed', message: 'connect ECONNREFUSED' });
    expect(r.client.status().lastError).toEqual({ code: 'connect-failed', message: 'connect ECONNREFUSED' });
  });

  test('jitter spreads the delays over [step/2, step)', () => {
    let i = 0;
    const values = [0, 0.99, 0.25];
    const r = rig({}, () => values[i++ % 3]!);
    r.broker.mode = 'refuse';
    r.client.start();
    r.clock.advance(10000);
    expect(gaps(r.broker.attempts).slice(0, 3).map((g) => g - 1)).toEqual([500, 1990, 2500]);
  });

  test('backoff resets after a connection that held (30 s or more)', () => {
    const r = rig();
    r.broker.mode = 'refuse';
    r.client.start();
    r.clock.advance(30000); // several failures: the step has grown
    r.broker.mode = 'accept';
    r.clock.advance(60000);
    expect(r.client.status().state).toBe('connected');
    const before = r.broker.attempts.length;
    r.broker.last.drop();
    expect(r.events).toEqual(['connected', 'disconnected: socket closed']);
    r.clock.advance(749);
    expect(r.broker.attempts.length).toBe(before);
    r.clock.advance(10);
    expect(r.broker.attempts.length).toBe(before + 1);
    expect(r.client.status()).toMatchObject({ state: 'connected', reconnects: 1 });
  });

  test('a broker that accepts and then drops the client at once gets a growing back-off, not a reconnect storm', () => {
    const r = rig();
    r.client.start();
    r.clock.advance(10);
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      r.broker.last.drop(); // e.g. a second device with the same client id takes over
      const before = r.broker.attempts.length;
      const droppedAt = r.clock.now();
      while (r.broker.attempts.length === before) r.clock.advance(50);
      delays.push(r.broker.attempts[before]! - droppedAt);
      r.clock.advance(1000); // connected again, but only briefly
    }
    for (let i = 1; i < delays.length; i++) expect(delays[i]!).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(delays[delays.length - 1]!).toBeGreaterThanOrEqual(30000);
  });

  test('tcp.connect throwing (Espruino on Linux) is a failed attempt, not an exception', () => {
    const r = rig();
    r.broker.mode = 'throw';
    expect(() => r.client.start()).not.toThrow();
    expect(r.errors[0]!.code).toBe('connect-failed');
    r.clock.advance(800);
    expect(r.broker.attempts).toHaveLength(2);
  });

  test('no CONNACK within connectTimeoutMs: the attempt is abandoned and retried', () => {
    const r = rig({ connectTimeoutMs: 5000 });
    r.broker.mode = 'hang';
    r.client.start();
    r.clock.advance(5000);
    expect(r.errors.map((e) => e.code)).toEqual(['connect-timeout']);
    expect(r.broker.last.ended).toBe(true);
    r.clock.advance(750);
    expect(r.broker.attempts).toHaveLength(2);
  });

  test.each([4, 5])('[§3.2.2.3] CONNACK %i: not-authorized, retried at the longest step, never a tight loop', (code) => {
    const r = rig({}, () => 0.5);
    r.broker.connackCode = code;
    r.client.start();
    r.clock.advance(10);
    expect(r.client.status().state).toBe('not-authorized');
    expect(r.errors[0]!.code).toBe('not-authorized');
    expect(r.errors[0]!.message).toContain(code === 4 ? 'bad user name or password' : 'not authorized');
    r.clock.advance(10 * 60000);
    expect(gaps(r.broker.attempts).every((g) => g >= 45000)).toBe(true);
    expect(r.broker.attempts.length).toBeLessThanOrEqual(15);
    expect(r.client.status().state).toBe('not-authorized');
    r.broker.connackCode = 0; // credentials fixed on the broker
    r.clock.advance(60000);
    expect(r.client.status().state).toBe('connected');
  });

  test('[§3.2.2.3] CONNACK 2 (identifier rejected) waits the longest step; 3 (server unavailable) backs off normally', () => {
    const r2 = rig();
    r2.broker.connackCode = 2;
    r2.client.start();
    r2.clock.advance(100000);
    expect(r2.client.status().state).toBe('backoff');
    expect(r2.errors[0]).toMatchObject({ code: 'connack-refused', message: 'broker refused the connection: identifier rejected (2)' });
    expect(gaps(r2.broker.attempts)[0]).toBeGreaterThanOrEqual(45000);
    const r3 = rig();
    r3.broker.connackCode = 3;
    r3.client.start();
    r3.clock.advance(2000);
    expect(gaps(r3.broker.attempts)[0]).toBeLessThan(1000);
  });

  test('stop(): DISCONNECT, socket closed, no reconnect, no Will', () => {
    const r = rig();
    r.client.start();
    r.clock.advance(10);
    const conn = r.broker.last;
    r.client.stop();
    expect(conn.packets.map((p) => p.cmd)).toEqual(['connect', 'disconnect']);
    expect(conn.ended).toBe(true);
    r.clock.advance(600000);
    expect(r.broker.attempts).toHaveLength(1);
    expect(r.client.status().state).toBe('stopped');
    expect(r.events).toEqual(['connected', 'disconnected: stopped']);
  });
});

describe('MqttClient: keep-alive', () => {
  test('[§3.1.2.10] PINGREQ when idle; answered pings keep the connection', () => {
    const r = rig({ keepaliveS: 10 });
    r.client.start();
    r.clock.advance(60000);
    const pings = r.broker.last.of('pingreq').length;
    expect(pings).toBeGreaterThanOrEqual(5);
    expect(pings).toBeLessThanOrEqual(6);
    expect(r.broker.connections).toHaveLength(1);
  });

  test('a busy publisher still pings when the broker is silent, so the silence check cannot misfire', () => {
    const r = rig({ keepaliveS: 10 });
    r.client.start();
    for (let t = 0; t < 60; t++) {
      r.client.publish('mep/state', `{"t":${t}}`);
      r.clock.advance(1000);
    }
    expect(r.broker.last.of('pingreq').length).toBeGreaterThanOrEqual(5);
    expect(r.broker.connections).toHaveLength(1);
  });

  test('no answer within 1.5 × keep-alive: connection dropped and re-established', () => {
    const r = rig({ keepaliveS: 10 });
    r.broker.answerPing = false;
    r.client.start();
    r.clock.advance(10);
    r.clock.advance(14000);
    expect(r.broker.connections).toHaveLength(1);
    r.clock.advance(3000);
    expect(r.errors.map((e) => e.code)).toEqual(['keepalive-timeout']);
    expect(r.broker.connections[0]!.ended).toBe(true);
    r.clock.advance(1000);
    expect(r.broker.connections).toHaveLength(2);
  });

  test('keepaliveS 0 disables pings', () => {
    const r = rig({ keepaliveS: 0 });
    r.client.start();
    r.clock.advance(600000);
    expect(r.broker.last.of('pingreq')).toHaveLength(0);
    expect(r.client.status().state).toBe('connected');
  });
});

describe('MqttClient: publishing', () => {
  test('[§3.3] QoS 0 and 1 with retain; a chunked payload arrives whole', () => {
    const r = rig();
    r.client.start();
    r.clock.advance(10);
    expect(r.client.publish('mep/a', 'zero')).toBe(true);
    r.client.publish('mep/b', new Uint8Array([1, 2, 3]), { qos: 1, retain: true });
    r.client.publish('homeassistant/sensor/mep/config', (i: number) => ['{"name":', '"Energy"', '}'][i] ?? null, { qos: 1, retain: true });
    r.clock.advance(10);
    const pubs = r.broker.last.of('publish');
    expect(pubs.map((p) => [p.topic, p.qos, p.retain, p.dup])).toEqual([
      ['mep/a', 0, false, false],
      ['mep/b', 1, true, false],
      ['homeassistant/sensor/mep/config', 1, true, false],
    ]);
    expect(pubs[2].payload.toString()).toBe('{"name":"Energy"}');
    expect(r.client.status()).toMatchObject({ queued: 0, inflight: 0 });
  });

  test('publish never blocks: while offline it queues and returns at once', () => {
    const r = rig();
    expect(r.client.publish('mep/state', '1')).toBe(true);
    r.client.start();
    expect(r.client.status()).toMatchObject({ state: 'connecting', queued: 1 });
    r.clock.advance(10);
    expect(r.broker.last.of('publish').map((p) => p.payload.toString())).toEqual(['1']);
  });

  test('offline queue: bounded, oldest state dropped first, retained config kept, replaceKey keeps the latest', () => {
    const r = rig({ queueLimit: { count: 4 } });
    r.client.publish('homeassistant/sensor/mep/energy/config', '{}', { qos: 1, retain: true });
    for (let i = 0; i < 10; i++) r.client.publish('mep/diag', `d${i}`);
    for (let i = 0; i < 10; i++) r.client.publish('mep/state', `s${i}`, { replaceKey: 'state' });
    expect(r.client.status()).toMatchObject({ queued: 4, dropped: 8 }); // d0–d7; s0–s8 were replaced, not dropped
    r.client.start();
    r.clock.advance(10);
    expect(r.broker.last.of('publish').map((p) => `${p.topic}=${p.payload}`)).toEqual([
      'homeassistant/sensor/mep/energy/config={}', 'mep/diag=d8', 'mep/diag=d9', 'mep/state=s9',
    ]);
  });

  test('offline queue: bounded in bytes; a payload bigger than the whole queue is refused', () => {
    const r = rig({ queueLimit: { count: 100, bytes: 1000 } });
    for (let i = 0; i < 50; i++) r.client.publish('mep/state', 'x'.repeat(100));
    expect(r.client.status()).toMatchObject({ queued: 10, queuedBytes: 1000, dropped: 40 });
    expect(r.client.publish('mep/big', 'x'.repeat(1001))).toBe(false);
    expect(r.errors.map((e) => e.code)).toEqual(['message-too-large']);
    expect(r.client.status().queued).toBe(10);
  });

  test('while connected a large message goes straight out, not through the queue bound', () => {
    const r = rig({ queueLimit: { count: 2, bytes: 100 } });
    r.client.start();
    r.clock.advance(10);
    expect(r.client.publish('mep/big', 'x'.repeat(5000))).toBe(true);
    expect(r.broker.last.of('publish')).toHaveLength(1);
  });

  test('while connected a large QoS 1 message waiting for a slot is queued, not refused', () => {
    const r = rig({ queueLimit: { count: 4, bytes: 100 }, maxInflight: 1 });
    r.broker.autoPuback = false;
    r.client.start();
    r.clock.advance(10);
    r.client.publish('mep/a', 'a', { qos: 1 });
    expect(r.client.publish('homeassistant/device/mep/config', (i: number) => ['x'.repeat(3000), 'y'.repeat(3000)][i] ?? null, { qos: 1, retain: true })).toBe(true);
    expect(r.client.status()).toMatchObject({ inflight: 1, queued: 1, queuedBytes: 6000 });
    const conn = r.broker.last;
    conn.send({ cmd: 'puback', messageId: conn.of('publish')[0].messageId });
    expect(conn.of('publish').map((p) => p.payload.length)).toEqual([1, 6000]);
    expect(r.errors).toEqual([]);
  });

  test('holds(key) tells whether a message with that replaceKey is queued or unacknowledged; each PUBACK is announced with its key', () => {
    const r = rig();
    r.broker.autoPuback = false;
    const acked: (string | undefined)[] = [];
    r.client.on('acked', (key) => acked.push(key));
    r.client.publish('homeassistant/device/mep/config', '{}', { qos: 1, retain: true, replaceKey: 'discovery' });
    expect(r.client.holds('discovery')).toBe(true); // queued while offline
    expect(r.client.holds('state')).toBe(false);
    r.client.start();
    r.clock.advance(10);
    r.client.publish('mep/a', 'A', { qos: 1 });
    expect([r.client.status().queued, r.client.holds('discovery')]).toEqual([0, true]); // sent, not acknowledged
    const sent = r.broker.last.of('publish');
    r.broker.last.send({ cmd: 'puback', messageId: sent[1].messageId });
    expect([acked, r.client.holds('discovery')]).toEqual([[undefined], true]);
    r.broker.last.send({ cmd: 'puback', messageId: sent[0].messageId });
    expect([acked, r.client.holds('discovery')]).toEqual([[undefined, 'discovery'], false]);
  });

  test('[§4.4] unacknowledged QoS 1 messages are resent with DUP and the same packet id after a reconnect', () => {
    const r = rig();
    r.broker.autoPuback = false;
    r.client.start();
    r.clock.advance(10);
    r.client.publish('mep/a', 'A', { qos: 1 });
    r.client.publish('mep/b', 'B', { qos: 1 });
    const first = r.broker.last.of('publish');
    expect(first.map((p) => p.dup)).toEqual([false, false]);
    r.broker.last.send({ cmd: 'puback', messageId: first[0].messageId });
    expect(r.client.status().inflight).toBe(1);
    r.broker.last.drop();
    r.broker.autoPuback = true;
    r.clock.advance(1000);
    const again = r.broker.last.of('publish');
    expect(again.map((p) => [p.topic, p.dup, p.messageId])).toEqual([['mep/b', true, first[1].messageId]]);
    r.clock.advance(10);
    expect(r.client.status().inflight).toBe(0);
  });

  test('QoS 1 in flight is bounded; the rest waits in order', () => {
    const r = rig({ maxInflight: 2 });
    r.broker.autoPuback = false;
    r.client.start();
    r.clock.advance(10);
    for (let i = 0; i < 5; i++) r.client.publish('mep/q', `${i}`, { qos: 1 });
    r.client.publish('mep/zero', 'z');
    const conn = r.broker.last;
    expect(conn.of('publish').map((p) => p.payload.toString())).toEqual(['0', '1']);
    expect(r.client.status()).toMatchObject({ inflight: 2, queued: 4 });
    conn.send({ cmd: 'puback', messageId: conn.of('publish')[0].messageId });
    expect(conn.of('publish').map((p) => p.payload.toString())).toEqual(['0', '1', '2']);
    r.broker.autoPuback = true;
    conn.send({ cmd: 'puback', messageId: conn.of('publish')[1].messageId });
    conn.send({ cmd: 'puback', messageId: conn.of('publish')[2].messageId });
    r.clock.advance(10);
    expect(conn.of('publish').map((p) => p.payload.toString())).toEqual(['0', '1', '2', '3', '4', 'z']);
  });

  test('invalid topics are refused with an error, never thrown', () => {
    const r = rig();
    expect(r.client.publish('mep/+/state', 'x')).toBe(false);
    expect(r.client.publish('', 'x')).toBe(false);
    expect(r.client.subscribe('a/#/b')).toBe(false);
    expect(r.errors.map((e) => e.code)).toEqual(['invalid-topic', 'invalid-topic', 'invalid-topic']);
    expect(r.client.status().queued).toBe(0);
  });
});

describe('MqttClient: subscriptions and incoming messages', () => {
  test('[§3.8] subscribe now and again after every reconnect', () => {
    const r = rig();
    r.client.subscribe('homeassistant/status', 1);
    r.client.start();
    r.clock.advance(10);
    r.client.subscribe('mep/0042/cmd/#');
    expect(r.broker.last.of('subscribe').map((p) => p.subscriptions)).toEqual([
      [{ topic: 'homeassistant/status', qos: 1 }],
      [{ topic: 'mep/0042/cmd/#', qos: 0 }],
    ]);
    r.broker.last.drop();
    r.clock.advance(1000);
    expect(r.broker.last.of('subscribe').map((p) => p.subscriptions)).toEqual([
      [{ topic: 'homeassistant/status', qos: 1 }, { topic: 'mep/0042/cmd/#', qos: 0 }],
    ]);
  });

  test('[§3.9] SUBACK 0x80 is reported as subscribe-failed', () => {
    const r = rig();
    r.broker.subackCode = 0x80;
    r.client.subscribe('forbidden/#');
    r.client.start();
    r.clock.advance(10);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'subscribe-failed', message: "broker refused 'forbidden/#'" })]);
    expect(r.client.status().state).toBe('connected');
  });

  test('[§3.3, §3.4] incoming QoS 0/1 messages are delivered; QoS 1 is acknowledged with its packet id', () => {
    const r = rig();
    r.client.start();
    r.clock.advance(10);
    const conn = r.broker.last;
    conn.send({ cmd: 'publish', topic: 'homeassistant/status', payload: Buffer.from('online'), qos: 1, messageId: 321, retain: true, dup: false });
    conn.send({ cmd: 'publish', topic: 'mep/cmd', payload: Buffer.from('poll'), qos: 0, retain: false, dup: false });
    expect(r.messages).toEqual([
      ['homeassistant/status', 'online', { qos: 1, retain: true, dup: false }],
      ['mep/cmd', 'poll', { qos: 0, retain: false, dup: false }],
    ]);
    expect(conn.of('puback').map((p) => p.messageId)).toEqual([321]);
  });

  test('an oversized incoming QoS 1 publish is skipped, acknowledged and reported; the connection stays', () => {
    const r = rig({ maxPacketSize: 512 });
    r.client.start();
    r.clock.advance(10);
    const conn = r.broker.last;
    const big = mqttPacket.generate({ cmd: 'publish', topic: 'mep/ota', payload: Buffer.alloc(3000), qos: 1, messageId: 99, retain: false, dup: false });
    for (let at = 0; at < big.length; at += 700) conn.sendBytes(big.subarray(at, at + 700));
    conn.send({ cmd: 'publish', topic: 'mep/cmd', payload: Buffer.from('ok'), qos: 0, retain: false, dup: false });
    expect(conn.of('puback').map((p) => p.messageId)).toEqual([99]);
    expect(r.errors.map((e) => e.code)).toEqual(['packet-too-large']);
    expect(r.messages.map((m) => m[1])).toEqual(['ok']);
    expect(r.client.status().state).toBe('connected');
  });

  test('malformed bytes from the broker: protocol-error, reconnect', () => {
    const r = rig();
    r.client.start();
    r.clock.advance(10);
    r.broker.last.sendBytes(new Uint8Array([0x30, 0xff, 0xff, 0xff, 0xff, 0x7f]));
    expect(r.errors.map((e) => e.code)).toEqual(['protocol-error']);
    expect(r.client.status().state).toBe('backoff');
    r.clock.advance(1000);
    expect(r.client.status().state).toBe('connected');
  });

  test('a throwing listener is isolated: logged, and the client carries on', () => {
    const r = rig();
    r.client.on('message', () => {
      throw new Error('app bug');
    });
    r.client.start();
    r.clock.advance(10);
    expect(() => r.broker.last.send({ cmd: 'publish', topic: 'x', payload: Buffer.from('1'), qos: 1, messageId: 5, retain: false, dup: false })).not.toThrow();
    expect(r.messages).toHaveLength(1);
    expect(r.logs).toContain('mqtt: message listener failed: Error: app bug');
    expect(r.broker.last.of('puback')).toHaveLength(1);
  });
});
