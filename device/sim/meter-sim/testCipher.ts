// TEST-ONLY payload cipher. It exists so the client's cipher hook can be exercised end to end; it is NOT the OSGP
// or MEP cipher (whose construction is UNKNOWN, spec §9) and it is NOT secure (XOR with an OMA-digest key stream,
// a digest that is itself broken: spec §4.2, Jovanovic & Neves 2015). Never ship it to a real meter.
import { omaDigest } from '../../src/meter/digest';
import { parseMbk } from '../../src/meter/key';
import type { CipherContext, PayloadCipher } from './cipher-types';

export const TEST_ONLY_CIPHER_NAME = 'TEST-ONLY-xor-omadigest (not OSGP, not secure)';

function keyStreamBlock(key: Uint8Array, ctx: CipherContext, block: number): Uint8Array {
  const m = new Uint8Array(10);
  m[0] = (ctx.seq >>> 24) & 0xff;
  m[1] = (ctx.seq >>> 16) & 0xff;
  m[2] = (ctx.seq >>> 8) & 0xff;
  m[3] = ctx.seq & 0xff;
  m[4] = (ctx.table >>> 8) & 0xff;
  m[5] = ctx.table & 0xff;
  m[6] = (block >>> 24) & 0xff;
  m[7] = (block >>> 16) & 0xff;
  m[8] = (block >>> 8) & 0xff;
  m[9] = block & 0xff;
  return omaDigest(key, m);
}

function xorStream(key: Uint8Array, data: Uint8Array, ctx: CipherContext): Uint8Array {
  const out = new Uint8Array(data.length);
  let block: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < data.length; i++) {
    if (i % 8 === 0) block = keyStreamBlock(key, ctx, i / 8);
    out[i] = (data[i] as number) ^ (block[i % 8] as number);
  }
  return out;
}

/** XOR with key stream omaDigest(key, BE32(seq) || BE16(table) || BE32(blockCounter)), 8 bytes per block.
 *  Encrypt and decrypt are the same operation. `key` is an MBK (validated like the real one) or a digest key. */
export function createTestOnlyXorCipher(key: string | Uint8Array): PayloadCipher {
  let digestKey: Uint8Array;
  if (typeof key === 'string') {
    const parsed = parseMbk(key);
    if (!parsed.ok) throw new Error(parsed.message);
    digestKey = parsed.digestKey;
  } else {
    digestKey = key;
  }
  return {
    name: TEST_ONLY_CIPHER_NAME,
    encrypt: (data, ctx) => xorStream(digestKey, data, ctx),
    decrypt: (data, ctx) => xorStream(digestKey, data, ctx),
  };
}
