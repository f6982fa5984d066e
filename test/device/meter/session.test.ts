import { BT01, BT20, BT21, BT23, BT28, BT52, ET03, ET11, ET13, ET50, ET55, ET70 } from '../../../device/src/meter/table-ids';
import { Bt23, Bt28 } from '../../../device/src/meter/tables/index';
import { bytesEqual } from '../../../device/src/meter/bytes';
import { Answer, SentRequest, SessionHarness, tableAnswer, TABLE_IMAGES, readPayload, replyFrame } from '../../helpers/session-harness';

const CONFIG_ORDER = [BT52, BT01, BT21, ET03, ET11, ET13, ET50];

/** 0x0C payload: the meter's number N (the client goes on with N + 1, guide pp. 15–16). */
function seqPayload(n: number): Uint8Array {
  return new Uint8Array([n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255]);
}

function freshSeqMeter(expected: number) {
  // A meter that wants `expected` next and moves on by one per accepted request; its 0x0C carries its last number.
  let next = expected;
  return (req: SentRequest): Answer => {
    if (req.seq < next) return { status: 0x0c, payload: seqPayload(next - 1) };
    next = req.seq + 1;
    return tableAnswer(req);
  };
}

describe('[MEP §14] start-up and polling', () => {
  test('boot: BT52 meets 0x0C, adopts the meter number, reads the configuration, then polls BT23 + BT28', () => {
    const h = new SessionHarness({ initialSeq: 0, pollIntervalMs: 2000 });
    h.respond = freshSeqMeter(0x1234);
    h.start();
    expect(h.sent[0]!.table).toBe(BT52);
    expect(h.sent[0]!.seq).toBe(0);
    expect(h.sent[1]!.table).toBe(BT52);
    expect(h.sent[1]!.seq).toBe(0x1234);
    expect(h.sent.slice(1, 8).map((r) => r.table)).toEqual(CONFIG_ORDER);
    // one byte each: ET70.142 (MEP port), BT20.7 (tiers), ET55 A+39 (energy unit; A = 147 + 4·3 on Gen 4)
    expect(h.sent.slice(8, 11)).toMatchObject([
      { table: ET70, cmd: 0x3f, offset: 142, count: 1 },
      { table: BT20, cmd: 0x3f, offset: 7, count: 1 },
      { table: ET55, cmd: 0x3f, offset: 198, count: 1 },
    ]);
    h.sent.splice(8, 3);
    // periodic: BT23 partial offset 0 count A+16 (A = 0 for these meters), BT28 full
    expect(h.sent[8]).toMatchObject({ table: BT23, cmd: 0x3f, offset: 0, count: 16 });
    expect(h.sent[9]).toMatchObject({ table: BT28, cmd: 0x30 });
    for (let i = 2; i < h.sent.length; i++) expect(h.sent[i]!.seq).toBe(h.sent[i - 1]!.seq + (i === 8 ? 4 : 1));
    expect(h.statuses()).toEqual(['starting', 'online']);
    const bt23 = h.tables(BT23)[0]!;
    expect(bt23.partial).toBe(true);
    expect((bt23.value as Bt23).total.summations[0]).toBe(65845342);
    expect((h.tables(BT28)[0]!.value as Bt28).fwdActiveW).toBe(484);
    // then BT28 every 2 s, BT23 with every 15th poll: every 30 s (poll-schedule.ts)
    h.advance(2000);
    expect(h.sent.slice(10).map((r) => r.table)).toEqual([BT28]);
    h.advance(13 * 2000);
    expect(h.sent.slice(10).map((r) => r.table)).toEqual(Array(14).fill(BT28));
    h.advance(2000);
    expect(h.sent.slice(-2).map((r) => r.table)).toEqual([BT23, BT28]);
    expect(h.session.stats.pollCycles).toBe(16);
  });

  test('the meter clock is re-read periodically and the sequence number is reserved for persistence', () => {
    const h = new SessionHarness({ pollIntervalMs: 5000, clockIntervalMs: 60000, initialSeq: 100 });
    h.start();
    const clockReads = () => h.sent.filter((r) => r.table === BT52).length;
    expect(clockReads()).toBe(1);
    h.advance(61000);
    expect(clockReads()).toBe(2);
    const reserved = h.of('sequence').map((e) => e.next);
    expect(reserved[0]).toBe(100 + 1 + 256);
    expect(Math.max(...reserved)).toBeGreaterThanOrEqual(h.session.nextSequence());
  });

  test('a table the meter does not support is skipped and start-up carries on', () => {
    const h = new SessionHarness();
    h.respond = (req) => (req.table === ET03 ? { status: 0x02 } : tableAnswer(req));
    h.start();
    expect(h.sent.map((r) => r.table)).toContain(BT28);
    expect(h.of('log').some((l) => /ET03.*service not supported/.test(l.message))).toBe(true);
  });

  test('full reads carry their length argument, 465 (guide pp. 8, 12); BT23 is read partially (it can exceed 465)', () => {
    const h = new SessionHarness();
    h.start();
    for (const r of h.sent.filter((x) => x.cmd === 0x30)) {
      const apdu = r.bytes.subarray(2, r.bytes.length - 12);
      expect(Array.from(apdu.subarray(3))).toEqual([0x01, 0xd1]);
    }
    expect(h.sent.filter((r) => r.table === BT23).every((r) => r.cmd === 0x3f)).toBe(true);
  });
});

