// MEP frames (spec §3). Request: LEN(BE16) | APDU | SEQ(BE32) | DIGEST(8), LEN counting everything after itself.
// Reply: LEN(BE16) | STATUS | payload | DIGEST(8); a read payload is COUNT(BE16) + COUNT bytes of table data.
// An alert is the 2-byte frame 00 00 (spec §3.4).
import { readU32be } from './bytes';
import { omaDigest } from './digest';
import { RESPONSE_INVALID_SEQUENCE, RESPONSE_OK } from './result-codes';

export const DIGEST_LENGTH = 8;
/** Smallest reply: STATUS + digest (spec §3.2). */
export const MIN_REPLY_LEN = 9;
/** Smallest request: one command byte + SEQ + digest (spec §15.2). */
export const MIN_REQUEST_LEN = 13;
/** Largest message after LEN, requests and replies alike (guide p. 8). */
export const MAX_MESSAGE = 476;
/** Largest table data one read reply carries: 476 − STATUS − COUNT(2) − digest(8) = 465 (guide p. 8). */
export const MAX_TABLE_DATA = MAX_MESSAGE - 1 - 2 - DIGEST_LENGTH;
/** Largest frame on the wire, LEN included: a longer LEN means we are out of sync (spec §3.5 rule 3). */
export const MAX_FRAME_BYTES = 2 + MAX_MESSAGE;

/** Builds the request frame: the digest covers APDU || SEQ, not the LEN prefix (spec §4.4). */
export function encodeRequest(apdu: Uint8Array, seq: number, digestKey: Uint8Array): Uint8Array {
  const len = apdu.length + 4 + DIGEST_LENGTH;
  const frame = new Uint8Array(len + 2);
  frame[0] = (len >> 8) & 0xff;
  frame[1] = len & 0xff;
  frame.set(apdu, 2);
  const s = 2 + apdu.length;
  frame[s] = (seq >>> 24) & 0xff;
  frame[s + 1] = (seq >>> 16) & 0xff;
  frame[s + 2] = (seq >>> 8) & 0xff;
  frame[s + 3] = seq & 0xff;
  frame.set(omaDigest(digestKey, frame.subarray(2, s + 4)), s + 4);
  return frame;
}

export interface ParsedRequestFrame {
  apdu: Uint8Array;
  seq: number;
  digest: Uint8Array;
  /** APDU || SEQ: what the digest must cover. */
  signed: Uint8Array;
}

/** Splits a complete request frame; null if the length prefix does not match or it is too short. */
export function parseRequestFrame(frame: Uint8Array): ParsedRequestFrame | null {
  if (frame.length < MIN_REQUEST_LEN + 2) return null;
  const len = ((frame[0] as number) << 8) | (frame[1] as number);
  if (len + 2 !== frame.length) return null;
  const seqAt = frame.length - DIGEST_LENGTH - 4;
  return {
    apdu: frame.subarray(2, seqAt),
    seq: readU32be(frame, seqAt),
    digest: frame.subarray(frame.length - DIGEST_LENGTH),
    signed: frame.subarray(2, frame.length - DIGEST_LENGTH),
  };
}

export interface ParsedReply {
  status: number;
  /** Bytes between STATUS and the digest. */
  payload: Uint8Array;
  digest: Uint8Array;
  /** reply[2 .. LEN+2-8): STATUS and payload, the reply's part of its digest (reply-digest.ts). */
  body: Uint8Array;
  /** Read replies: the table data (COUNT bytes). */
  data?: Uint8Array;
  /** 0x0C replies: the meter's sequence number N; the next request uses N + 1 (guide pp. 15–16). */
  nextSeq?: number;
}

export type ReplyParse = { ok: true; reply: ParsedReply } | { ok: false; message: string };

/** Splits a complete reply frame. The data length is taken from COUNT, never from LEN (spec §3.2, ref bug). */
export function parseReply(frame: Uint8Array): ReplyParse {
  if (frame.length < MIN_REPLY_LEN + 2) return { ok: false, message: `reply too short (${frame.length} bytes)` };
  const len = ((frame[0] as number) << 8) | (frame[1] as number);
  if (len + 2 !== frame.length) {
    return { ok: false, message: `length field says ${len + 2} bytes, frame has ${frame.length}` };
  }
  const status = frame[2] as number;
  const end = frame.length - DIGEST_LENGTH;
  const reply: ParsedReply = {
    status,
    payload: frame.subarray(3, end),
    digest: frame.subarray(end),
    body: frame.subarray(2, end),
  };
  if (status === RESPONSE_INVALID_SEQUENCE) {
    if (reply.payload.length !== 4) return { ok: false, message: '0x0C reply without a 4-byte sequence number' };
    reply.nextSeq = readU32be(frame, 3);
  } else if (status === RESPONSE_OK && reply.payload.length > 0) {
    if (reply.payload.length < 2) return { ok: false, message: 'read reply without COUNT' };
    const count = ((frame[3] as number) << 8) | (frame[4] as number);
    if (count !== reply.payload.length - 2) {
      return { ok: false, message: `COUNT says ${count} data bytes, frame carries ${reply.payload.length - 2}` };
    }
    reply.data = frame.subarray(5, 5 + count);
  }
  return { ok: true, reply };
}
