// The guide's MEP timing (p. 21), tested against the simulator at the line rate (9600 baud, realtime pacing) in
// virtual time: a 500-ms reply timeout to the first LEN bytes, no gap of 50 ms or more inside a request, 100 ms
// between requests, replies in 117-byte segments with 25-ms pauses. The simulator is strict here: a request that
// comes less than 100 ms after its previous reply is ignored ('ignore'), and request bytes that pause 50 ms are noise.
import { MeterSimulator, type MeterSimulatorOptions } from '../../device/sim/meter-sim';
import { MeterLink, MeterPoller } from '../../device/src/meter/poller';
import { MeterSession } from '../../device/src/meter/session';
import { SessionCommand, SessionOptions } from '../../device/src/meter/session-types';
import { parseMbk } from '../../device/src/meter/key';
import { fullRead } from '../../device/src/meter/requests';
import { encodeRequest } from '../../device/src/meter/frame';
import { BT23, BT28 } from '../../device/src/meter/table-ids';
import { TABLE_DECODERS } from '../../device/src/meter/tables/index';
import { VirtualTime } from '../helpers/virtual-time';

const KEY = 'ABCDEFGHIJKLMNOPQRST';
const digestKey = (parseMbk(KEY) as { digestKey: Uint8Array }).digestKey;
const BYTE_MS = 10000 / 9600;

function rig(sim: Partial<MeterSimulatorOptions> = {}, session: Partial<SessionOptions> = {}) {
  const time = new VirtualTime();
  const meter = new MeterSimulator({
    key: KEY, pacing: 'realtime', requestSpacing: 'ignore', seed: 3, timers: time, clock: time.now, startTime: Date.UTC(2026, 5, 1, 12), ...sim,
  });
  const listeners: ((b: Uint8Array) => void)[] = [];
  const wire: { at: number; dir: 'tx' | 'rx'; bytes: Uint8Array }[] = [];
  meter.on('data', (b: Uint8Array) => {
    wire.push({ at: time.now(), dir: 'rx', bytes: b.slice() });
    listeners.forEach((l) => l(b.slice()));
  });
  const link: MeterLink = {
    // The whole frame in one write, as the firmware's UART write does: no pause inside a request.
    write: (b) => {
      wire.push({ at: time.now(), dir: 'tx', bytes: b.slice() });
      meter.receive(b.slice());
    },
    reset: (done) => time.setTimeout(done, 500),
    onData: (l) => listeners.push(l),
  };
  const events: SessionCommand[] = [];
  const s = new MeterSession({ digestKey, decoders: TABLE_DECODERS, ...session });
  const poller = new MeterPoller({ link, session: s, timers: time, onEvent: (c) => events.push(c) });
  const outcomes: string[] = [];
  meter.on('request', (r: { outcome: string }) => outcomes.push(r.outcome));
  return { time, meter, session: s, poller, events, wire, outcomes };
}