describe('[MEP §5] sequence numbers', () => {
  test('0x0C bursts (meter uplink busy) are followed up to 3 times per request, then back-off with a clear status', () => {
    const h = new SessionHarness({ pollIntervalMs: 1000, backoffInitialMs: 2000 });
    h.start();
    let bumps = 0;
    h.respond = (req) => {
      bumps++;
      return { status: 0x0c, payload: seqPayload(req.seq + 10) };
    };
    h.advance(1000);
    expect(bumps).toBe(4);
    expect(h.statuses()).toContain('sequence-error');
    h.respond = tableAnswer;
    h.advance(3000);
    expect(h.statuses()[h.statuses().length - 1]).toBe('online');
  });

  test('after a verified 0x0C carrying N the next request uses N + 1 (guide pp. 15–16)', () => {
    const h = new SessionHarness({ pollIntervalMs: 1000 });
    h.start();
    let once = true;
    h.respond = (req) => {
      if (req.table === BT28 && once) {
        once = false;
        return { status: 0x0c, payload: seqPayload(req.seq + 3) };
      }
      return tableAnswer(req);
    };
    h.advance(1000);
    const bt28 = h.sent.filter((r) => r.table === BT28);
    expect(bt28[bt28.length - 1]!.seq).toBe(bt28[bt28.length - 2]!.seq + 4);
    expect(h.sent.filter((r) => r.table === BT21).length).toBe(1); // a small jump: no re-read
  });

  test('a jump of 25 (the meter changed its interface, guide pp. 54–55) re-reads the dimension tables first', () => {
    const h = new SessionHarness({ pollIntervalMs: 1000 });
    h.start();
    let bumped = -1;
    h.respond = (req) => {
      if (req.table === BT28 && bumped < 0) {
        bumped = req.seq;
        return { status: 0x0c, payload: seqPayload(req.seq - 1 + 25) };
      }
      return tableAnswer(req);
    };
    h.advance(2000);
    const after = h.sent.slice(h.sent.findIndex((r) => r.seq === bumped) + 1).map((r) => r.table);
    expect(after.indexOf(BT21)).toBeGreaterThanOrEqual(0);
    expect(after.indexOf(BT21)).toBeLessThan(after.indexOf(BT23)); // polling starts again, with the energy
    expect(h.of('log').some((l) => /jumped by 25/.test(l.message))).toBe(true);
    expect(h.statuses()[h.statuses().length - 1]).toBe('online');
  });
});

