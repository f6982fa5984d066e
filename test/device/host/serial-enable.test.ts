// Serial2 and the ENABLE/transceiver lines of the host, wired to the meter simulator (spec §2): a test bundle built
// from the real Espruino HAL does the link reset with timers and talks to the simulator; ENABLE high silences the
// meter; a Serial2 set up wrong hears nothing.
import { encodeRequest, parseReply } from '../../../device/src/meter/frame';
import { FrameDecoder } from '../../../device/src/meter/frame-decoder';
import { parseMbk } from '../../../device/src/meter/key';
import { fullRead } from '../../../device/src/meter/requests';
import { BT01 } from '../../../device/src/meter/table-ids';
import { MeterSimulator, serveTcp } from '../../../device/sim/meter-sim';
import { ESP32_DABBLER } from '../../../device/src/hal/espruino/board';
import { boot, bootScript, consoleOf, fixtureBundle, sleep, waitConsole } from './helpers';

const KEY = 'ABCDEFGHIJKLMNOPQRST';
const SEQ = 4242;
const digestKey = (parseMbk(KEY) as { ok: true; digestKey: Uint8Array }).digestKey;
const fromHex = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));

let sim: MeterSimulator;
beforeEach(() => {
  sim = new MeterSimulator({ key: KEY, initialSeq: SEQ, seed: 1 });
});
afterEach(() => sim.close());

test('the HAL link reset drives ENABLE/transceiver with timers, then a request gets the meter reply', async () => {
  const frame = encodeRequest(fullRead(BT01).apdu, SEQ, digestKey);
  const host = await boot({ bundlePath: await fixtureBundle('uart-probe'), meter: sim, files: { 'probe.frame': frame } });
  const lines = consoleOf(host);
  const { enable, transceiver } = ESP32_DABBLER;
  // At boot the HAL holds the link off: ENABLE high (inverted), MAX3232 off.
  expect(host.pins()).toEqual({ [enable]: 1, [transceiver!]: 0 });
  expect(host.meterEnabled).toBe(false);
  expect(sim.enabled).toBe(false);
  const t0 = Date.now();
  await waitConsole(host, (l) => l === 'link up', 6000);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(2900); // three 1 s steps (spec §2), minus boot time
  expect(host.pins()).toEqual({ [enable]: 0, [transceiver!]: 1 });
  expect(sim.enabled).toBe(true);
  await waitConsole(host, (l) => l.startsWith('rx '), 3000);
  await sleep(100);
  const rx = fromHex(lines.filter((l) => l.startsWith('rx ')).map((l) => l.slice(3)).join(''));
  const events = new FrameDecoder({ kind: 'reply' }).push(rx).filter((e) => e.type === 'frame');
  expect(events).toHaveLength(1);
  const reply = parseReply((events[0] as { bytes: Uint8Array }).bytes);
  expect(reply.ok).toBe(true);
  // Chunks are ≤ 64 bytes, as Espruino delivers UART data.
  for (const l of lines.filter((x) => x.startsWith('rx '))) expect(l.length - 3).toBeLessThanOrEqual(128);
}, 15000);

test('ENABLE high disables the simulated meter; the transceiver off cuts the wire both ways', async () => {
  const host = await bootScript(
    `Serial2.setup(9600, {rx: 16, tx: 17});
     Serial2.on('data', function (d) { console.log('rx ' + d.length); });
     pinMode(5, 'output'); pinMode(32, 'output');
     digitalWrite(32, 1); digitalWrite(5, 0);`,
    { meter: sim },
  );
  expect(sim.enabled).toBe(true);
  host.evaluate('digitalWrite(5, 1)');
  expect(sim.enabled).toBe(false);
  host.evaluate('digitalWrite(5, 0)');
  expect(sim.enabled).toBe(true);
  const received: Uint8Array[] = [];
  const orig = sim.receive.bind(sim);
  sim.receive = (b: Uint8Array) => {
    received.push(b);
    orig(b);
  };
  host.evaluate('digitalWrite(32, 0); Serial2.write([1, 2, 3])');
  expect(received).toHaveLength(0);
  host.evaluate('digitalWrite(32, 1); Serial2.write([1, 2, 3])');
  expect(received.map((b) => Array.from(b))).toEqual([[1, 2, 3]]);
});

test('Serial2 set up at the wrong speed or pins hears nothing, and the host says why', async () => {
  const logs: string[] = [];
  const host = await bootScript(
    `Serial2.setup(115200, {rx: 16, tx: 17});
     Serial2.on('data', function (d) { console.log('heard'); });
     digitalWrite(32, 1); digitalWrite(5, 0);`,
    { meter: sim, log: (l) => logs.push(l) },
  );
  const lines = consoleOf(host);
  expect(logs.join('\n')).toMatch(/Serial2\.setup: 115200 baud \(the meter talks 9600\)/);
  sim.emit('data', new Uint8Array([0, 0]));
  await sleep(50);
  expect(lines).toEqual([]);
  host.evaluate("Serial2.setup(9600, {rx: D6, tx: D7})");
  expect(logs.join('\n')).toMatch(/rx 6 \/ tx 7 \(board esp32 wires rx 16 \/ tx 17\)/);
  host.evaluate("Serial2.setup(9600, {rx: D16, tx: D17})");
  sim.emit('data', new Uint8Array([0, 0]));
  await sleep(50);
  expect(lines).toEqual(['heard']);
});

test('the ESP32-C3 board has no transceiver pin: ENABLE alone controls the link', async () => {
  const host = await bootScript(`Serial2.setup(9600, {rx: 6, tx: 7}); digitalWrite(5, 0);`, { meter: sim, board: 'ESP32C3' });
  expect(host.transceiverOn).toBe(true);
  expect(sim.enabled).toBe(true);
  expect(host.evaluate('process.env.BOARD')).toBe('ESP32C3');
});

test('a TCP meter (mep sim --tcp) works too; received bytes are dropped while ENABLE is off', async () => {
  const tcp = await serveTcp(sim, 0);
  try {
    const frame = encodeRequest(fullRead(BT01).apdu, SEQ, digestKey);
    const host = await boot({ bundlePath: await fixtureBundle('uart-probe'), meter: { tcp: `tcp://127.0.0.1:${tcp.port}` }, files: { 'probe.frame': frame } });
    await waitConsole(host, (l) => l === 'link up', 6000);
    const first = await waitConsole(host, (l) => l.startsWith('rx '), 3000);
    expect(first.length).toBeGreaterThan(3);
    const lines = consoleOf(host);
    host.evaluate('digitalWrite(5, 1)'); // ENABLE off: a TCP meter cannot be silenced, the host drops its bytes
    sim.emit('data', new Uint8Array([0, 0]));
    await sleep(100);
    expect(lines).toEqual([]);
  } finally {
    await tcp.close();
  }
}, 15000);
