// Spec §3, §4, §5, §6, §7, §15.2–§15.5: digest check, sequence window, every command path and error code,
// reply layout and reply digests.
import { replyDigest } from '../../device/src/meter/reply-digest';
import { fullRead, fullWrite, partialRead, partialWrite, procedureCall, EP39_POST_MEP_DATA } from '../../device/src/meter/requests';
import { BT01, BT07, BT21, BT23, BT28, BT52, ET13, ET50 } from '../../device/src/meter/table-ids';
import { MeterSimulator } from '../../device/sim/meter-sim';
import { Harness, KEY, WRONG_KEY, digestKey, hexOf } from './harness';

const K = digestKey(KEY);

describe('[MEP §4/§5] authentication and sequence window', () => {
  test('wrong key → 0x0B (status only), expected sequence unchanged', () => {
    const h = new Harness({ initialSeq: 500 });
    const r = h.reply(fullRead(BT52), { seq: 500, key: WRONG_KEY });
    expect(r.status).toBe(0x0b);
    expect(r.payload.length).toBe(0);
    expect(r.frame.length).toBe(11); // LEN 9 = status + digest
    expect(h.sim.expectedSeq).toBe(500);
    expect(h.reply(fullRead(BT52), { seq: 500 }).status).toBe(0);
  });

  test('a corrupted request digest is 0x0B too', () => {
    const h = new Harness();
    const f = h.frame(fullRead(BT01));
    f[f.length - 1] = (f[f.length - 1] as number) ^ 1;
    h.sim.receive(f);
    expect(h.take()[0]?.reply?.status).toBe(0x0b);
  });

  test('stale seq → 0x0C carrying the meter number N; N + 1 succeeds (guide pp. 15–16); the same seq again → 0x0C', () => {
    const h = new Harness({ initialSeq: 0x12345678 });
    const r = h.reply(fullRead(BT52), { seq: 0 });
    expect(r.status).toBe(0x0c);
    expect(r.nextSeq).toBe(0x12345677);
    expect(r.frame.length).toBe(15); // LEN 13
    const ok = h.reply(fullRead(BT52), { seq: r.nextSeq! + 1 });
    expect(ok.status).toBe(0);
    expect(h.sim.expectedSeq).toBe(0x12345679);
    // The same seq again (a replay, or the identical retransmission of an executed request) → 0x0C (capture C05).
    expect(h.reply(fullRead(BT52), { seq: r.nextSeq! + 1 }).nextSeq).toBe(0x12345678);
  });

  test("'window' (default) accepts up to 8 past the last number (guide p. 11); 'at-least' any jump; 'strict' none", () => {
    const w = new Harness({ initialSeq: 10 });
    expect(w.reply(fullRead(BT52), { seq: 18 }).nextSeq).toBe(9);
    expect(w.reply(fullRead(BT52), { seq: 17 }).status).toBe(0);
    expect(w.reply(fullRead(BT52), { seq: 17 + 8 }).status).toBe(0);
    expect(w.reply(fullRead(BT52), { seq: 25 + 9 }).nextSeq).toBe(25);
    const loose = new Harness({ initialSeq: 10, seqMode: 'at-least' });
    expect(loose.reply(fullRead(BT52), { seq: 20 }).status).toBe(0);
    expect(loose.sim.expectedSeq).toBe(21);
    const strict = new Harness({ initialSeq: 10, seqMode: 'strict' });
    expect(strict.reply(fullRead(BT52), { seq: 11 }).nextSeq).toBe(9);
    expect(strict.reply(fullRead(BT52), { seq: 10 }).status).toBe(0);
  });

  test('sequence wraps at 2^32', () => {
    const h = new Harness({ initialSeq: 0xffffffff });
    expect(h.reply(fullRead(BT52), { seq: 0xffffffff }).status).toBe(0);
    expect(h.sim.expectedSeq).toBe(0);
  });

  test('the initial expected number is random per seed but reproducible', () => {
    const a = new MeterSimulator({ key: KEY, seed: 1 });
    const b = new MeterSimulator({ key: KEY, seed: 1 });
    const c = new MeterSimulator({ key: KEY, seed: 2 });
    expect(a.expectedSeq).toBe(b.expectedSeq);
    expect(a.expectedSeq).not.toBe(c.expectedSeq);
  });

  test('an invalid MBK is refused at construction', () => {
    expect(() => new MeterSimulator({ key: 'short' })).toThrow(/meter key rejected/);
    expect(() => new MeterSimulator({ key: '00000000000000000000' })).toThrow(/placeholder/);
    expect(new MeterSimulator({ key: Buffer.from(KEY).toString('hex') }).expectedSeq).toBeGreaterThanOrEqual(0);
  });
});