describe('[MEP §14] timeouts, link resets and back-off', () => {
  test('silence: 3 identical retransmissions, a link reset, then exponential back-off; never anything else', () => {
    const h = new SessionHarness({ replyTimeoutMs: 1000, backoffInitialMs: 2000, backoffMaxMs: 16000 });
    h.respond = () => null;
    h.start();
    h.advance(5000);
    const first4 = h.sent.slice(0, 4);
    expect(first4.every((r) => bytesEqual(r.bytes, first4[0]!.bytes))).toBe(true);
    expect(h.statuses()).toEqual(['starting', 'no-reply']);
    expect(h.resets).toBe(2); // power-up + reset after the first failure
    const before = h.sent.length;
    h.advance(10 * 60 * 1000);
    // back-off caps the rate: after the cap, one cycle of 4 tries per ~16 s + 4 s of timeouts
    const perMinute = ((h.sent.length - before) / 10);
    expect(perMinute).toBeLessThan(20);
    expect(h.session.stats.linkResets).toBeGreaterThan(5);
    expect(h.statuses()).toEqual(['starting', 'no-reply']);
  });

  test('bytes without a valid frame are reported as a garbled link, not as silence', () => {
    const h = new SessionHarness({ replyTimeoutMs: 1000 });
    h.respond = () => null;
    h.start();
    h.session.bytesArrived(7, h.now);
    h.advance(5000);
    expect(h.statuses()).toContain('garbled');
  });

  test('the link recovers by itself once the meter answers again', () => {
    const h = new SessionHarness({ replyTimeoutMs: 1000, backoffInitialMs: 2000, pollIntervalMs: 2000 });
    h.start();
    h.respond = () => null;
    h.advance(60000);
    expect(h.statuses()).toContain('no-reply');
    h.respond = tableAnswer;
    h.advance(60000);
    expect(h.statuses()[h.statuses().length - 1]).toBe('online');
    // the configuration is read again after the link came back (spec §14)
    expect(h.sent.filter((r) => r.table === BT21).length).toBeGreaterThanOrEqual(2);
  });

  test('a reply that starts arriving extends the deadline (slow 9600-baud frames are not cut off)', () => {
    const h = new SessionHarness({ replyTimeoutMs: 1000 });
    h.auto = false;
    h.start();
    const req = h.sent[0]!;
    h.advance(950);
    h.session.bytesArrived(10, h.now);
    h.advance(500);
    expect(h.sent.length).toBe(1);
    h.deliver(replyFrame(req.bytes, 0, readPayload(TABLE_IMAGES[BT52]!)));
    expect(h.tables(BT52).length).toBe(1);
  });
});

describe('[MEP §7] response codes', () => {
  test('0x0B persisting means a wrong MBK key: the session says so and stops hammering the meter', () => {
    const h = new SessionHarness({ authFailureLimit: 3, authRetryMs: 300000 });
    h.respond = () => ({ status: 0x0b });
    h.start();
    expect(h.sent.length).toBe(3);
    expect(h.statuses()).toEqual(['starting', 'auth-failed']);
    h.advance(299000);
    expect(h.sent.length).toBe(3);
    h.advance(2000); // one probe every authRetryMs
    expect(h.sent.length).toBe(4);
    h.respond = tableAnswer; // key corrected on the meter side / by the user
    h.advance(300000);
    expect(h.statuses()[h.statuses().length - 1]).toBe('online');
  });

  test('a single 0x0B (corrupted frame) is retried with a fresh frame and does not change the status', () => {
    const h = new SessionHarness();
    let once = true;
    h.respond = (req) => {
      if (req.table === BT28 && once) {
        once = false;
        return { status: 0x0b };
      }
      return tableAnswer(req);
    };
    h.start();
    expect(h.statuses()).toEqual(['starting', 'online']);
    expect(h.tables(BT28).length).toBe(1);
  });

  test.each([0x06, 0x07, 0x08, 0x09])('busy-type code 0x%s is retried after a pause', (code) => {
    const h = new SessionHarness({ busyRetryMs: 1000 });
    let busy = 2;
    h.respond = (req) => (req.table === BT28 && busy-- > 0 ? { status: code } : tableAnswer(req));
    h.start();
    expect(h.statuses()).toContain('busy');
    h.advance(2500);
    expect(h.tables(BT28).length).toBe(1);
    expect(h.statuses()[h.statuses().length - 1]).toBe('online');
  });

  test.each([0x01, 0x02, 0x03, 0x05, 0x0a, 0x42])('refusal code 0x%s fails that request only: logged, no retry storm, polling goes on', (code) => {
    const h = new SessionHarness({ pollIntervalMs: 1000 });
    h.respond = (req) => (req.table === BT28 ? { status: code } : tableAnswer(req));
    h.start();
    h.advance(5000);
    const bt28 = h.sent.filter((r) => r.table === BT28).length;
    expect(bt28).toBe(6); // once per poll cycle, never retried within one
    expect(h.tables(BT23).length).toBe(1); // energy with the first poll, then every 30 s
    expect(h.session.stats.errorReplies).toBe(6);
    expect(h.of('log').some((l) => l.level === 'warn' && l.message.startsWith('BT28: '))).toBe(true);
    expect(h.statuses()).toEqual(['starting', 'online']);
  });

  test('with digests off, a stale reply that does not fit the request is dropped (spec §17 #2)', () => {
    const h = new SessionHarness({ replyDigest: 'off' });
    h.auto = false;
    h.start();
    const req = h.sent[0]!;
    h.deliver(replyFrame(req.bytes, 0, readPayload(new Uint8Array(3)))); // BT52 is a full read: fine shape-wise
    // answer the partial BT23 read later with the wrong count
    h.auto = true;
    h.respond = (r) => (r.table === BT23 ? { status: 0, payload: readPayload(new Uint8Array(5)) } : tableAnswer(r));
    h.answer(h.sent[h.sent.length - 1]!);
    expect(h.session.stats.staleReplies).toBeGreaterThan(0);
  });

  test('a reply when nothing is outstanding is dropped', () => {
    const h = new SessionHarness();
    h.deliver(replyFrame(new Uint8Array(22), 0, readPayload(new Uint8Array(4))));
    expect(h.session.stats.unexpectedFrames).toBe(1);
  });

  test('our own request echoed back means TX is wired to RX', () => {
    const h = new SessionHarness();
    h.auto = false;
    h.start();
    h.deliver(h.sent[0]!.bytes);
    expect(h.statuses()).toContain('loopback');
  });
});