describe('[guide p. 21] MEP timing against the simulator at 9600 baud', () => {
  test('our session keeps 100 ms between requests: a strict meter ignores none of them, nothing times out', () => {
    const r = rig();
    r.poller.start();
    r.time.advance(5 * 60000);
    expect(r.meter.tooSoon).toBe(0);
    expect(r.outcomes.length).toBeGreaterThan(100);
    expect(r.outcomes.every((o) => o === 'executed' || o === 'bad-sequence')).toBe(true);
    expect(r.session.stats.timeouts).toBe(0);
    expect(r.session.stats.retransmissions).toBe(0);
    expect(r.session.linkState()).toBe('online');
    // measured on the wire: every request starts ≥ 100 ms after the last byte of the reply before it
    let lastRx = -Infinity;
    let minGap = Infinity;
    for (const w of r.wire) {
      if (w.dir === 'rx') lastRx = w.at;
      else minGap = Math.min(minGap, w.at - lastRx);
    }
    expect(minGap).toBeGreaterThanOrEqual(100);
  });

  test('a client that does not wait (requestGapMs 0) is caught: the strict meter ignores its requests', () => {
    const r = rig({}, { requestGapMs: 0 });
    r.poller.start();
    r.time.advance(60000);
    expect(r.meter.tooSoon).toBeGreaterThan(0);
    expect(r.outcomes).toContain('too-soon');
    expect(r.session.stats.timeouts).toBeGreaterThan(0);
  });

  test("the guide's own meter throttles instead: a too-early request is answered ≥ 100 ms after the previous reply", () => {
    const r = rig({ requestSpacing: 'throttle', turnaroundMs: 0 });
    const seq = r.meter.expectedSeq;
    r.meter.receive(encodeRequest(fullRead(BT23).apdu, seq, digestKey));
    r.time.advance(1000);
    expect(r.meter.tooSoon).toBe(0);
    const before = r.wire.length;
    r.meter.receive(encodeRequest(fullRead(BT28).apdu, seq + 1, digestKey));
    r.time.advance(50); // the BT28 reply is still on the wire
    r.meter.receive(encodeRequest(fullRead(BT23).apdu, seq + 2, digestKey));
    r.time.advance(2000);
    expect(r.meter.tooSoon).toBe(1);
    expect(r.outcomes).toEqual(['executed', 'executed', 'executed']);
    // the BT28 reply's last chunk, then the BT23 reply's first one: ≥ 100 ms apart (first chunk = its line time)
    const rx = r.wire.slice(before).filter((w) => w.dir === 'rx');
    const total28 = ((rx[0]!.bytes[0]! << 8) | rx[0]!.bytes[1]!) + 2;
    let n = 0;
    let i = 0;
    for (; n < total28; i++) n += rx[i]!.bytes.length;
    expect(n).toBe(total28);
    expect(rx[i]!.at - rx[i - 1]!.at).toBeGreaterThanOrEqual(100);
  });

  test('replies longer than 117 bytes come in 117-byte segments with a 25-ms pause after each', () => {
    const r = rig({ turnaroundMs: 0, uartChunkMs: 5 });
    r.meter.receive(encodeRequest(fullRead(BT28).apdu, r.meter.expectedSeq, digestKey));
    const t0 = r.time.now();
    r.time.advance(1000);
    const rx = r.wire.filter((w) => w.dir === 'rx');
    const total = rx.reduce((n, w) => n + w.bytes.length, 0);
    expect(total).toBeGreaterThan(117); // BT28 of the default profile: 2 segments
    // no chunk straddles a segment boundary, and each new segment starts ≥ 25 ms after the previous one's end
    let at = 0;
    let prevEnd = t0;
    for (const w of rx) {
      const seg = Math.floor(at / 117);
      expect(Math.floor((at + w.bytes.length - 1) / 117)).toBe(seg);
      if (at > 0 && at % 117 === 0) expect(w.at - prevEnd).toBeGreaterThanOrEqual(25 + w.bytes.length * BYTE_MS - 1);
      at += w.bytes.length;
      prevEnd = w.at;
    }
    const pauses = Math.floor((total - 1) / 117);
    expect(rx[rx.length - 1]!.at - t0).toBeGreaterThanOrEqual(total * BYTE_MS + pauses * 25 - 1);
    expect(rx[rx.length - 1]!.at - t0).toBeLessThan(total * BYTE_MS + pauses * 25 + 10);
  });

  test('request bytes that pause 50 ms are noise to the meter (at least one byte every 50 ms)', () => {
    const r = rig({ turnaroundMs: 0 });
    const f = encodeRequest(fullRead(BT28).apdu, r.meter.expectedSeq, digestKey);
    r.meter.receive(f.subarray(0, 5));
    r.time.advance(49);
    r.meter.receive(f.subarray(5));
    r.time.advance(1000);
    expect(r.outcomes).toEqual(['executed']);
    r.meter.receive(f.subarray(0, 5));
    r.time.advance(51);
    r.meter.receive(f.subarray(5));
    r.time.advance(1000);
    expect(r.outcomes).toEqual(['executed']);
  });

  test('no reply: the identical packet again 500 ms after the request left (plus its line time)', () => {
    const r = rig({ mepPortDisabled: true });
    r.poller.start();
    r.time.advance(500); // the link reset
    r.time.advance(3000);
    const tx = r.wire.filter((w) => w.dir === 'tx');
    expect(tx.length).toBeGreaterThanOrEqual(2);
    expect(Buffer.from(tx[1]!.bytes).equals(Buffer.from(tx[0]!.bytes))).toBe(true);
    const lineTime = Math.ceil(tx[0]!.bytes.length * BYTE_MS);
    expect(tx[1]!.at - tx[0]!.at).toBe(lineTime + 500);
  });
});
