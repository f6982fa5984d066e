// Reply frames exactly as spec §3.2: LEN (BE16) | STATUS | payload | 8-byte digest. Read payload = COUNT (BE16) +
// data; 0x0C payload = NEXT_SEQ (BE32); everything else is status only. The digest construction is UNKNOWN
// (spec §4.6), so it is selectable: H1 (default) .. H4b as in reply-digest.ts, or zeros / random bytes.
import { replyDigestFor, type ReplyDigestCandidate } from '../../src/meter/reply-digest';
import type { Rng } from './prng';

export type ReplyDigestMode = ReplyDigestCandidate | 'zeros' | 'random';

export const REPLY_DIGEST_MODES: ReplyDigestMode[] = ['H1', 'H2', 'H3', 'H4a', 'H4b', 'zeros', 'random'];

export function statusPayload(status: number, data?: Uint8Array): Uint8Array {
  if (!data) return new Uint8Array([status]);
  const out = new Uint8Array(3 + data.length);
  out[0] = status;
  out[1] = (data.length >>> 8) & 0xff;
  out[2] = data.length & 0xff;
  out.set(data, 3);
  return out;
}

export function invalidSequencePayload(nextSeq: number): Uint8Array {
  return new Uint8Array([0x0c, (nextSeq >>> 24) & 0xff, (nextSeq >>> 16) & 0xff, (nextSeq >>> 8) & 0xff, nextSeq & 0xff]);
}

/** Frames STATUS+payload (`body`) and appends the digest; `seq` is the sequence number of the request answered. */
export function buildReply(body: Uint8Array, seq: number, key: Uint8Array, mode: ReplyDigestMode, rng: Rng): Uint8Array {
  const len = body.length + 8;
  const frame = new Uint8Array(len + 2);
  frame[0] = (len >>> 8) & 0xff;
  frame[1] = len & 0xff;
  frame.set(body, 2);
  let digest: Uint8Array;
  if (mode === 'zeros') digest = new Uint8Array(8);
  else if (mode === 'random') digest = rng.bytes(8);
  else digest = replyDigestFor(mode, key, frame, seq); // covers frame[0 or 2 .. len+2-8), never the digest itself
  frame.set(digest, len + 2 - 8);
  return frame;
}
