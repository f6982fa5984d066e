// Reply digests (spec §4.6): the construction is UNKNOWN. The client can ignore them ('off'), test the candidate
// constructions and report which one matches ('log', the default, because it works with every real meter), or
// reject replies that match no candidate ('enforce', only once a construction is confirmed on real meters).
import { bytesEqual } from './bytes';
import { omaDigest } from './digest';

export type ReplyDigestMode = 'off' | 'log' | 'enforce';
export type ReplyDigestCandidate = 'H1' | 'H2' | 'H3' | 'H4a' | 'H4b';

/** In the order they are tried. H4 is split: H4a = H1 with the LEN bytes, H4b = H2 with the LEN bytes. */
export const REPLY_DIGEST_CANDIDATES: ReplyDigestCandidate[] = ['H1', 'H2', 'H3', 'H4a', 'H4b'];

function withSeq(bytes: Uint8Array, seq: number): Uint8Array {
  const out = new Uint8Array(bytes.length + 4);
  out.set(bytes, 0);
  const n = bytes.length;
  out[n] = (seq >>> 24) & 0xff;
  out[n + 1] = (seq >>> 16) & 0xff;
  out[n + 2] = (seq >>> 8) & 0xff;
  out[n + 3] = seq & 0xff;
  return out;
}

/** The digest a meter would append under one candidate construction. `frame` is the whole reply frame (its last
 *  8 bytes, the digest itself, are not covered); `seq` is the sequence number of the request being answered. */
export function replyDigestFor(
  candidate: ReplyDigestCandidate,
  key: Uint8Array,
  frame: Uint8Array,
  seq: number,
): Uint8Array {
  const end = frame.length - 8;
  const body = frame.subarray(2, end);
  const withLen = frame.subarray(0, end);
  switch (candidate) {
    case 'H1':
      return omaDigest(key, withSeq(body, seq));
    case 'H2':
      return omaDigest(key, body);
    case 'H3':
      return omaDigest(key, withSeq(body, (seq + 1) >>> 0));
    case 'H4a':
      return omaDigest(key, withSeq(withLen, seq));
    case 'H4b':
      return omaDigest(key, withLen);
  }
  return new Uint8Array(8);
}

/** Returns the first candidate whose digest equals the frame's digest, or null. */
export function matchReplyDigest(key: Uint8Array, frame: Uint8Array, seq: number): ReplyDigestCandidate | null {
  const digest = frame.subarray(frame.length - 8);
  for (let i = 0; i < REPLY_DIGEST_CANDIDATES.length; i++) {
    const c = REPLY_DIGEST_CANDIDATES[i] as ReplyDigestCandidate;
    if (bytesEqual(replyDigestFor(c, key, frame, seq), digest)) return c;
  }
  return null;
}

export interface ReplyDigestVerdict {
  /** false only in 'enforce' mode when no candidate matched: the reply must be dropped. */
  accept: boolean;
  /** The matching construction; null when none matched, undefined when not checked. */
  matched?: ReplyDigestCandidate | null;
}

/** Per-session reply digest policy.
 *  'log': checks the first `sampleLimit` replies against every candidate (each check costs up to five digests,
 *  ~5 ms each on the device: espruino.md §3). If one construction matched all but at most two of them, this meter has
 *  confirmed it: from then on every reply is checked against that construction alone (one digest per reply) and a
 *  mismatch is treated as line corruption. Otherwise checking stops and every reply is accepted, as the reference does.
 *  'enforce': every reply must match some candidate. 'off': nothing is checked. */
export class ReplyDigestPolicy {
  readonly mode: ReplyDigestMode;
  private readonly key: Uint8Array;
  private readonly sampleLimit: number;
  private sampled: number;
  private locked: ReplyDigestCandidate | null;
  /** Tally per candidate (and 'none') over the sampled replies. */
  readonly tally: { [name: string]: number };

  constructor(mode: ReplyDigestMode, key: Uint8Array, sampleLimit?: number) {
    this.mode = mode;
    this.key = key;
    this.sampleLimit = sampleLimit === undefined ? 8 : sampleLimit;
    this.sampled = 0;
    this.locked = null;
    this.tally = {};
  }

  /** The construction seen most often so far, or null. */
  best(): ReplyDigestCandidate | null {
    let best: ReplyDigestCandidate | null = null;
    let bestCount = 0;
    for (let i = 0; i < REPLY_DIGEST_CANDIDATES.length; i++) {
      const c = REPLY_DIGEST_CANDIDATES[i] as ReplyDigestCandidate;
      const n = this.tally[c] || 0;
      if (n > bestCount) {
        best = c;
        bestCount = n;
      }
    }
    return best;
  }

  /** The construction this meter confirmed in 'log' mode, once it has. */
  confirmed(): ReplyDigestCandidate | null {
    return this.locked;
  }

  check(frame: Uint8Array, seq: number): ReplyDigestVerdict {
    if (this.mode === 'off') return { accept: true };
    if (this.locked) {
      const ok = bytesEqual(replyDigestFor(this.locked, this.key, frame, seq), frame.subarray(frame.length - 8));
      return { accept: ok, matched: ok ? this.locked : null };
    }
    if (this.mode === 'log' && this.sampled >= this.sampleLimit) return { accept: true };
    const matched = matchReplyDigest(this.key, frame, seq);
    this.sampled++;
    const name = matched || 'none';
    this.tally[name] = (this.tally[name] || 0) + 1;
    if (this.mode === 'log' && this.sampled === this.sampleLimit) {
      const best = this.best();
      if (best && (this.tally[best] as number) >= this.sampleLimit - 2) this.locked = best;
    }
    return { accept: this.mode !== 'enforce' || matched !== null, matched };
  }
}
