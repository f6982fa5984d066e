import { matchReplyDigest, ReplyDigestPolicy, replyDigestFor, REPLY_DIGEST_CANDIDATES } from '../../../device/src/meter/reply-digest';
import { hex, loadVectors } from '../../helpers/vectors';
import { KEY, readPayload, replyFrame } from '../../helpers/session-harness';

const frames = loadVectors('frames.json').synthetic_frames;

describe('[MEP §4.6] reply digest candidates', () => {
  test('every synthetic reply in frames.json carries its H1 digest (seq of the request before it)', () => {
    for (let i = 1; i < frames.length; i++) {
      const f = frames[i];
      const req = frames[i - 1];
      if (f.kind !== 'reply' || req.kind !== 'request') continue;
      expect(matchReplyDigest(KEY, hex(f.hex), req.sequence_number)).toBe('H1');
    }
  });

  test('each candidate is recognised as itself', () => {
    const base = replyFrame(77, 0, readPayload(new Uint8Array([1, 2, 3])));
    for (const c of REPLY_DIGEST_CANDIDATES) {
      const f = base.slice();
      f.set(replyDigestFor(c, KEY, f, 77), f.length - 8);
      expect(matchReplyDigest(KEY, f, 77)).toBe(c);
    }
  });
});

describe('[MEP §4.6] reply digest policy', () => {
  const good = (seq: number) => replyFrame(seq, 0, readPayload(new Uint8Array([seq & 255, 1, 2])));
  const corrupt = (seq: number) => {
    const f = good(seq);
    f[5] = f[5]! ^ 1;
    return f;
  };

  test('log mode learns the construction this meter uses, then drops replies that do not verify', () => {
    const p = new ReplyDigestPolicy('log', KEY, 8);
    for (let s = 0; s < 8; s++) expect(p.check(good(s), s).accept).toBe(true);
    expect(p.confirmed()).toBe('H1');
    expect(p.check(corrupt(9), 9).accept).toBe(false);
    expect(p.check(good(10), 10)).toEqual({ accept: true, matched: 'H1' });
  });

  test('log mode with a meter that matches no candidate accepts everything (works with any real meter)', () => {
    const p = new ReplyDigestPolicy('log', KEY, 8);
    for (let s = 0; s < 20; s++) expect(p.check(corrupt(s), s).accept).toBe(true);
    expect(p.confirmed()).toBeNull();
    expect(p.tally.none).toBe(8);
  });

  test('enforce rejects what matches nothing; off checks nothing', () => {
    expect(new ReplyDigestPolicy('enforce', KEY).check(corrupt(1), 1).accept).toBe(false);
    expect(new ReplyDigestPolicy('enforce', KEY).check(good(1), 1).accept).toBe(true);
    expect(new ReplyDigestPolicy('off', KEY).check(corrupt(1), 1)).toEqual({ accept: true });
  });
});
