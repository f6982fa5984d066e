// MEP RC4 (guide pp. 256–257, addendum §B) through the device code: the generated vectors RC4-00..05 of
// test/fixtures/vectors/guide-examples.json (verbatim copy of ../shared/vectors/guide-examples.json), and RFC 6229.
import { mepEncryptKey, mepRc4, rc4, rc4Crypt } from '../../../device/src/meter/rc4';
import { replyDigest } from '../../../device/src/meter/reply-digest';
import { hex, loadVectors, toHexString } from '../../helpers/vectors';

const V = loadVectors('guide-examples.json').rc4_vectors as Record<string, string>[];

test('RC4 core: RFC 6229, 40-bit key 0102030405, keystream bytes 0..15', () => {
  const ks = new Uint8Array(16);
  rc4Crypt(rc4(hex('0102030405')), ks, 0, 16);
  expect(toHexString(ks)).toBe('b2396305f03dc027ccc3524a0a1118a8');
});

test('the vectors are RC4-00..05', () => {
  expect(V.map((v) => v.id)).toEqual(['RC4-00', 'RC4-01', 'RC4-02', 'RC4-03', 'RC4-04', 'RC4-05']);
});

describe.each(V.map((v) => [v.id!, v] as const))('%s', (_id, v) => {
  const key = hex(v.key_hex!);
  test('mep_EncryptKey, the request encrypted with the digest in clear, the reply decrypted by the same stream', () => {
    const enc = mepEncryptKey(key);
    expect(toHexString(enc)).toBe(v.mep_encrypt_key_hex);
    const plain = hex(v.request_plain_frame_hex!);
    const digest = plain.subarray(plain.length - 8);
    const st = mepRc4(enc, digest);
    const wire = new Uint8Array(plain);
    rc4Crypt(st, wire, 2, wire.length - 8);
    expect(toHexString(wire)).toBe(v.request_encrypted_frame_hex);
    const raw = hex(v.response_encrypted_frame_hex!);
    const reply = new Uint8Array(raw);
    if (!(raw.length === 11 && raw[2] === 0x0b)) rc4Crypt(st, reply, 2, reply.length - 8); // 0x0B travels in clear
    expect(toHexString(reply)).toBe(v.response_plain_frame_hex);
    // the reply digest is over the plaintexts (guide p. 256)
    expect(toHexString(replyDigest(key, plain, reply))).toBe(toHexString(reply.subarray(reply.length - 8)));
  });
});
