// The device's meter session (poller + session + decoders) against the meter simulator, in virtual time.
import { TABLE_DECODERS } from '../../device/src/meter/tables/index';
import { MeterSimulator } from '../../device/sim/meter-sim/meter';
import { MeterPoller, MeterLink } from '../../device/src/meter/poller';
import { MeterSession } from '../../device/src/meter/session';
import { SessionCommand, SessionOptions } from '../../device/src/meter/session-types';
import { parseMbk } from '../../device/src/meter/key';
import { BT01, BT21, BT23, BT28 } from '../../device/src/meter/table-ids';
import type { Bt23, Bt28 } from '../../device/src/meter/tables/index';
import { VirtualTime } from '../helpers/virtual-time';

const KEY = 'ABCDEFGHIJKLMNOPQRST';
const digestKey = (text: string) => (parseMbk(text) as { digestKey: Uint8Array }).digestKey;

function rig(options: { simOptions?: Partial<ConstructorParameters<typeof MeterSimulator>[0]>; session?: Partial<SessionOptions>; key?: string }) {
  const time = new VirtualTime();
  const sim = new MeterSimulator({ key: KEY, pacing: 'instant', seed: 7, timers: time, clock: time.now, startTime: Date.UTC(2026, 5, 1, 12), ...options.simOptions });
  const listeners: ((b: Uint8Array) => void)[] = [];
  sim.on('data', (bytes: Uint8Array) => listeners.forEach((l) => l(bytes.slice())));
  const link: MeterLink = {
    write: (bytes) => sim.receive(bytes.slice()),
    reset: (done) => {
      sim.setEnabled(false);
      time.setTimeout(() => {
        sim.setEnabled(true);
        done();
      }, 2000);
    },
    onData: (l) => listeners.push(l),
  };
  const events: SessionCommand[] = [];
  const session = new MeterSession({ digestKey: digestKey(options.key ?? KEY), decoders: TABLE_DECODERS, pollIntervalMs: 2000, ...options.session });
  const poller = new MeterPoller({ link, session, timers: time, onEvent: (c) => events.push(c) });
  poller.start();
  const tables = <T>(id: number) => events.filter((e) => e.type === 'table' && e.table === id).map((e) => (e as { value: T }).value);
  const states = () => events.filter((e) => e.type === 'status').map((e) => (e as Extract<SessionCommand, { type: 'status' }>).status.state);
  return { time, sim, session, events, tables, states };
}

