// Reply frames exactly as spec §3.2: LEN (BE16) | STATUS | payload | 8-byte digest. Read payload = COUNT (BE16) +
// data; 0x0C payload = the meter's sequence number (BE32); everything else is status only. The digest is the guide's
// (p. 250, addendum §A): Digest(K, request[2:-8] ‖ reply[2:-8]); 'zeros' / 'random' stand for a meter that signs
// some other way.
import { replyDigest } from '../../src/meter/reply-digest';
import type { Rng } from './prng';

export type ReplyDigestMode = 'guide' | 'zeros' | 'random';

export const REPLY_DIGEST_MODES: ReplyDigestMode[] = ['guide', 'zeros', 'random'];

export function statusPayload(status: number, data?: Uint8Array): Uint8Array {
  if (!data) return new Uint8Array([status]);
  const out = new Uint8Array(3 + data.length);
  out[0] = status;
  out[1] = (data.length >>> 8) & 0xff;
  out[2] = data.length & 0xff;
  out.set(data, 3);
  return out;
}

/** 0x0C: carries the meter's number N (the last one it accepted); the client's next request uses N + 1 (guide
 *  pp. 15–16: the meter sends 77635B90, the client retries with 77635B91). */
export function invalidSequencePayload(meterSeq: number): Uint8Array {
  return new Uint8Array([0x0c, (meterSeq >>> 24) & 0xff, (meterSeq >>> 16) & 0xff, (meterSeq >>> 8) & 0xff, meterSeq & 0xff]);
}

/** Frames STATUS+payload (`body`) and appends the digest of the reply to `request` (the whole request frame). */
export function buildReply(body: Uint8Array, request: Uint8Array, key: Uint8Array, mode: ReplyDigestMode, rng: Rng): Uint8Array {
  const len = body.length + 8;
  const frame = new Uint8Array(len + 2);
  frame[0] = (len >>> 8) & 0xff;
  frame[1] = len & 0xff;
  frame.set(body, 2);
  let digest: Uint8Array;
  if (mode === 'zeros') digest = new Uint8Array(8);
  else if (mode === 'random') digest = rng.bytes(8);
  else digest = replyDigest(key, request, frame); // covers frame[2 .. len+2-8), never the digest itself
  frame.set(digest, len + 2 - 8);
  return frame;
}
