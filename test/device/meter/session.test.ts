import { BT01, BT08, BT21, BT23, BT28, BT52, ET03, ET11, ET13, ET50, ET58 } from '../../../device/src/meter/table-ids';
import { Bt23, Bt28 } from '../../../device/src/meter/tables/index';
import { bytesEqual } from '../../../device/src/meter/bytes';
import { Answer, SentRequest, SessionHarness, tableAnswer, TABLE_IMAGES, readPayload, replyFrame } from '../../helpers/session-harness';

const CONFIG_ORDER = [BT52, BT01, BT21, ET03, ET11, ET13, ET50];

function freshSeqMeter(expected: number) {
  // A meter that wants `expected` next and moves on by one per accepted request (spec §5 inferred behaviour).
  let next = expected;
  return (req: SentRequest): Answer => {
    if (req.seq < next) return { status: 0x0c, payload: new Uint8Array([next >>> 24, (next >> 16) & 255, (next >> 8) & 255, next & 255]) };
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
    // periodic: BT23 partial offset 0 count A+16 (A = 0 for these meters), BT28 full
    expect(h.sent[8]).toMatchObject({ table: BT23, cmd: 0x3f, offset: 0, count: 16 });
    expect(h.sent[9]).toMatchObject({ table: BT28, cmd: 0x30 });
    for (let i = 2; i < h.sent.length; i++) expect(h.sent[i]!.seq).toBe(h.sent[i - 1]!.seq + 1);
    expect(h.statuses()).toEqual(['starting', 'online']);
    const bt23 = h.tables(BT23)[0]!;
    expect(bt23.partial).toBe(true);
    expect((bt23.value as Bt23).total.summations[0]).toBe(65845342);
    expect((h.tables(BT28)[0]!.value as Bt28).fwdActiveW).toBe(484);
    h.advance(2000);
    expect(h.sent.slice(10).map((r) => r.table)).toEqual([BT23, BT28]);
    h.advance(10 * 2000);
    expect(h.session.stats.pollCycles).toBe(12);
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

  test('full BT23 reads refused by the meter fall back to the partial read (Gen-4 problem, spec §10.3)', () => {
    const h = new SessionHarness({ bt23Read: 'full', pollIntervalMs: 1000 });
    h.respond = (req) => (req.table === BT23 && req.cmd === 0x30 ? { status: 0x0b } : tableAnswer(req));
    h.start();
    h.advance(5000);
    const bt23 = h.sent.filter((r) => r.table === BT23);
    expect(bt23.some((r) => r.cmd === 0x30)).toBe(true);
    expect(bt23[bt23.length - 1]!.cmd).toBe(0x3f);
    expect(h.tables(BT23).length).toBeGreaterThan(0);
  });
});