describe('[MEP §3.2] reply layout and the guide\'s reply digest (p. 250)', () => {
  test('read reply: LEN | 00 | COUNT | data | Digest(K, request[2:-8] ‖ reply[2:-8])', () => {
    const h = new Harness({ initialSeq: 77 });
    const r = h.reply(fullRead(BT01), { seq: 77 });
    expect(r.status).toBe(0);
    expect(r.data!.length).toBe(32);
    expect((r.frame[0]! << 8) | r.frame[1]!).toBe(1 + 2 + 32 + 8);
    expect(hexOf(r.digest)).toBe(hexOf(replyDigest(K, r.request, r.frame)));
    expect(hexOf(r.digest)).not.toBe(hexOf(replyDigest(K, h.frame(fullRead(BT01), 78), r.frame)));
  });

  test("replyDigest 'zeros' and 'random' (a meter that signs otherwise)", () => {
    expect(hexOf(new Harness({ replyDigest: 'zeros' }).reply(fullRead(BT01)).digest)).toBe('0000000000000000');
    const h = new Harness({ replyDigest: 'random' });
    const a = h.reply(fullRead(BT01));
    const b = h.reply(fullRead(BT01)).digest;
    expect(hexOf(a.digest)).not.toBe(hexOf(b));
    expect(hexOf(a.digest)).not.toBe(hexOf(replyDigest(K, a.request, a.frame)));
  });

  test('0x0B and 0x0C replies are signed the same way, over the request as sent (rejected SEQ included)', () => {
    const h = new Harness({ initialSeq: 9 });
    const bad = h.reply(fullRead(BT01), { seq: 3, key: WRONG_KEY });
    expect(hexOf(bad.digest)).toBe(hexOf(replyDigest(K, bad.request, bad.frame)));
    const stale = h.reply(fullRead(BT01), { seq: 3 });
    expect(hexOf(stale.frame.subarray(2, 7))).toBe('0c00000008');
    expect(hexOf(stale.digest)).toBe(hexOf(replyDigest(K, stale.request, stale.frame)));
  });

  test("a write's one-byte 00 reply carries the request's own digest (addendum §A)", () => {
    const h = new Harness();
    const r = h.reply(procedureCall(EP39_POST_MEP_DATA, 5, new Uint8Array([4, 1, 1, 0, 9])));
    expect(r.status).toBe(0);
    expect(hexOf(r.digest)).toBe(hexOf(r.request.subarray(r.request.length - 8)));
  });
});

