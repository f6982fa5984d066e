// The device's MqttClient over node:net against real brokers (architecture C12): aedes (our add-on's embedded broker)
// and mosquitto (what most Home Assistant users run), observed by a real MQTT.js client. Real time, short timings.
import mqtt from 'mqtt';
import { MqttClient } from '../../../device/src/mqtt/client';
import { MqttClientOptions, MqttError } from '../../../device/src/mqtt/options';
import { Broker, BrokerOptions, freePort, hasMosquittoPasswd, startAedes, startMosquitto } from '../../helpers/brokers';
import { NodeTcp, NodeTcpOptions, createNodeTcp, nodeClock } from '../../helpers/node-tcp';

interface Seen {
  topic: string;
  payload: string;
  qos: number;
  retain: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

test('startMosquitto() throws when the broker binary is missing (the suite fails, never skips)', async () => {
  await expect(startMosquitto({ bin: '/nonexistent/mosquitto' })).rejects.toThrow('/nonexistent/mosquitto not found');
});

const BROKERS: [string, (o?: BrokerOptions) => Promise<Broker>][] = [
  ['aedes', startAedes],
  ['mosquitto', startMosquitto],
];

describe.each(BROKERS)('MqttClient against %s', (name, startBroker) => {
  let broker: Broker;
  let seq = 0;
  const cleanups: (() => unknown)[] = [];
  const uid = () => `${name}-${process.pid}-${++seq}`;

  beforeAll(async () => {
    broker = await startBroker();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  afterAll(async () => {
    await broker.stop();
  });

  function device(options?: Partial<MqttClientOptions>, tcpOptions?: NodeTcpOptions) {
    const tcp: NodeTcp = createNodeTcp(tcpOptions);
    const errors: MqttError[] = [];
    const received: Seen[] = [];
    const client = new MqttClient(
      { tcp, clock: nodeClock(), random: Math.random },
      { host: '127.0.0.1', port: broker.port, clientId: `dev-${uid()}`, keepaliveS: 30, backoff: { initialMs: 50, maxMs: 400 }, ...options },
    );
    client.on('error', (e) => errors.push(e));
    client.on('message', (topic, payload, info) => received.push({ topic, payload: Buffer.from(payload).toString(), qos: info.qos, retain: info.retain }));
    cleanups.push(() => client.stop());
    return { client, tcp, errors, received };
  }

  async function watcher(filter: string, url?: string, auth?: { username: string; password: string }) {
    const sub = await mqtt.connectAsync(url || broker.url, { clientId: `sub-${uid()}`, reconnectPeriod: 0, ...auth });
    cleanups.push(() => sub.endAsync(true));
    const seen: Seen[] = [];
    sub.on('message', (topic, payload, packet) => seen.push({ topic, payload: payload.toString(), qos: packet.qos, retain: packet.retain }));
    await sub.subscribeAsync(filter, { qos: 1 });
    return { sub, seen };
  }

  test('[§3.3] QoS 0 and QoS 1 publishes reach an MQTT.js subscriber; the retained one reaches a late subscriber', async () => {
    const base = `it/${uid()}`;
    const early = await watcher(`${base}/#`);
    const d = device();
    d.client.start();
    d.client.publish(`${base}/q0`, 'zero');
    d.client.publish(`${base}/q1`, 'one', { qos: 1 });
    d.client.publish(`${base}/config`, (i: number) => ['{"name":', '"Energy"}'][i] ?? null, { qos: 1, retain: true });
    await waitFor('3 messages', () => early.seen.length === 3);
    const byTopic = (seen: Seen[], t: string) => seen.find((m) => m.topic === `${base}/${t}`);
    expect(byTopic(early.seen, 'q0')).toMatchObject({ payload: 'zero', qos: 0 });
    expect(byTopic(early.seen, 'q1')).toMatchObject({ payload: 'one', qos: 1 });
    expect(byTopic(early.seen, 'config')).toMatchObject({ payload: '{"name":"Energy"}', qos: 1, retain: false }); // [MQTT-3.3.1-9]
    await waitFor('PUBACKs', () => d.client.status().inflight === 0);

    const late = await watcher(`${base}/#`);
    await waitFor('the retained message', () => late.seen.length >= 1);
    await sleep(100);
    expect(late.seen).toEqual([{ topic: `${base}/config`, payload: '{"name":"Energy"}', qos: 1, retain: true }]); // [MQTT-3.3.1-6]
    expect(d.errors).toEqual([]);
  });

  test('[§3.1.2.5] the Last Will is published when the socket dies, and not after a clean stop()', async () => {
    const avail = `will/${uid()}/availability`;
    const w = await watcher(avail);
    const d = device({ will: { topic: avail, payload: 'offline', qos: 1, retain: true } });
    d.client.on('connected', () => d.client.publish(avail, 'online', { qos: 1, retain: true }));
    d.client.start();
    await waitFor('online', () => w.seen.length === 1);
    d.tcp.destroyAll();
    await waitFor('the Will', () => w.seen.length === 2);
    expect(w.seen[1]).toMatchObject({ payload: 'offline', qos: 1 });
    await waitFor('online again after the reconnect', () => w.seen.length === 3);
    expect(w.seen[2]!.payload).toBe('online');
    expect(d.client.status()).toMatchObject({ state: 'connected', reconnects: 1 });
    d.client.stop();
    await sleep(300);
    expect(w.seen.map((m) => m.payload)).toEqual(['online', 'offline', 'online']);
    expect(d.client.status().state).toBe('stopped');
  });

  test('[§3.8] subscriptions receive messages, and are renewed after a reconnect', async () => {
    const base = `cmd/${uid()}`;
    const pub = await mqtt.connectAsync(broker.url, { clientId: `pub-${uid()}`, reconnectPeriod: 0 });
    cleanups.push(() => pub.endAsync(true));
    await pub.publishAsync(`${base}/retained`, 'r', { qos: 1, retain: true });
    const d = device();
    d.client.subscribe(`${base}/#`, 1);
    d.client.start();
    await waitFor('the retained message on subscribe', () => d.received.length === 1);
    expect(d.received[0]).toEqual({ topic: `${base}/retained`, payload: 'r', qos: 1, retain: true });
    await pub.publishAsync(`${base}/live`, 'poll now', { qos: 1 });
    await waitFor('a live message', () => d.received.length === 2);
    expect(d.received[1]).toEqual({ topic: `${base}/live`, payload: 'poll now', qos: 1, retain: false });

    d.tcp.destroyAll();
    await waitFor('the renewed subscription (retained message again)', () => d.received.length === 3);
    await pub.publishAsync(`${base}/after`, 'again', { qos: 0 });
    await waitFor('a message after the reconnect', () => d.received.length === 4);
    expect(d.received.slice(2).map((m) => m.payload)).toEqual(['r', 'again']);
    await pub.publishAsync(`${base}/retained`, '', { qos: 1, retain: true });
  });

  test('broker restart: reconnects by itself with backoff and republishes the bounded queue, oldest dropped', async () => {
    const port = await freePort();
    let own = await startBroker({ port });
    cleanups.push(() => own.stop());
    const base = `q/${uid()}`;
    const d = device({ port, queueLimit: { count: 3 } });
    d.client.start();
    await waitFor('connected', () => d.client.status().state === 'connected');
    await own.stop();
    await waitFor('the loss', () => d.client.status().state !== 'connected');
    for (let i = 1; i <= 5; i++) d.client.publish(`${base}/${i}`, `m${i}`, { qos: 1, retain: true });
    expect(d.client.status()).toMatchObject({ queued: 3, dropped: 2 });
    await sleep(800);
    const failures = d.errors.filter((e) => e.code === 'connect-failed').length;
    expect(failures).toBeGreaterThanOrEqual(2); // kept trying…
    expect(failures).toBeLessThanOrEqual(12); // …with backoff (50 → 400 ms), not in a tight loop
    own = await startBroker({ port });
    await waitFor('the reconnect', () => d.client.status().state === 'connected', 5000);
    await waitFor('the queue sent and acknowledged', () => d.client.status().queued === 0 && d.client.status().inflight === 0);
    expect(d.client.status().reconnects).toBe(1);
    const late = await watcher(`${base}/#`, own.url);
    await waitFor('3 retained messages', () => late.seen.length === 3);
    await sleep(100);
    expect(late.seen.map((m) => m.payload).sort()).toEqual(['m3', 'm4', 'm5']);
  });

  // mosquitto_passwd ships in the same Debian package as mosquitto; without it only aedes can check credentials.
  const authCase = name === 'aedes' || hasMosquittoPasswd() ? test : test.skip;
  authCase('[§3.2.2.3] wrong credentials: not-authorized, retried slowly; right ones connect', async () => {
    const credentials = { username: 'mep', password: 'right-pw' };
    const own = await startBroker(credentials);
    cleanups.push(() => own.stop());
    let attempts = 0;
    const bad = device({ port: own.port, username: 'mep', password: 'wrong-pw' });
    bad.client.on('error', () => attempts++);
    bad.client.start();
    await waitFor('not-authorized', () => bad.client.status().state === 'not-authorized');
    expect(bad.client.status().lastError!.code).toBe('not-authorized');
    expect(bad.errors[0]!.message).toMatch(/bad user name or password \(4\)|not authorized \(5\)/);
    await sleep(500);
    expect(attempts).toBeLessThanOrEqual(3); // maxMs 400: at most one retry every 200–400 ms
    expect(bad.client.status().state).toBe('not-authorized');

    const good = device({ port: own.port, ...credentials });
    good.client.start();
    await waitFor('connected', () => good.client.status().state === 'connected');
    const w = await watcher('auth/#', own.url, credentials);
    good.client.publish('auth/ok', 'yes', { qos: 1 });
    await waitFor('the message', () => w.seen.length === 1);
  });

  test('[§3.1.2.10] keep-alive: PINGREQs on an idle connection keep it up', async () => {
    let pings = 0;
    const d = device({ keepaliveS: 1 }, { onWrite: (b) => (pings += b.length === 2 && b[0] === 0xc0 ? 1 : 0) });
    let drops = 0;
    d.client.on('disconnected', () => drops++);
    d.client.start();
    await waitFor('connected', () => d.client.status().state === 'connected');
    await sleep(2700);
    expect(pings).toBeGreaterThanOrEqual(2);
    expect(drops).toBe(0);
    expect(d.client.status()).toMatchObject({ state: 'connected', reconnects: 0, lastError: null });
  });
});
