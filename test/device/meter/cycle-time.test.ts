// Issue 9: the firmware measures the CPU time of its own poll cycles in JavaScript (device/src/meter/cycle-time.ts)
// and reports it in its diagnostics. In virtual time every phase operation spends a known time, and the figures
// equal the time spent.
import { costs } from './cycle-costs'; // first: replaces frame.ts's request encoder and reply parser (see there)
import { MeterService } from '../../../device/src/app/meter-service';
import { Hal } from '../../../device/src/hal/types';
import { createLogger } from '../../../device/src/log';
import { CycleTimes, T_BUILD, T_DECODE, T_MAX, T_MEDIAN, T_PUBLISH, T_VERIFY } from '../../../device/src/meter/cycle-time';
import { FrameDecoder } from '../../../device/src/meter/frame-decoder';
import { MeterLink, MeterPoller } from '../../../device/src/meter/poller';
import { MeterSession } from '../../../device/src/meter/session';
import { BT28 } from '../../../device/src/meter/table-ids';
import { TableDecoder, TABLE_DECODERS } from '../../../device/src/meter/tables/index';
import { Settings } from '../../../device/src/settings/schema';
import { buildDiagnosticsPayload } from '../../../discovery/payloads';
import { describeRequest, KEY, KEY_TEXT, replyFrame, tableAnswer } from '../../helpers/session-harness';
import { VirtualTime } from '../../helpers/virtual-time';

describe('CycleTimes', () => {
  function manual() {
    let t = 1000;
    return { c: new CycleTimes({ now: () => t }), step: (ms: number) => void (t += ms) };
  }

  /** One cycle in one driver call whose publish phase takes `ms`. */
  function cycle(m: ReturnType<typeof manual>, ms: number): void {
    const t0 = m.c.now();
    m.c.begin();
    m.step(ms);
    m.c.add(T_PUBLISH, t0);
    m.c.decoded();
    m.c.exit(t0);
  }

  test('each phase and the total are the time between the calls; time before the cycle began is not its time', () => {
    const m = manual();
    const { c, step } = m;
    expect([c.cycles, c.stat(T_MEDIAN), c.stat(T_MAX), c.stat(T_BUILD)]).toEqual([0, 0, 0, 0]);
    // Call 1 (a timer): 1 ms of something else, then the poll begins and a request is built.
    let t0 = c.now();
    step(1);
    c.begin();
    let at = c.now();
    step(2);
    c.add(T_BUILD, at);
    step(0.5);
    c.exit(t0); // total 2.5
    // Call 2 (the reply): verify, decode, the app publishes, 1 ms more before the call returns.
    t0 = c.now();
    step(3);
    at = c.add(T_VERIFY, t0);
    step(4);
    at = c.add(T_DECODE, at);
    c.decoded();
    step(5);
    c.add(T_PUBLISH, at);
    step(1);
    expect(c.cycles).toBe(0); // open until the call returns
    c.exit(t0); // total 13
    // Call 3, between cycles: counted nowhere.
    t0 = c.now();
    step(100);
    c.exit(t0);
    expect(c.cycles).toBe(1);
    expect([c.stat(T_BUILD), c.stat(T_VERIFY), c.stat(T_DECODE), c.stat(T_PUBLISH)]).toEqual([2, 3, 4, 5]);
    expect([c.stat(T_MEDIAN), c.stat(T_MAX)]).toEqual([15.5, 15.5]);
  });

  test('median and maximum of the totals (odd and even counts), means of the phases', () => {
    const m = manual();
    for (const ms of [5, 1, 3]) cycle(m, ms);
    expect([m.c.stat(T_MEDIAN), m.c.stat(T_MAX), m.c.stat(T_PUBLISH)]).toEqual([3, 5, 3]);
    cycle(m, 3);
    expect([m.c.stat(T_MEDIAN), m.c.stat(T_MAX), m.c.stat(T_PUBLISH)]).toEqual([3, 5, 3]);
    cycle(m, 10);
    cycle(m, 10);
    expect([m.c.stat(T_MEDIAN), m.c.stat(T_MAX)]).toEqual([4, 10]); // 1 3 3 | 5 10 10
  });

  test('only the last 16 cycles count', () => {
    const m = manual();
    for (let ms = 1; ms <= 20; ms++) cycle(m, ms);
    expect(m.c.cycles).toBe(20);
    // Kept: 5 … 20.
    expect([m.c.stat(T_MEDIAN), m.c.stat(T_MAX), m.c.stat(T_PUBLISH)]).toEqual([12.5, 20, 12.5]);
  });

  test('a cycle that overran the poll interval (the next poll queued in the same call) is kept, and the next counted', () => {
    const m = manual();
    const { c, step } = m;
    c.begin();
    const t0 = c.now();
    step(7);
    c.add(T_DECODE, t0);
    c.decoded();
    c.begin(); // the next poll is due already
    step(1);
    c.exit(t0);
    expect(c.cycles).toBe(1);
    expect([c.stat(T_DECODE), c.stat(T_MAX)]).toEqual([7, 8]);
    cycle(m, 2);
    expect(c.cycles).toBe(2);
    expect([c.stat(T_DECODE), c.stat(T_MAX)]).toEqual([3.5, 8]);
  });
});