describe('[e2e] device session ↔ meter simulator', () => {
  test('clean line: identifies the meter and polls; energy only grows and follows the power', () => {
    const r = rig({ simOptions: { timeScale: 60 } });
    r.time.advance(10 * 60 * 1000);
    expect(r.states()).toEqual(['starting', 'online']);
    expect(r.tables(BT01).length).toBe(1);
    const bt23 = r.tables<Bt23>(BT23).map((v) => v.total.summations[0]!);
    expect(bt23.length).toBe(20); // every 30 s (poll-schedule.ts); BT28 every 2 s
    expect(r.tables(BT28).length).toBeGreaterThanOrEqual(295);
    for (let i = 1; i < bt23.length; i++) expect(bt23[i]!).toBeGreaterThanOrEqual(bt23[i - 1]!);
    expect(bt23[bt23.length - 1]!).toBeGreaterThan(bt23[0]!);
    for (const v of r.tables<Bt28>(BT28)) {
      for (const mv of v.voltageMv!) expect(mv / 1000).toBeGreaterThan(200);
      expect(Math.abs(v.frequencyMilliHz! - 50000)).toBeLessThan(500);
    }
  });

  test('thousands of poll cycles with faults on: no crash, readings keep coming, energy never goes backwards', () => {
    const r = rig({
      simOptions: {
        timeScale: 10,
        alertIntervalMs: 45000,
        faults: {
          garbageProbability: 0.05,
          chunking: { minBytes: 1, maxBytes: 9 },
          dropReplyProbability: 0.02,
          dropReplyButExecuteProbability: 0.02,
          corruptProbability: 0.02,
          truncateProbability: 0.02,
          lateReplyProbability: 0.01,
          seqBumpProbability: 0.02,
          seqBumpBurst: 2,
          replyCodeProbability: 0.02,
          replyCodes: [0x06, 0x0b],
          alertWithReplyProbability: 0.01,
        },
      },
    });
    r.time.advance(4 * 3600 * 1000);
    const s = r.session.stats;
    expect(s.pollCycles).toBeGreaterThan(3000);
    expect(s.sequenceResyncs).toBeGreaterThan(0);
    expect(s.timeouts).toBeGreaterThan(0);
    expect(s.alertChainsCompleted).toBeGreaterThan(100);
    const energy = r.tables<Bt23>(BT23).map((v) => v.total.summations[0]!);
    for (let i = 1; i < energy.length; i++) expect(energy[i]!).toBeGreaterThanOrEqual(energy[i - 1]!);
    expect(r.session.linkState()).not.toBe('auth-failed');
    const plausible = r.tables<Bt28>(BT28).every((v) => v.voltageMv!.every((mv) => mv > 200000 && mv < 260000));
    expect(plausible).toBe(true);
  }, 120000);

  test('meter silence (MEP port disabled) is reported as no reply; readings resume when it comes back', () => {
    const r = rig({ simOptions: { mepPortDisabled: true } });
    r.time.advance(60000);
    expect(r.states()).toEqual(['starting', 'no-reply']);
    r.sim.setMepPortDisabled(false);
    r.time.advance(5 * 60000);
    expect(r.states()[r.states().length - 1]).toBe('online');
  });

  test('a wrong MBK key gives the "wrong MBK key" state and the meter is not hammered', () => {
    const r = rig({ key: 'WRONGKEYWRONGKEY1234' });
    r.time.advance(10 * 60000);
    expect(r.states()).toEqual(['starting', 'auth-failed']);
    expect(r.session.stats.requests).toBeLessThan(10);
  });

  test('MEP RC4 (guide pp. 256–257): requests and replies travel encrypted, readings as in the clear', () => {
    const r = rig({ session: { rc4: true }, simOptions: { values: 'frozen' } });
    const recs: { encrypted: boolean; outcome: string }[] = [];
    const wire: number[][] = [];
    r.sim.on('request', (rec: { encrypted: boolean; outcome: string }) => recs.push(rec));
    r.sim.on('data', (b: Uint8Array) => wire.push(Array.from(b)));
    r.time.advance(20000);
    expect(r.states()).toEqual(['starting', 'online']);
    expect(recs.length).toBeGreaterThan(10);
    expect(recs.every((x) => x.encrypted)).toBe(true);
    expect(r.session.stats.badDigests).toBe(0);
    const plain = rig({ simOptions: { values: 'frozen' } });
    plain.time.advance(20000);
    expect(r.tables<Bt28>(BT28)[0]).toEqual(plain.tables<Bt28>(BT28)[0]);
    // the meter's name never shows on the wire in clear
    expect(Buffer.from(wire.flat()).includes(Buffer.from('NES'))).toBe(false);
  });

  test('MEP RC4 with a wrong key: the plaintext 0x0B is recognised, "wrong MBK key"', () => {
    const r = rig({ key: 'WRONGKEYWRONGKEY1234', session: { rc4: true } });
    r.time.advance(60000);
    expect(r.states()).toEqual(['starting', 'auth-failed']);
  });

  test('replies with a corrupted digest or a flipped data byte under the old digest never become readings', () => {
    const r = rig({ simOptions: { values: 'frozen', faults: { badDigestProbability: 0.15, badDataProbability: 0.15 } } });
    const faults: string[] = [];
    r.sim.on('fault', (name: string) => faults.push(name));
    r.time.advance(10 * 60000);
    expect(faults.filter((f) => f === 'badDigest').length).toBeGreaterThan(20);
    expect(faults.filter((f) => f === 'badData').length).toBeGreaterThan(20);
    // each corrupted reply is a counted line error (a reply hit by both faults counts once)
    const replies = faults.filter((f) => f === 'badDigest' || f === 'badData').length;
    expect(r.session.stats.badDigests).toBeGreaterThan(replies * 0.8);
    expect(r.session.stats.badDigests).toBeLessThanOrEqual(replies);
    // frozen tables: every reading must be exactly what the meter serves
    const bt28 = r.tables<Bt28>(BT28);
    const bt23 = r.tables<Bt23>(BT23);
    expect(bt28.length).toBeGreaterThan(100);
    for (const v of bt28) expect(v).toEqual(bt28[0]);
    for (const v of bt23) expect(v).toEqual(bt23[0]);
    // 30 % of replies corrupted: now and then a request fails four times running (garbled) or its resends meet
    // 0x0C four times (sequence-error); the session always comes back
    expect(r.states()[r.states().length - 1]).toBe('online');
  });

  test('the meter adds 25 to its sequence number (interface changed): the session reads BT21 again, then polls on', () => {
    const r = rig({});
    const reads: number[] = [];
    r.sim.on('request', (rec: { apdu: Uint8Array; outcome: string }) => {
      if (rec.outcome === 'executed') reads.push((rec.apdu[1]! << 8) | rec.apdu[2]!);
    });
    r.time.advance(10000);
    expect(reads.filter((t) => t === BT21).length).toBe(1);
    r.sim.bumpSequence(25);
    r.time.advance(10000);
    expect(reads.filter((t) => t === BT21).length).toBe(2);
    expect(r.session.linkState()).toBe('online');
    expect(r.tables<Bt28>(BT28).length).toBeGreaterThan(6);
  });

  test('a sequence window of 8 (guide p. 11): the session never runs ahead of it, 0x0C only at start-up', () => {
    const r = rig({ simOptions: { initialSeq: 5000, faults: { dropReplyProbability: 0.1 } }, session: { initialSeq: 4000 } });
    r.time.advance(5 * 60000);
    expect(r.session.stats.sequenceResyncs).toBe(1);
    expect(r.session.linkState()).toBe('online');
  });
});