describe('[MEP §5] sequence numbers', () => {
  test('0x0C bursts (meter uplink busy) are followed up to 3 times per request, then back-off with a clear status', () => {
    const h = new SessionHarness({ pollIntervalMs: 1000, backoffInitialMs: 2000 });
    h.start();
    let bumps = 0;
    h.respond = (req) => {
      bumps++;
      const n = req.seq + 1000;
      return { status: 0x0c, payload: new Uint8Array([n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255]) };
    };
    h.advance(1000);
    expect(bumps).toBe(4);
    expect(h.statuses()).toContain('sequence-error');
    h.respond = tableAnswer;
    h.advance(3000);
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
    h.deliver(replyFrame(req.seq, 0, readPayload(TABLE_IMAGES[BT52]!)));
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
    expect(h.tables(BT23).length).toBe(6);
    expect(h.session.stats.errorReplies).toBe(6);
    expect(h.of('log').some((l) => l.level === 'warn' && l.message.startsWith('BT28: '))).toBe(true);
    expect(h.statuses()).toEqual(['starting', 'online']);
  });

  test('a stale reply that does not fit the request is dropped (spec §17 #2)', () => {
    const h = new SessionHarness();
    h.auto = false;
    h.start();
    const req = h.sent[0]!;
    h.deliver(replyFrame(req.seq, 0, readPayload(new Uint8Array(3)))); // BT52 is a full read: fine shape-wise
    // answer the partial BT23 read later with the wrong count
    h.auto = true;
    h.respond = (r) => (r.table === BT23 ? { status: 0, payload: readPayload(new Uint8Array(5)) } : tableAnswer(r));
    h.answer(h.sent[h.sent.length - 1]!);
    expect(h.session.stats.staleReplies).toBeGreaterThan(0);
  });

  test('a reply when nothing is outstanding is dropped', () => {
    const h = new SessionHarness();
    h.deliver(replyFrame(1, 0, readPayload(new Uint8Array(4))));
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
    h.respond = (req) => {
      const n = req.seq + 1000;
      return { status: 0x0c, payload: new Uint8Array([n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255]) };
    };
    const before = h.sent.length;
    h.advance(10 * 60 * 1000);
    expect(h.sent.length - before).toBeLessThan(100); // ~4 tries per wait, waits of 2, 4, ... 60 s
  });

  test('enforce mode still recognises a wrong key (0x0B replies carry no readings, so they are not digest-checked)', () => {
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

describe('[MEP §13] alert chain', () => {
  function lastAlertRequests(h: SessionHarness) {
    return h.sent.slice(-5).map((r) => [r.table, r.cmd, r.offset, r.count]);
  }

  test('alert → ET11 byte 1 → ET13 MEP alert flags → ET50 flags → EP39 → BT08 result', () => {
    const h = new SessionHarness();
    h.start();
    h.alert();
    expect(lastAlertRequests(h)).toEqual([
      [ET11, 0x3f, 1, 1],
      [ET13, 0x3f, 4 * 66 + 8, 1],
      [ET50, 0x3f, 30, 1],
      [0x0007, 0x40, undefined, undefined],
      [BT08, 0x30, undefined, undefined],
    ]);
    const ep39 = h.sent[h.sent.length - 2]!.data!;
    expect(Array.from(ep39.subarray(0, 3))).toEqual([0x27, 0x08, 5]); // EP39 LSB first, proc seq 5
    expect(Array.from(ep39.subarray(3))).toEqual([4, 1, 0, 0]); // default: no dummy data posted
    expect(h.of('alert-handled')).toEqual([{ type: 'alert-handled', ok: true, detail: expect.stringContaining('procedure completed'), resultCode: 0 }]);
  });

  test('ET50 flag bit 1 reads the result from ET58; the reference acknowledgement posts 01..06', () => {
    const h = new SessionHarness({ alertAcknowledge: 'ep39-reference' });
    h.respond = (req) => (req.table === ET50 && req.cmd === 0x3f ? { status: 0, payload: readPayload(new Uint8Array([2])) } : tableAnswer(req));
    h.start();
    h.alert();
    expect(h.sent[h.sent.length - 1]!.table).toBe(ET58);
    expect(Array.from(h.sent[h.sent.length - 2]!.data!.subarray(3))).toEqual([4, 1, 6, 0, 1, 2, 3, 4, 5, 6]);
  });

  test('a chain that breaks half-way is reported and the next alert starts a new chain (ref bug §17 #5)', () => {
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

  test('EP39 answered 0x04 is retried with the next procedure sequence number (spec §12), at most 5 times', () => {
    const h = new SessionHarness();
    let refusals = 1;
    h.respond = (req) => (req.cmd === 0x40 && refusals-- > 0 ? { status: 0x04 } : tableAnswer(req));
    h.start();
    h.alert();
    const writes = h.sent.filter((r) => r.cmd === 0x40);
    expect(writes.map((w) => w.data![2])).toEqual([5, 6]);
    expect(h.of('alert-handled')[0]!.ok).toBe(true);
    h.respond = (req) => (req.cmd === 0x40 ? { status: 0x04 } : tableAnswer(req));
    h.alert();
    expect(h.sent.filter((r) => r.cmd === 0x40).length).toBe(2 + 6);
    expect(h.of('alert-handled')[1]!.ok).toBe(false);
  });

  test('a retransmitted EP39 answered 0x0C is taken as executed: no second procedure call (spec §5)', () => {
    const h = new SessionHarness({ replyTimeoutMs: 1000 });
    h.start();
    let dropped = false;
    h.respond = (req) => {
      if (req.cmd === 0x40 && !dropped) {
        dropped = true;
        return null; // first copy executed, reply lost
      }
      if (req.cmd === 0x40) return { status: 0x0c, payload: new Uint8Array([0, 0, 0x99, 0x99]) };
      return tableAnswer(req);
    };
    h.alert();
    h.advance(1500);
    expect(h.sent.filter((r) => r.cmd === 0x40).length).toBe(2);
    expect(h.sent[h.sent.length - 1]!.table).toBe(BT08);
    expect(h.of('alert-handled')[0]!.ok).toBe(true);
  });

  test('alerts during a chain start no second chain', () => {
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

describe('[MEP §4.6] reply digests', () => {
  test('log mode reports the matching construction (H1 for these replies)', () => {
    const h = new SessionHarness({ replyDigest: 'log' });
    h.start();
    expect(h.session.stats.replyDigest).toBe('H1');
  });

  test('enforce mode drops replies whose digest matches no construction', () => {
    const h = new SessionHarness({ replyDigest: 'enforce', replyTimeoutMs: 1000 });
    h.auto = false;
    h.start();
    const req = h.sent[0]!;
    const bad = replyFrame(req.seq, 0, readPayload(TABLE_IMAGES[BT52]!));
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
    h.deliver(bad);
    expect(h.tables(BT52).length).toBe(0);
    h.deliver(replyFrame(req.seq, 0, readPayload(TABLE_IMAGES[BT52]!)));
    expect(h.tables(BT52).length).toBe(1);
  });

  test('off mode accepts any digest', () => {
    const h = new SessionHarness({ replyDigest: 'off' });
    h.respond = (req) => tableAnswer(req);
    h.start();
    expect(h.session.stats.replyDigest).toBeNull();
    expect(h.tables(BT28).length).toBe(1);
  });
});
