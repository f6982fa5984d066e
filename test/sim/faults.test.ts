// Spec §5, §7, §15.8: every fault option, probabilistic and one-shot, reproducible from the seed.
import { fullRead, partialRead } from '../../device/src/meter/requests';
import { BT01, BT23, BT28, BT52 } from '../../device/src/meter/table-ids';
import { normalizeFaults, parseFaultSpec, type RequestRecord } from '../../device/sim/meter-sim';
import { Harness, cut, hexOf } from './harness';

function records(h: Harness): RequestRecord[] {
  const out: RequestRecord[] = [];
  h.sim.on('request', (r: RequestRecord) => out.push(r));
  return out;
}

describe('[MEP §15.8] fault injection', () => {
  test('silence: no bytes, requests ignored', () => {
    const h = new Harness({ faults: { silence: true }, initialSeq: 5 });
    h.send(fullRead(BT52), { seq: 5 });
    h.sim.alert();
    expect(h.wire().length).toBe(0);
    expect(h.sim.expectedSeq).toBe(5);
  });

  test('dropReplyProbability: the request is lost, so the identical retransmission is accepted (C06)', () => {
    const h = new Harness({ faults: { dropReplyProbability: 1 }, initialSeq: 5 });
    const frame = h.frame(fullRead(BT52), 5);
    h.sim.receive(frame);
    expect(h.wire().length).toBe(0);
    h.sim.setFaults({ dropReplyProbability: 0 });
    h.sim.receive(frame);
    expect(h.take()[0]!.reply!.status).toBe(0);
  });

  test('dropReplyButExecute: executed, reply lost, the retransmission gets 0x0C with seq + 1 (C04/C05)', () => {
    const h = new Harness({ faults: { dropReplyButExecuteProbability: 1 }, initialSeq: 5 });
    const faults: string[] = [];
    h.sim.on('fault', (f: string) => faults.push(f));
    const frame = h.frame(fullRead(BT52), 5);
    h.sim.receive(frame);
    expect(h.wire().length).toBe(0);
    expect(faults).toEqual(['dropExecute']);
    h.sim.setFaults({ dropReplyButExecuteProbability: 0 });
    h.sim.receive(frame);
    expect(h.take()[0]!.reply!.nextSeq).toBe(5); // the meter's number: the executed copy's
  });

  test('one-shot drops', () => {
    const h = new Harness();
    h.sim.injectFault('drop');
    expect(h.send(fullRead(BT52))).toHaveLength(0);
    h.sim.injectFault('dropExecute');
    expect(h.send(fullRead(BT52))).toHaveLength(0);
    expect(h.send(fullRead(BT52))).toHaveLength(1);
  });

  test('corruptProbability: exactly one bit of the reply flipped', () => {
    const h = new Harness({ faults: { corruptProbability: 1 } });
    const recs = records(h);
    h.sim.receive(h.frame(fullRead(BT01)));
    const wire = h.wire();
    const clean = recs[0]!.reply!;
    expect(wire.length).toBe(clean.length);
    let bits = 0;
    for (let i = 0; i < wire.length; i++) bits += (wire[i]! ^ clean[i]!).toString(2).split('1').length - 1;
    expect(bits).toBe(1);
  });

  test('truncateProbability: the frame is cut short; a client decoder finds nothing once the line is idle', () => {
    const h = new Harness({ faults: { truncateProbability: 1 } });
    const recs = records(h);
    h.sim.receive(h.frame(fullRead(BT28)));
    const wire = h.wire();
    expect(wire.length).toBeLessThan(recs[0]!.reply!.length);
    expect(hexOf(wire)).toBe(hexOf(recs[0]!.reply!.subarray(0, wire.length)));
    expect(cut(wire).filter((e) => e.type === 'frame')).toHaveLength(0);
  });

  test('garbage before replies: the client decoder still finds every frame', () => {
    const h = new Harness({ faults: { garbageProbability: 1, garbageMaxBytes: 12 }, seed: 11 });
    const recs = records(h);
    for (let k = 0; k < 20; k++) h.sim.receive(h.frame(k % 2 ? fullRead(BT01) : partialRead(BT23, 0, 13), h.seq++));
    const wire = h.wire();
    const total = recs.reduce((a, r) => a + r.reply!.length, 0);
    expect(wire.length).toBeGreaterThan(total);
    const frames = cut(wire).filter((e) => e.type === 'frame').map((e) => hexOf(e.bytes!));
    expect(frames).toEqual(recs.map((r) => hexOf(r.reply!)));
  });

  test('random chunking: several sends of bounded size that reassemble to the frame', () => {
    const h = new Harness({ faults: { chunking: { minBytes: 1, maxBytes: 7 } } });
    const recs = records(h);
    h.sim.receive(h.frame(fullRead(BT28)));
    expect(h.chunks.length).toBeGreaterThan(233 / 7);
    for (const c of h.chunks) expect(c.length).toBeLessThanOrEqual(7);
    const events = h.take();
    expect(hexOf(events[0]!.bytes!)).toBe(hexOf(recs[0]!.reply!));
  });

  test('delayMs and late replies (delay past the client timeout)', () => {
    jest.useFakeTimers();
    try {
      const h = new Harness({ faults: { delayMs: 300 } });
      h.sim.receive(h.frame(fullRead(BT52), h.seq++));
      jest.advanceTimersByTime(299);
      expect(h.wire().length).toBe(0);
      jest.advanceTimersByTime(1);
      expect(h.take()).toHaveLength(1);
      h.sim.setFaults({ delayMs: 0, lateReplyMs: 1500 });
      h.sim.injectFault('late');
      h.sim.receive(h.frame(fullRead(BT52), h.seq++));
      jest.advanceTimersByTime(1499);
      expect(h.wire().length).toBe(0);
      jest.advanceTimersByTime(1);
      expect(h.take()).toHaveLength(1);
      h.sim.setFaults({ lateReplyProbability: 1, lateReplyMs: 700 });
      h.sim.receive(h.frame(fullRead(BT52), h.seq++));
      jest.advanceTimersByTime(650);
      expect(h.wire().length).toBe(0);
      jest.advanceTimersByTime(50);
      expect(h.take()).toHaveLength(1);
    } finally {
      jest.useRealTimers();
    }
  });

  test('uplink busy: a burst of 0x0C replies, each with a higher expected number, then success', () => {
    const h = new Harness({ faults: { seqBumpBurst: 3, seqBumpMax: 5 }, initialSeq: 100 });
    h.sim.injectFault('seqBump'); // or seqBumpProbability > 0
    let seq = 100;
    const seen: number[] = [];
    for (let k = 0; k < 10; k++) {
      const r = h.reply(fullRead(BT52), { seq });
      if (r.status === 0) break;
      expect(r.status).toBe(0x0c);
      expect(r.nextSeq!).toBeGreaterThanOrEqual(seq);
      seen.push(r.nextSeq!);
      seq = r.nextSeq! + 1; // N + 1 (guide pp. 15–16)
    }
    expect(seen).toHaveLength(3);
    expect(h.sim.expectedSeq).toBe(seq + 1);
    h.sim.bumpSequence(1000);
    expect(h.reply(fullRead(BT52), { seq: seq + 1 }).nextSeq).toBe(seq + 1000);
  });

  test('reply code overrides on demand: 0x0B, 0x0C (with the meter number), 0x04, 0x06; and at random', () => {
    const h = new Harness({ initialSeq: 40 });
    for (const code of [0x0b, 0x0c, 0x04, 0x06]) h.sim.injectReplyCode(code);
    expect(h.reply(fullRead(BT52), { seq: 40 }).status).toBe(0x0b);
    const c = h.reply(fullRead(BT52), { seq: 40 });
    expect([c.status, c.nextSeq]).toEqual([0x0c, 39]);
    expect(h.reply(fullRead(BT52), { seq: 40 }).status).toBe(0x04);
    expect(h.reply(fullRead(BT52), { seq: 40 }).status).toBe(0x06);
    expect(h.sim.expectedSeq).toBe(40); // overridden requests are not executed
    h.sim.setFaults({ replyCodeProbability: 1, replyCodes: [0x06, 0x07] });
    const codes = new Set<number>();
    for (let k = 0; k < 20; k++) codes.add(h.reply(fullRead(BT52), { seq: 40 }).status);
    expect([...codes].sort()).toEqual([6, 7]);
  });

  test('unsupported full BT23 read → 0x0B (configurable); the partial read works (spec §7, §10.3)', () => {
    const h = new Harness({ faults: { fullBt23Unsupported: true } });
    expect(h.reply(fullRead(BT23)).status).toBe(0x0b);
    expect(h.reply(fullRead(BT23, null)).status).toBe(0x0b);
    expect(h.reply(partialRead(BT23, 0, 13)).status).toBe(0);
    h.sim.setFaults({ fullBt23Code: 0x04 });
    expect(h.reply(fullRead(BT23)).status).toBe(0x04);
  });

  test('alertWithReplyProbability: an alert glued before or after replies', () => {
    const h = new Harness({ faults: { alertWithReplyProbability: 1 } });
    const kinds = new Set<string>();
    for (let k = 0; k < 12; k++) kinds.add(h.send(fullRead(BT52)).map((e) => e.type).join(','));
    expect([...kinds].sort()).toEqual(['alert,frame', 'frame,alert']);
  });

  test('the same seed reproduces the same faulty byte stream', () => {
    const run = (seed: number): string => {
      const h = new Harness({
        seed,
        faults: { corruptProbability: 0.3, garbageProbability: 0.3, truncateProbability: 0.2, dropReplyProbability: 0.2 },
      });
      for (let k = 0; k < 30; k++) h.sim.receive(h.frame(fullRead(BT52), h.seq++));
      return hexOf(h.wire());
    };
    expect(run(3)).toBe(run(3));
    expect(run(3)).not.toBe(run(4));
  });

  test('invalid options are refused; the text form parses', () => {
    expect(() => normalizeFaults({ corruptProbability: 2 })).toThrow(/probability/);
    expect(() => normalizeFaults({ chunking: { minBytes: 0, maxBytes: 3 } })).toThrow(/chunking/);
    expect(() => new Harness({ faults: { delayMs: -1 } })).toThrow(/delayMs/);
    expect(parseFaultSpec('silence dropReplyProbability=0.5,chunking=2-9 replyCodes=6/0x0b fullBt23Code=0x04')).toEqual({
      silence: true,
      dropReplyProbability: 0.5,
      chunking: { minBytes: 2, maxBytes: 9 },
      replyCodes: [6, 11],
      fullBt23Code: 4,
    });
    expect(() => parseFaultSpec('nope=1')).toThrow(/unknown fault/);
    expect(() => parseFaultSpec('delayMs')).toThrow(/needs a value/);
  });
});