describe('review findings: no stuck or tight-looping session', () => {
  test('steady line noise cannot hold a request open: it still times out and the link is reset', () => {
    const h = new SessionHarness({ replyTimeoutMs: 1000 });
    h.respond = () => null;
    h.start();
    for (let t = 0; t < 60; t++) {
      h.session.bytesArrived(1, h.now);
      h.advance(500);
    }
    expect(h.session.stats.timeouts).toBeGreaterThan(10);
    expect(h.statuses()).toContain('garbled');
  });

  test('a 0x0C loop backs off exponentially instead of polling the meter at a fixed rate', () => {
    const h = new SessionHarness({ pollIntervalMs: 1000, backoffInitialMs: 2000, backoffMaxMs: 60000 });
    h.start();
    h.respond = (req) => ({ status: 0x0c, payload: seqPayload(req.seq + 1000) });
    const before = h.sent.length;
    h.advance(10 * 60 * 1000);
    expect(h.sent.length - before).toBeLessThan(100); // ~4 tries per wait, waits of 2, 4, ... 60 s
  });

  test('a wrong key is still recognised (0x0B replies are taken unverified: the guide does not say who signs them)', () => {
    const h = new SessionHarness({ replyDigest: 'enforce' });
    h.respond = () => ({ status: 0x0b });
    h.start();
    expect(h.statuses()).toEqual(['starting', 'auth-failed']);
  });

  test('a loopback diagnosis clears once the echo stops', () => {
    const h = new SessionHarness({ replyTimeoutMs: 1000 });
    h.auto = false;
    h.start();
    h.deliver(h.sent[0]!.bytes);
    expect(h.statuses()).toContain('loopback');
    h.advance(60000);
    expect(h.statuses()[h.statuses().length - 1]).toBe('no-reply');
  });
});

describe('[MEP §13] alerts: a pure reader (guide p. 22)', () => {
  test('alert → ET11 byte 1 → ET13 MEP alert flags, logged; nothing is written, no EP39', () => {
    const h = new SessionHarness();
    h.start();
    h.alert();
    expect(h.sent.slice(-2).map((r) => [r.table, r.cmd, r.offset, r.count])).toEqual([
      [ET11, 0x3f, 1, 1],
      [ET13, 0x3f, 4 * 66 + 8, 1],
    ]);
    expect(h.sent.every((r) => r.cmd === 0x30 || r.cmd === 0x3f)).toBe(true);
    expect(h.of('alert-handled')).toEqual([{ type: 'alert-handled', ok: true, detail: expect.stringContaining('alert flags 0x') }]);
    h.advance(60000);
    expect(h.sent.every((r) => r.cmd === 0x30 || r.cmd === 0x3f)).toBe(true);
  });

  test('a read that fails is reported and the next alert reads again', () => {
    const h = new SessionHarness();
    let fail = true;
    h.respond = (req) => (req.table === ET13 && req.cmd === 0x3f && fail ? { status: 0x03 } : tableAnswer(req));
    h.start();
    h.alert();
    expect(h.of('alert-handled')[0]!.ok).toBe(false);
    fail = false;
    h.alert();
    expect(h.of('alert-handled')[1]!.ok).toBe(true);
    expect(h.session.stats.alertChainsFailed).toBe(1);
    expect(h.session.stats.alertChainsCompleted).toBe(1);
  });

  test('alerts while the flags are being read start no second read', () => {
    const h = new SessionHarness();
    h.start();
    h.auto = false;
    h.alert();
    h.alert();
    h.auto = true;
    h.answer(h.sent[h.sent.length - 1]!);
    expect(h.of('alert-handled').length).toBe(1);
    expect(h.session.stats.alerts).toBe(2);
  });
});