describe('[MEP §6/§7/§15.4] commands', () => {
  test('0x30 full read with and without the maxlen argument', () => {
    const h = new Harness();
    const withMax = h.reply(fullRead(BT21));
    const without = h.reply(fullRead(BT21, null));
    expect(hexOf(withMax.data!)).toBe('0000000b000000040037');
    expect(hexOf(without.data!)).toBe(hexOf(withMax.data!));
  });

  test('0x30 with maxlen smaller than the table → 0x04; configurable; maxlen ignored without the argument', () => {
    const h = new Harness();
    expect(h.reply(fullRead(ET13, 100)).status).toBe(0x04); // ET13 is 330 bytes
    expect(h.reply(fullRead(ET13, 330)).data!.length).toBe(330);
    expect(h.reply(fullRead(ET13, null)).data!.length).toBe(330);
    const lenient = new Harness({ commands: { oversizeCode: null } });
    expect(lenient.reply(fullRead(ET13, 100)).data!.length).toBe(330);
    const other = new Harness({ commands: { oversizeCode: 0x05 } });
    expect(other.reply(fullRead(ET13, 100)).status).toBe(0x05);
  });

  test('0x3F partial read; past the end → 0x04', () => {
    const h = new Harness();
    const r = h.reply(partialRead(ET50, 30, 1));
    expect(hexOf(r.data!)).toBe('00');
    expect(h.reply(partialRead(BT23, 0, 13)).data!.length).toBe(13);
    expect(h.reply(partialRead(ET50, 60, 8)).data!.length).toBe(8);
    expect(h.reply(partialRead(ET50, 61, 8)).status).toBe(0x04);
    expect(h.reply(partialRead(ET50, 0x10000, 1)).status).toBe(0x04);
  });

  test('unknown table → 0x02 (configurable, e.g. 0x05)', () => {
    const h = new Harness();
    expect(h.reply(fullRead(0x0999)).status).toBe(0x02);
    expect(h.reply(partialRead(0x0999, 0, 1)).status).toBe(0x02);
    expect(new Harness({ commands: { unknownTableCode: 0x05 } }).reply(fullRead(0x0999)).status).toBe(0x05);
  });

  test('0x40: BT07 is writable (a procedure, status 0x00 and no payload); any other table → 0x03', () => {
    const h = new Harness();
    const ok = h.reply(procedureCall(EP39_POST_MEP_DATA, 5, new Uint8Array([4, 1, 1, 0, 9])));
    expect(ok.status).toBe(0);
    expect(ok.frame.length).toBe(11); // LEN 9: write reply = status + digest
    expect(h.reply(fullWrite(BT28, new Uint8Array(4))).status).toBe(0x03);
    expect(h.reply(fullWrite(0x0999, new Uint8Array(4))).status).toBe(0x02);
  });

  test('0x4F partial write → 0x03 by default (configurable); unknown table → 0x02', () => {
    expect(new Harness().reply(partialWrite(BT07, 0, new Uint8Array([1]))).status).toBe(0x03);
    expect(new Harness().reply(partialWrite(0x0999, 0, new Uint8Array([1]))).status).toBe(0x02);
    expect(new Harness({ commands: { partialWriteCode: 0x05 } }).reply(partialWrite(BT07, 0, new Uint8Array([1]))).status).toBe(0x05);
  });

  test('unknown command → 0x01; C12.18 indexed services → 0x02; malformed APDU → 0x01', () => {
    const h = new Harness();
    expect(h.reply(new Uint8Array([0x20])).status).toBe(0x01);
    expect(h.reply(new Uint8Array([0x99, 0, 1])).status).toBe(0x01);
    expect(h.reply(new Uint8Array([0x31, 0, 1, 0, 0])).status).toBe(0x02);
    expect(h.reply(new Uint8Array([0x41, 0, 7, 0, 0])).status).toBe(0x02);
    // The meter cuts requests by LEN alone (an RC4-encrypted one shows no structure); a full read with a 1-byte
    // length argument is "indeterminate", with no error (guide p. 12): it is answered.
    expect(h.send(new Uint8Array([0x30, 0, 1, 2])).filter((e) => e.type === 'frame')).toHaveLength(1);
  });

  test('requests shorter than LEN 13 are ignored (spec §15.2)', () => {
    const h = new Harness();
    h.sim.receive(new Uint8Array([0x00, 0x0c, 0x30, ...new Array(12).fill(0)]));
    h.sim.flushInput();
    expect(h.take().filter((e) => e.type === 'frame')).toHaveLength(0);
  });

  test('the "request" event reports every request and its outcome', () => {
    const h = new Harness({ initialSeq: 50 });
    const seen: string[] = [];
    h.sim.on('request', (r) => seen.push(`${r.seq}:${r.outcome}:${r.status}`));
    h.send(fullRead(BT01), { seq: 1 });
    h.send(fullRead(BT01), { seq: 50, key: WRONG_KEY });
    h.send(fullRead(BT01), { seq: 50 });
    expect(seen).toEqual(['1:bad-sequence:12', '50:auth-failure:11', '50:executed:0']);
  });
});
