// The device's meter session (poller + session + decoders) against the meter simulator, in virtual time.
import { TABLE_DECODERS } from '../../device/src/meter/tables/index';
import { MeterSimulator } from '../../device/sim/meter-sim/meter';
import { createTestOnlyXorCipher } from '../../device/sim/meter-sim/testCipher';
import { MeterPoller, MeterLink } from '../../device/src/meter/poller';
import { MeterSession } from '../../device/src/meter/session';
import { SessionCommand, SessionOptions } from '../../device/src/meter/session-types';
import { parseMbk } from '../../device/src/meter/key';
import { BT01, BT23, BT28 } from '../../device/src/meter/table-ids';
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
    expect(bt23.length).toBeGreaterThan(250);
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

  test('the payload-cipher hook works end to end with the simulator test cipher', () => {
    const cipherFor = () => createTestOnlyXorCipher(KEY);
    const r = rig({ simOptions: { cipher: cipherFor() }, session: { cipher: cipherFor() } });
    r.time.advance(20000);
    expect(r.states()).toEqual(['starting', 'online']);
    expect(r.tables<Bt28>(BT28)[0]!.voltageMv![0]! / 1000).toBeGreaterThan(200);
    // and without the cipher the same meter's data does not decode to plausible values
    const plain = rig({ simOptions: { cipher: cipherFor() } });
    plain.time.advance(20000);
    const v = plain.tables<Bt28>(BT28)[0];
    expect(v === undefined || !(v.voltageMv![0]! > 200000 && v.voltageMv![0]! < 260000)).toBe(true);
  });

  test('full BT23 refused (Gen-4): the session switches to the partial read and keeps the energy coming', () => {
    const r = rig({ simOptions: { faults: { fullBt23Unsupported: true } }, session: { bt23Read: 'full' } });
    r.time.advance(30000);
    expect(r.tables<Bt23>(BT23).length).toBeGreaterThan(5);
    expect(r.session.linkState()).toBe('online');
  });
});