describe('reply digests (guide p. 250)', () => {
  function corrupted(h: SessionHarness, byte: (f: Uint8Array) => number) {
    const req = h.sent[h.sent.length - 1]!;
    const f = replyFrame(req.bytes, 0, readPayload(TABLE_IMAGES[BT52]!));
    f[byte(f)]! ^= 0x10;
    return { req, f };
  }

  test('a reply whose digest fails is a line error: dropped, counted, the identical request sent again', () => {
    const h = new SessionHarness({ replyTimeoutMs: 1000 });
    h.auto = false;
    h.start();
    const { req, f } = corrupted(h, (x) => x.length - 1);
    h.deliver(f);
    expect(h.tables(BT52).length).toBe(0);
    expect(h.session.stats.badDigests).toBe(1);
    expect(h.sent.length).toBe(2);
    expect(bytesEqual(h.sent[1]!.bytes, req.bytes)).toBe(true);
    h.deliver(replyFrame(req.bytes, 0, readPayload(TABLE_IMAGES[BT52]!)));
    expect(h.tables(BT52).length).toBe(1);
  });

  test('a flipped data byte under the old digest never becomes a reading', () => {
    const h = new SessionHarness({ pollIntervalMs: 1000 });
    h.start();
    h.auto = false;
    h.apply(h.session.pollNow(h.now)); // "poll now" reads the energy too, as soon as the read budget allows
    h.advance(1000);
    const bt23 = h.sent[h.sent.length - 1]!;
    expect(bt23.table).toBe(BT23);
    const before = h.tables(BT23).length;
    const good = replyFrame(bt23.bytes, 0, readPayload(TABLE_IMAGES[BT23]!.subarray(0, 16)));
    const bad = good.slice();
    bad[6]! ^= 0x40;
    h.deliver(bad);
    expect(h.tables(BT23).length).toBe(before);
    expect(h.session.stats.badDigests).toBe(1);
    h.deliver(good);
    expect(h.tables(BT23).length).toBe(before + 1);
    expect((h.tables(BT23)[before]!.value as Bt23).total.summations[0]).toBe(65845342);
  });

  test('a 0x0C whose digest fails is not adopted', () => {
    const h = new SessionHarness({ replyTimeoutMs: 1000 });
    h.auto = false;
    h.start();
    const req = h.sent[0]!;
    const f = replyFrame(req.bytes, 0x0c, seqPayload(0x5000));
    f[f.length - 3]! ^= 1;
    h.deliver(f);
    expect(h.session.stats.sequenceResyncs).toBe(0);
    expect(h.sent[h.sent.length - 1]!.seq).toBe(req.seq);
    h.deliver(replyFrame(req.bytes, 0x0c, seqPayload(0x5000)));
    expect(h.sent[h.sent.length - 1]!.seq).toBe(0x5001);
  });

  test('a reply signed for another request (stale, replayed) fails', () => {
    const h = new SessionHarness({ pollIntervalMs: 1000 });
    h.start();
    h.auto = false;
    h.advance(1000);
    const bt23 = h.sent[h.sent.length - 1]!;
    const old = h.sent.filter((r) => r.table === BT23)[0]!;
    h.deliver(replyFrame(old.bytes, 0, readPayload(new Uint8Array(16).fill(0x77))));
    expect(h.session.stats.badDigests).toBe(1);
    expect(bytesEqual(h.sent[h.sent.length - 1]!.bytes, bt23.bytes)).toBe(true);
  });

  test('replies failing every time end in a garbled-link diagnosis, never in readings', () => {
    const h = new SessionHarness({ replyTimeoutMs: 1000 });
    h.respond = (req) => tableAnswer(req);
    const deliver = h.deliver.bind(h);
    h.deliver = (f: Uint8Array) => {
      const g = f.slice();
      g[g.length - 1]! ^= 1;
      deliver(g);
    };
    h.start();
    expect(h.tables().length).toBe(0);
    expect(h.statuses()).toContain('garbled');
    expect(h.session.stats.badDigests).toBe(4);
  });

  test("'off' (the documented escape hatch) accepts any digest", () => {
    const h = new SessionHarness({ replyDigest: 'off' });
    const deliver = h.deliver.bind(h);
    h.deliver = (f: Uint8Array) => {
      const g = f.slice();
      g[g.length - 1]! ^= 1;
      deliver(g);
    };
    h.start();
    expect(h.session.stats.badDigests).toBe(0);
    expect(h.tables(BT28).length).toBe(1);
  });
});
