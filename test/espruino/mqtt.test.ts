// The firmware on the real Espruino interpreter (ESP32 memory model) with a simulated meter on a serial pty and real
// brokers, watched by an MQTT client as Home Assistant would be: readings and discovery (values equal to what the
// meter serves), HA's birth message, raw table reads for the add-on (cmd/read), meter silence, a broker restart, and a
// wrong MBK key corrected by the add-on
// (that device also has the reference firmware's compatibility topics on).
// Each scenario's memory is recorded; the last test is the memory gate (memory-budget.ts).
import { BT21, BT28 } from '../../device/src/meter/table-ids';
import { Bt21, Bt28, decodeBt21, decodeBt28 } from '../../device/src/meter/tables/index';
import { MeterSimulator } from '../../device/sim/meter-sim/meter';
import type { RequestRecord } from '../../device/sim/meter-sim/options';
import { Broker, startAedes, startMosquitto } from '../helpers/brokers';
import { describeOnInterpreter } from '../helpers/espruino-binary';
import { retained, watcher, Watcher } from '../helpers/mqtt-watch';
import { nextUnlessOutOfMemory as next } from './watch';
import { Device, DEVICE_WAIT_MS, KEY, startDevice } from './harness';
import { propertiesNamed } from './heap-census';
import { ESP32_POOL, POOL } from './memory-budget';
import { MemoryLog } from './memory-report';
import { encryptSecretFields, openSignedResult, signCommand } from '../../addon/src/pairing/signer';
import { SECRET_FILE } from '../../device/src/security/store';
import { BT61, BT64 } from '../../device/src/meter/tables/lp-config';

/** The second device is paired (issue 11): this secret in its Storage, as pairing leaves it. */
const PAIR_SECRET = Buffer.from('3c'.repeat(32), 'hex');
const WIFI_SECRET = 'wifi-secret-xyz';
const MQTT_SECRET = 'mqtt-secret-xyz';

/** compatibility: the reference firmware's topics (off by default; its code is a lazy module loaded only when on). */
function settings(port: number, key: string, user = '', compatibility = false) {
  return {
    name: 'Hall meter',
    wifi: { ssid: 'WiFi', password: WIFI_SECRET },
    mqtt: { host: '127.0.0.1', port, username: user, password: user ? MQTT_SECRET : '', baseTopic: '', discoveryPrefix: 'homeassistant', compatibility },
    meter: { key, pollIntervalS: 2 },
  };
}

/** What the simulated meter serves (frozen values), decoded on Node. */
function served(sim: MeterSimulator): Bt28 {
  const bt21 = decodeBt21(sim.tables.read(BT21)!);
  if (!bt21.ok) throw new Error(bt21.message);
  const bt28 = decodeBt28(sim.tables.read(BT28)!, { bt21: bt21.value as Bt21 });
  if (!bt28.ok) throw new Error(bt28.message);
  return bt28.value;
}

const log = new MemoryLog();

/** Explains a timeout with the device's last console lines. */
const withConsole = (d: Device) => (e: Error): never => {
  throw new Error(`${e.message}\n--- device console ---\n${d.board.tail(30)}`);
};

/** The meter's clock 20 s before a minute ends: its 1-minute load profile has recorded an interval by the time the
 *  raw-read test runs (> 20 s after the start), whatever the wall clock says. */
const SOON_BEFORE_A_MINUTE = (): number => (Math.floor(Date.now() / 60000) + 1) * 60000 - 20000;

