// The guide's reply digest (guide p. 250; shared/spec/mep-guide-addendum.md §A) through the device code: every worked
// example of the guide (G1–G7) and the generated vectors RD00–RD19 (test/fixtures/vectors/guide-examples.json, a
// verbatim copy of ../shared/vectors/guide-examples.json).
import { bytesEqual } from '../../../device/src/meter/bytes';
import { omaDigest } from '../../../device/src/meter/digest';
import { encodeRequest, parseReply, parseRequestFrame } from '../../../device/src/meter/frame';
import { replyDigest } from '../../../device/src/meter/reply-digest';
import { hex, loadVectors, toHexString } from '../../helpers/vectors';

interface Vector {
  id: string;
  key_hex: string | null;
  request_frame_hex: string;
  response_frame_hex?: string;
  reply_digest_input_hex?: string;
  expected_request_digest_hex?: string;
  expected_response_digest_hex?: string;
  request_digest_hex?: string;
  reply_digest_hex?: string;
  sequence_number?: number;
}

const V = loadVectors('guide-examples.json');
const GUIDE: Vector[] = V.guide_examples.filter((g: Vector) => g.key_hex && g.response_frame_hex);
const GENERATED: Vector[] = V.generated_reply_digest_vectors;

test('the fixture holds G1–G7 with a key and RD00–RD19', () => {
  expect(GUIDE.map((g) => g.id)).toEqual(['G1', 'G2', 'G3', 'G4', 'G5', 'G6', 'G7']);
  expect(GENERATED.map((g) => g.id)).toEqual(Array.from({ length: 20 }, (_, i) => `RD${String(i).padStart(2, '0')}`));
});

describe.each([...GUIDE, ...GENERATED].map((v) => [v.id, v] as const))('%s', (_id, v) => {
  const key = hex(v.key_hex as string);
  const request = hex(v.request_frame_hex);
  const reply = hex(v.response_frame_hex as string);
  const expected = (v.expected_response_digest_hex ?? v.reply_digest_hex) as string;

  test('the request frame is ours: same digest, same bytes from encodeRequest', () => {
    const r = parseRequestFrame(request)!;
    expect(toHexString(omaDigest(key, r.signed))).toBe(v.expected_request_digest_hex ?? v.request_digest_hex);
    expect(toHexString(encodeRequest(r.apdu, r.seq, key))).toBe(v.request_frame_hex);
  });

  test('the reply digest is Digest(K, request[2:-8] ‖ reply[2:-8]) and verifies', () => {
    const parsed = parseReply(reply);
    expect(parsed.ok).toBe(true);
    expect(toHexString(replyDigest(key, request, reply))).toBe(expected);
    expect(toHexString(reply.subarray(reply.length - 8))).toBe(expected);
    if (v.reply_digest_input_hex) expect(toHexString(omaDigest(key, hex(v.reply_digest_input_hex)))).toBe(expected);
  });

  test('any flipped bit of the request or of the reply body breaks it', () => {
    for (const at of [2, request.length - 9]) {
      const r = request.slice();
      r[at]! ^= 0x01;
      expect(bytesEqual(replyDigest(key, r, reply), reply.subarray(reply.length - 8))).toBe(false);
    }
    const body = reply.slice();
    body[body.length - 9]! ^= 0x80;
    expect(bytesEqual(replyDigest(key, request, body), reply.subarray(reply.length - 8))).toBe(false);
  });
});

test('a one-byte 00 write reply carries the request digest (G3, G4, G7): it proves nothing, read back instead', () => {
  for (const id of ['G3', 'G4', 'G7']) {
    const g = GUIDE.find((x) => x.id === id)!;
    expect(g.expected_response_digest_hex).toBe(g.expected_request_digest_hex);
    const key = hex(g.key_hex as string);
    const request = hex(g.request_frame_hex);
    // anyone who saw the request can forge the "OK": LEN 9, 00, the request's digest
    const forged = new Uint8Array(11);
    forged[1] = 9;
    forged.set(request.subarray(request.length - 8), 3);
    expect(bytesEqual(replyDigest(key, request, forged), forged.subarray(3))).toBe(true);
  }
});

test('the guide reply the old candidates got wrong: G1 is a 0x0C signed over the rejected request', () => {
  const g1 = GUIDE[0]!;
  const reply = parseReply(hex(g1.response_frame_hex as string));
  expect(reply.ok && reply.reply.nextSeq).toBe(0x77635b90);
  expect(GUIDE[1]!.sequence_number).toBe(0x77635b91); // the guide's next request: N + 1
});
