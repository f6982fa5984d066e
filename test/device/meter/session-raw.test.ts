// The session's raw partial read for the add-on (cmd/read, issue 13): queued behind the waiting jobs (between
// regular polls), held like a poll to the guide's one read per second (pp. 51, 260), its bytes relayed undecoded,
// its failure reported, never lost in a link reset.
import { SessionHarness, readPayload } from '../../helpers/session-harness';
import { BT23, BT28, ET03 } from '../../../device/src/meter/table-ids';

const LP = 0x0040;

function online(): SessionHarness {
  const h = new SessionHarness({ pollIntervalMs: 5000 }).start();
  h.advance(10);
  expect(h.session.linkState()).toBe('online');
  return h;
}

describe('session raw reads', () => {
  test('the bytes come back as read, undecoded; the request is a 0x3F partial read of that range', () => {
    const h = online();
    const image = new Uint8Array(600).map((_, i) => i & 0xff);
    const prev = h.respond;
    h.respond = (req) => (req.table === LP ? { status: 0, payload: readPayload(image.subarray(req.offset, req.offset! + req.count!)) } : prev(req));
    h.apply(h.session.raw(LP, 100, 465, h.now));
    h.advance(1000); // the start-up reads used the credit (poll-schedule.ts)
    const req = h.sent[h.sent.length - 1]!;
    expect(req).toMatchObject({ cmd: 0x3f, table: LP, offset: 100, count: 465 });
    const raw = h.of('raw');
    expect(raw).toHaveLength(1);
    expect(Buffer.from(raw[0]!.data!).equals(Buffer.from(image.subarray(100, 565)))).toBe(true);
    expect(h.tables(LP)).toHaveLength(0); // relayed, not decoded
  });

  test('queued during a poll cycle it goes after that cycle\'s reads, not in the middle', () => {
    const h = online();
    h.advance(25000); // polls read BT28 alone; the one at 30 s reads the energy too (poll-schedule.ts)
    h.auto = false;
    h.advance(5000); // that poll: BT23 sent, BT28 waiting
    const bt23 = h.sent[h.sent.length - 1]!;
    expect(bt23.table).toBe(BT23);
    h.apply(h.session.raw(ET03, 0, 16, h.now));
    h.answer(bt23);
    h.advance(200); // the guide's 100 ms between requests
    const next = h.sent[h.sent.length - 1]!;
    expect(next.table).toBe(BT28);
    h.answer(next);
    h.advance(1000); // the poll spent the read credit: the raw read waits its turn
    const raw = h.sent[h.sent.length - 1]!;
    expect(raw).toMatchObject({ table: ET03, offset: 0, count: 16 });
    h.answer(raw);
    expect(h.of('raw')[0]!.data).toHaveLength(16);
  });

  test('an error reply is a raw failure with the reason', () => {
    const h = online();
    h.apply(h.session.raw(0x0999, 0, 4, h.now)); // unknown table → 0x02
    h.advance(1000);
    const raw = h.of('raw');
    expect(raw).toHaveLength(1);
    expect(raw[0]!.data).toBeNull();
    expect(raw[0]!.message).toMatch(/not supported|0x2/);
  });

  test('raw reads asked for back to back (a backfill) and the polls together stay within one read per second', () => {
    const h = new SessionHarness({ pollIntervalMs: 2000 }).start();
    h.advance(10);
    const from = h.sent.length;
    const start = h.now;
    let asked = 0;
    // As the add-on does: the next read as soon as the last one answered.
    for (let t = 0; t < 120000; t += 50) {
      if (h.of('raw').length === asked) {
        h.apply(h.session.raw(LP, 0, 64, h.now));
        asked++;
      }
      h.advance(50);
    }
    const reads = h.sent.length - from;
    const seconds = (h.now - start) / 1000;
    expect(h.of('raw').length).toBeGreaterThan(20); // the backfill does get its reads
    expect(reads).toBeLessThanOrEqual(Math.ceil(seconds) + 2); // BURST_READS
  });

  test('a link failure while it waits answers it with a failure instead of dropping it silently', () => {
    const h = online();
    h.respond = () => null; // the meter goes silent
    h.apply(h.session.raw(BT28, 0, 8, h.now));
    h.advance(20_000);
    const raw = h.of('raw');
    expect(raw).toHaveLength(1);
    expect(raw[0]).toMatchObject({ data: null, message: 'link failure' });
  });
});
