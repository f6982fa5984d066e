import { OmaDigest, omaDigest, roundsPerPass } from '../../../device/src/meter/digest';
import { digestKeyFromText } from '../../../device/src/meter/key';
import { encodeRequest } from '../../../device/src/meter/frame';
import { hex, loadVectors, toHexString } from '../../helpers/vectors';

const vectors = loadVectors('digest.json');

describe('[MEP §4] OMA digest against shared/vectors/digest.json', () => {
  for (const v of vectors.framed_request_vectors) test(`${v.id} framed request`, () => {
    const key = digestKeyFromText(v.mbk_ascii);
    expect(toHexString(key)).toBe(v.digest_key_hex);
    expect(roundsPerPass(key.length)).toBe(v.rounds_per_pass);
    expect(toHexString(omaDigest(key, hex(v.digest_input_hex)))).toBe(v.digest_hex);
    const frame = encodeRequest(hex(v.apdu_hex), v.sequence_number, key);
    expect(toHexString(frame)).toBe(v.frame_hex);
    expect((frame[0]! << 8) | frame[1]!).toBe(v.frame_length_field);
  });

  for (const v of vectors.raw_digest_vectors) test(`${v.id} raw digest`, () => {
    expect(toHexString(omaDigest(hex(v.key_hex), hex(v.message_hex)))).toBe(v.digest_hex);
  });

  for (const v of vectors.streaming_vectors) test(`${v.id} streaming digest`, () => {
    const d = new OmaDigest(hex(v.key_hex));
    const segments: string[] = v.segments_hex;
    let result: Uint8Array;
    if (v.call_pattern.startsWith('every segment with bEnd=0')) {
      for (const s of segments) d.update(hex(s));
      result = d.final();
    } else {
      for (const s of segments.slice(0, -1)) d.update(hex(s));
      result = d.final(hex(segments[segments.length - 1]!));
    }
    expect(toHexString(result)).toBe(v.digest_hex);
    expect(toHexString(omaDigest(hex(v.key_hex), hex(segments.join(''))))).toBe(v.one_shot_digest_of_concatenation_hex);
  });

  test('rejects keys outside 1..16 bytes', () => {
    expect(() => new OmaDigest(new Uint8Array(0))).toThrow();
    expect(() => new OmaDigest(new Uint8Array(17))).toThrow();
  });
});