// ---- the session and its driver, against a scripted meter in virtual time -------------------------------------

/** Virtual time spent per operation, ms. Binary fractions, so the Float32 sums are exact. */
const COST = { build: 2, parse: 1, digest: 3, cut: 0.5, decode: 1.5, write: 0.25 };
/** Per cycle (BT23 and BT28 read): two requests built, two replies cut, parsed and checked, two tables decoded. */
const BUILD = 2 * COST.build;
const VERIFY = 2 * (COST.cut + COST.parse + COST.digest);
const DECODE = 2 * COST.decode;
const WRITES = 2 * COST.write;

let time: VirtualTime;

beforeEach(() => {
  time = new VirtualTime();
  costs.spend = (ms) => time.spend(ms);
  costs.encodeRequest = COST.build;
  costs.parseReply = COST.parse;
  costs.replyDigest = COST.digest;
  const push = FrameDecoder.prototype.push;
  jest.spyOn(FrameDecoder.prototype, 'push').mockImplementation(function (this: FrameDecoder, chunk) {
    time.spend(COST.cut);
    return push.call(this, chunk);
  });
});

afterEach(() => jest.restoreAllMocks());

/** A meter answering every request 60 ms later in one chunk (the synthetic tables); writes cost COST.write. */
function scriptedLink(): MeterLink {
  const listeners: ((chunk: Uint8Array) => void)[] = [];
  return {
    write: (bytes) => {
      time.spend(COST.write);
      const req = describeRequest(bytes);
      const answer = tableAnswer(req);
      if (answer) time.setTimeout(() => listeners.forEach((l) => l(replyFrame(req.bytes, answer.status, answer.payload))), 60);
    },
    reset: (done) => time.setTimeout(done, 100),
    onData: (l) => listeners.push(l),
  };
}

function rig(publishMs: (cycle: number) => number) {
  const decoders: TableDecoder[] = TABLE_DECODERS.map((d) => ({
    table: d.table,
    decode: (data, ctx) => {
      time.spend(COST.decode);
      return d.decode(data, ctx);
    },
  }));
  const cycleTimes = new CycleTimes(time);
  // The meter clock (BT52) is read with a poll once a minute: kept out of these runs so every cycle is alike. A 30-s
  // poll interval reads the energy (BT23) with every poll (poll-schedule.ts), so each cycle is BT23 + BT28.
  const session = new MeterSession({ digestKey: KEY, decoders, pollIntervalMs: 30000, clockIntervalMs: 3600000, cycleTimes });
  let published = 0;
  const poller = new MeterPoller({
    link: scriptedLink(),
    timers: time,
    session,
    cycleTimes,
    onEvent: (c) => {
      if (c.type === 'table' && c.table === BT28) time.spend(publishMs(++published)); // the app publishes the reading
    },
  });
  poller.start();
  const runUntil = (cycles: number) => {
    while (session.stats.pollCycles < cycles) time.advance(1000);
  };
  return { cycleTimes, session, poller, runUntil };
}

