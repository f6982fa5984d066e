// The session's raw partial read for the add-on (cmd/read, issue 13): queued behind the waiting jobs (between
// regular polls), its bytes relayed undecoded, its failure reported, never lost in a link reset.
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
    h.advance(200);
    const raw = h.sent[h.sent.length - 1]!;
    expect(raw).toMatchObject({ table: ET03, offset: 0, count: 16 });
    h.answer(raw);
    expect(h.of('raw')[0]!.data).toHaveLength(16);
  });

  test('an error reply is a raw failure with the reason', () => {
    const h = online();
    h.apply(h.session.raw(0x0999, 0, 4, h.now)); // unknown table → 0x02
    const raw = h.of('raw');
    expect(raw).toHaveLength(1);
    expect(raw[0]!.data).toBeNull();
    expect(raw[0]!.message).toMatch(/not supported|0x2/);
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