describeOnInterpreter('firmware on the real interpreter ↔ MQTT', (binary) => {
  afterAll(() => console.log(`memory on the interpreter (pool ${POOL}):\n${log.summary()}`));

  describe('a configured device (aedes)', () => {
    let broker: Broker;
    let w: Watcher;
    let d: Device;

    beforeAll(async () => {
      broker = await startAedes();
      w = await watcher(broker.url);
      // 1-minute load profile intervals: the profile holds recorded intervals by the time the raw read test runs.
      d = await startDevice({ binary, settings: settings(broker.port, KEY), meter: { values: 'frozen', seed: 11, loadProfile: { intervalMinutes: 1 }, startTime: SOON_BEFORE_A_MINUTE() } });
    }, DEVICE_WAIT_MS + 60000);

    afterAll(async () => {
      await d?.stop();
      await w?.client.endAsync();
      await broker?.stop();
    });

    test('discovery, availability and readings reach the broker, with the values the meter serves; no secret anywhere', async () => {
      await log.measure(d, 'boot, discovery, first readings', async () => {
        const config = JSON.parse((await next(d, w)(`homeassistant/device/${d.id}/config`, undefined, { ms: 60000 }).catch(withConsole(d))).text);
        expect(config.dev.ids).toEqual([d.id]);
        expect(Object.keys(config.cmps)).toEqual(expect.arrayContaining(['energy_import', 'voltage_l1', 'frequency']));
        await next(d, w)(`${d.base}/availability`, (t) => t === 'online', { ms: 30000 }).catch(withConsole(d));
        const state = JSON.parse((await next(d, w)(`${d.base}/state`, (t) => t.includes('voltage_l1'), { ms: 60000 }).catch(withConsole(d))).text);
        const bt28 = served(d.sim);
        expect(state.voltage_l1).toBe(bt28.voltageMv![0] / 1000);
        expect(state.voltage_l3).toBe(bt28.voltageMv![2] / 1000);
        expect(state.current_l2).toBe(bt28.currentMa![1] / 1000);
        expect(state.frequency).toBe(bt28.frequencyMilliHz! / 1000);
        const diag = JSON.parse((await next(d, w)(`${d.base}/diagnostics`, (t) => t.includes('"online"'), { ms: 30000 })).text);
        expect(diag.link_state).toBe('online');
        expect(await retained(broker.url, `${d.base}/availability`)).toBe('online');
      });
      expect(w.seen.some((s) => s.topic.endsWith('/mydatajson'))).toBe(false);
      // Steady state (default settings): the median of three snapshots (with GC) two seconds apart, between polls as they come.
      const samples: number[] = [];
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 2000));
        samples.push((await d.memory()).usage);
      }
      log.steady = samples.sort((a, b) => a - b)[1]!;
      const everything = w.seen.map((s) => `${s.topic} ${s.text}`).join('\n') + d.board.lines.map((l) => l.text).join('\n');
      for (const secret of [KEY, WIFI_SECRET]) expect(everything).not.toContain(secret);
    }, 120000);

    test("Home Assistant's birth message makes the device announce itself again", async () => {
      await log.measure(d, 'HA birth → discovery again', async () => {
        const at = w.mark();
        await w.client.publishAsync('homeassistant/status', 'online');
        await next(d, w)(`homeassistant/device/${d.id}/config`, undefined, { after: at, ms: 30000 }).catch(withConsole(d));
        await next(d, w)(`${d.base}/state`, undefined, { after: at, ms: 30000 });
      });
    }, 60000);

    test('its own cmd/result (which its cmd/+ subscription also delivers) is no command: no answer, nothing changes', async () => {
      // Espruino's indexOf once matched '|result|' in '|restart|poll|config|update|' and the device answered its own
      // results as config commands, in a loop (semantics.test.ts).
      const at = w.mark();
      await w.client.publishAsync(`${d.base}/cmd/result`, JSON.stringify({ id: 'r-1', command: 'update', ok: true, version: '9.9.9' }), { qos: 1 });
      await next(d, w)(`${d.base}/state`, undefined, { after: at, ms: 30000 });
      await new Promise((r) => setTimeout(r, 2000));
      expect(w.seen.slice(at).filter((m) => m.topic === `${d.base}/cmd/result`).map((m) => m.text)).toEqual([JSON.stringify({ id: 'r-1', command: 'update', ok: true, version: '9.9.9' })]);
    }, 60000);

    test('a raw read (cmd/read) of a load profile range returns the meter\'s table bytes; a second one while it runs is refused', async () => {
      const result = (id: string, after: number) =>
        next(d, w)(`${d.base}/cmd/result`, (t) => t.includes(`"${id}"`), { after, ms: 30000 }).catch(withConsole(d)).then((m) => JSON.parse(m.text));
      // The bytes the meter served for BT64 (its reply's data), to compare with what the module relays.
      const served: string[] = [];
      const onRequest = (rec: RequestRecord): void => {
        if (rec.apdu[0] === 0x3f && ((rec.apdu[1]! << 8) | rec.apdu[2]!) === BT64 && rec.reply) served.push(Buffer.from(rec.reply.subarray(5, rec.reply.length - 8)).toString('hex'));
      };
      d.sim.on('request', onRequest);
      await log.measure(d, 'raw reads of the load profile (cmd/read)', async () => {
        const at = w.mark();
        await w.client.publishAsync(`${d.base}/cmd/read`, JSON.stringify({ id: 'rd-1', table: BT64, offset: 0, count: 464 }), { qos: 1 });
        await w.client.publishAsync(`${d.base}/cmd/read`, JSON.stringify({ id: 'rd-2', table: BT61, offset: 0, count: 13 }), { qos: 1 });
        const second = await result('rd-2', at);
        expect(second).toEqual({ id: 'rd-2', command: 'read', ok: false, error: 'a read is already in progress' });
        const first = await result('rd-1', at);
        expect(served).toHaveLength(1);
        expect(first).toEqual({ id: 'rd-1', command: 'read', ok: true, table: BT64, offset: 0, hex: served[0] });
        expect(served[0]).not.toMatch(/^0+$/); // the block holds recorded intervals
        // …and they are the simulator's table bytes (unless a 1-minute interval ended in between).
        const now = Buffer.from(d.sim.tables.read(BT64)!.subarray(0, 464)).toString('hex');
        if (now.substring(0, 10) === served[0]!.substring(0, 10)) expect(now).toBe(served[0]);
        const again = w.mark();
        await w.client.publishAsync(`${d.base}/cmd/read`, JSON.stringify({ id: 'rd-3', table: BT61, offset: 0, count: 13 }), { qos: 1 });
        expect((await result('rd-3', again)).hex).toBe(Buffer.from(d.sim.tables.read(BT61)!).toString('hex'));
        const bad = w.mark();
        await w.client.publishAsync(`${d.base}/cmd/read`, JSON.stringify({ id: 'rd-4', table: BT64, offset: 0, count: 466 }), { qos: 1 });
        expect((await result('rd-4', bad)).error).toMatch(/count \(1-465\)/);
      });
      d.sim.off('request', onRequest);
      const rec = log.records[log.records.length - 1]!;
      if (log.steady !== null) console.log(`raw read: at most ${rec.pool - rec.minFree - log.steady} JsVars above the steady state (${log.steady})`);
    }, 120000);

    test('a silent meter is reported as "no reply", and readings resume when it answers again', async () => {
      await log.measure(d, 'meter silence and back', async () => {
        const at = w.mark();
        d.sim.setMepPortDisabled(true);
        await next(d, w)(`${d.base}/diagnostics`, (t) => t.includes('"no-reply"'), { after: at, ms: 60000 }).catch(withConsole(d));
        const back = w.mark();
        d.sim.setMepPortDisabled(false);
        // A silent link is probed with back-off (2 s … 60 s), then the session starts again.
        await next(d, w)(`${d.base}/diagnostics`, (t) => t.includes('"link_state":"online"'), { after: back, ms: 120000 }).catch(withConsole(d));
        await next(d, w)(`${d.base}/state`, undefined, { after: back, ms: 30000 });
      });
    }, 200000);

    test('a broker restart is survived: the device reconnects and publishes again', async () => {
      await log.measure(d, 'broker restart', async () => {
        const port = broker.port;
        await w.client.endAsync();
        await broker.stop();
        await new Promise((r) => setTimeout(r, 2000));
        broker = await startAedes({ port });
        w = await watcher(broker.url);
        await next(d, w)(`${d.base}/availability`, (t) => t === 'online', { ms: 90000 }).catch(withConsole(d));
        await next(d, w)(`${d.base}/state`, undefined, { ms: 30000 });
      });
    }, 120000);
  });

  describe('a wrong MBK key (Mosquitto with credentials, compatibility topics on; a paired module)', () => {
    let broker: Broker;
    let w: Watcher;
    let d: Device;

    beforeAll(async () => {
      broker = await startMosquitto({ username: 'meter', password: MQTT_SECRET });
      w = await watcher(broker.url.replace('mqtt://', `mqtt://meter:${MQTT_SECRET}@`));
      const paired = { name: SECRET_FILE, data: new Uint8Array(Buffer.from(`${PAIR_SECRET.toString('hex')} 127.0.0.1`)) };
      d = await startDevice({ binary, settings: settings(broker.port, 'ZYXWVUTSRQPONMLKJIHG', 'meter', true), meter: { values: 'frozen', seed: 12 }, files: [paired] });
    }, DEVICE_WAIT_MS + 60000);

    afterAll(async () => {
      await d?.stop();
      await w?.client.endAsync();
      await broker?.stop();
    });

    test('is reported as auth-failed; an unsigned key is refused, the key the add-on signed and encrypted (cmd/config) brings the meter online', async () => {
      await log.measure(d, 'wrong key → auth-failed → key from the add-on', async () => {
        const failed = await next(d, w)(`${d.base}/diagnostics`, (t) => t.includes('auth-failed'), { ms: 90000 }).catch(withConsole(d));
        expect(JSON.parse(failed.text).last_error).toMatch(/MBK key is wrong/);
        expect(w.seen.some((s) => s.topic === `${d.base}/state` && s.text.includes('voltage_l1'))).toBe(false);
        const opened = (t: string) => JSON.parse(openSignedResult(PAIR_SECRET, `${d.base}/cmd/result`, Buffer.from(t, 'latin1'))!.toString());
        const before = w.mark();
        await w.client.publishAsync(`${d.base}/cmd/config`, JSON.stringify({ id: 'k0', meter: { key: KEY } }), { qos: 1 });
        const unsigned = await next(d, w)(`${d.base}/cmd/result`, (t) => t.includes('"k0"'), { after: before, ms: 30000 }).catch(withConsole(d));
        expect(opened(unsigned.text)).toEqual({ id: 'k0', command: 'config', ok: false, error: 'unsigned' });
        const at = w.mark();
        const body = JSON.stringify(encryptSecretFields(PAIR_SECRET, { id: 'k1', meter: { key: KEY } }));
        await w.client.publishAsync(`${d.base}/cmd/config`, signCommand(PAIR_SECRET, `${d.base}/cmd/config`, Date.now(), body), { qos: 1 });
        const result = opened((await next(d, w)(`${d.base}/cmd/result`, (t) => t.includes('"k1"'), { after: at, ms: 30000 }).catch(withConsole(d))).text);
        expect(result).toMatchObject({ id: 'k1', ok: true });
        await next(d, w)(`${d.base}/diagnostics`, (t) => t.includes('"link_state":"online"'), { after: at, ms: 90000 }).catch(withConsole(d));
        await next(d, w)(`${d.base}/state`, (t) => t.includes('voltage_l1'), { after: at, ms: 30000 });
        // This device has the compatibility mode on: the reference firmware's topics carry the raw meter values.
        const bt28 = served(d.sim);
        const compat = JSON.parse((await next(d, w)(`${d.base}/sensors/mydatajson`, undefined, { after: at, ms: 30000 })).text);
        expect(compat.L1_RMS_V).toBe(bt28.voltageMv![0]);
        expect(compat.L2_RMS_A).toBe(bt28.currentMa![1]);
        const fwd = JSON.parse((await next(d, w)(`${d.base}/meterConsumptionFwd/mydatajson`, undefined, { after: at, ms: 30000 })).text);
        expect(fwd.Fwd_W).toBe(bt28.fwdActiveW);
      });
      const everything = w.seen.filter((s) => !(s.topic.endsWith('/cmd/config') && s.text.includes('"k0"'))).map((s) => `${s.topic} ${s.text}`).join('\n') + d.board.lines.map((l) => l.text).join('\n');
      for (const secret of [KEY, 'ZYXWVUTSRQPONMLKJIHG', MQTT_SECRET, WIFI_SECRET]) expect(everything).not.toContain(secret);
    }, 200000);

    // ~55 JsVars a copy: nothing may keep the settings a change replaced (the key command above replaced them).
    test('after the settings changed, memory holds one copy of them, not the old one as well', async () => {
      expect(await propertiesNamed(d, 'pollIntervalS')).toBe(1);
    }, 60000);
  });

  const gate = POOL === ESP32_POOL ? test : test.skip;
  gate(`memory gate (pool ${ESP32_POOL}): steady state and every scenario above within the ESP32 budget`, () => {
    expect(log.records.length).toBeGreaterThan(0);
    expect(log.gateFailures()).toEqual([]);
  });
});