describe('poll-cycle time measured by the session and its driver', () => {
  test('every phase, and the total, equal the virtual time spent in them', () => {
    const r = rig(() => 7);
    r.runUntil(24);
    r.poller.stop();
    const c = r.cycleTimes;
    expect(c.cycles).toBe(r.session.stats.pollCycles);
    expect([c.stat(T_BUILD), c.stat(T_VERIFY), c.stat(T_DECODE), c.stat(T_PUBLISH)]).toEqual([BUILD, VERIFY, DECODE, 7]);
    const total = BUILD + VERIFY + DECODE + 7 + WRITES;
    expect([c.stat(T_MEDIAN), c.stat(T_MAX)]).toEqual([total, total]);
  });

  test('one slow publish shows in the maximum and the publish mean, not in the median', () => {
    const r = rig((n) => (n === 20 ? 47 : 7));
    r.runUntil(24); // cycles 9 … 24 are kept
    const c = r.cycleTimes;
    const total = BUILD + VERIFY + DECODE + 7 + WRITES;
    expect([c.stat(T_MEDIAN), c.stat(T_MAX)]).toEqual([total, total + 40]);
    expect(c.stat(T_PUBLISH)).toBe(7 + 40 / 16);
    r.runUntil(36); // cycle 20 has left the window
    expect([c.stat(T_MEDIAN), c.stat(T_MAX), c.stat(T_PUBLISH)]).toEqual([total, total, 7]);
    r.poller.stop();
  });

  test('the start-up reads before the first poll are not counted', () => {
    const r = rig(() => 7);
    r.runUntil(1);
    r.poller.stop();
    expect(r.cycleTimes.cycles).toBe(1);
    expect(r.cycleTimes.stat(T_MAX)).toBe(BUILD + VERIFY + DECODE + 7 + WRITES);
  });
});

describe('MeterService: the figures in the diagnostics message', () => {
  test('poll_ms, poll_ms_max and poll_phases are the time spent, none before the first cycle', () => {
    const link = scriptedLink();
    const files = new Map<string, string>();
    const hal = {
      clock: { now: time.now, setTimeout: time.setTimeout, clearTimeout: time.clearTimeout, wallClock: () => 0, setWallClock: () => undefined },
      uart: link,
      storage: { readText: (n: string) => files.get(n) ?? null, write: (n: string, d: string) => (files.set(n, d), true) },
    } as unknown as Hal;
    const meter = new MeterService({
      hal,
      log: createLogger(() => undefined, 'meter', 'info'),
      events: { onCycle: () => time.spend(7), onIdentity: () => undefined, onStatus: () => undefined, onProblem: () => undefined },
    });
    // 30 s: every poll reads BT23 and BT28 (poll-schedule.ts), so every cycle is alike
    const settings = { meter: { key: KEY_TEXT, pollIntervalS: 30, replyDigest: 'enforce' } } as Settings;
    expect(meter.start(settings)).toBe(true);
    const before = { polls: 0 };
    meter.cycleTimes(before);
    expect(buildDiagnosticsPayload(before)).toBe('{"polls":0}');
    while (meter.stats().polls < 2) time.advance(1000); // before the first clock re-read (60 s)
    const values = { polls: meter.stats().polls };
    meter.stop();
    meter.cycleTimes(values);
    // The firmware's decoders run in no virtual time here; the app's publish (onCycle) takes 7 ms.
    const total = BUILD + VERIFY + 7 + WRITES;
    expect(buildDiagnosticsPayload(values)).toBe(
      `{"polls":2,"poll_ms":${total.toFixed(1)},"poll_ms_max":${total.toFixed(1)},` +
        `"poll_phases":"build ${BUILD.toFixed(1)} / verify ${VERIFY.toFixed(1)} / decode 0.0 / publish 7.0 ms"}`,
    );
  });
});
