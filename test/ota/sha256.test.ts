// [OTA] The device's incremental SHA-256 (device/src/ota/sha256.ts) against FIPS 180-4 vectors and Node's crypto, in
// random inputs and random update() splits.
import { createHash, randomBytes } from 'crypto';
import fc from 'fast-check';
import { Sha256, sha256 } from '../../device/src/ota/sha256';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const node = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('[OTA] incremental SHA-256', () => {
  test('FIPS 180-4 example vectors', () => {
    const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
    expect(hex(sha256(ascii('')))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(sha256(ascii('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex(sha256(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    expect(hex(sha256(ascii('a'.repeat(1000000))))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  test('every length around the padding boundaries (0..200 bytes)', () => {
    const data = new Uint8Array(randomBytes(200));
    for (let n = 0; n <= 200; n++) expect(hex(sha256(data.subarray(0, n)))).toBe(node(data.subarray(0, n)));
  });

  test('random inputs in random update() splits equal Node crypto', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.integer({ min: 0, max: 600 }), { minLength: 1, maxLength: 12 }), (data, cuts) => {
        const s = new Sha256();
        let at = 0;
        let k = 0;
        while (at < data.length) {
          // A 0 cut is an empty update, then one byte on its own (so the loop always advances).
          const n = cuts[k++ % cuts.length]!;
          const end = Math.min(data.length, at + Math.max(n, 1));
          if (n === 0) s.update(data, at, at);
          if (k % 2 === 0) s.update(data, at, end);
          else s.update(data.subarray(at, end));
          at = end;
        }
        return hex(s.digest()) === node(data);
      }),
      { numRuns: 300 },
    );
  });

  test('a 1 MiB random input in 536-byte chunks (the device chunking)', () => {
    const data = new Uint8Array(randomBytes(1 << 20));
    const s = new Sha256();
    for (let at = 0; at < data.length; at += 536) s.update(data, at, Math.min(at + 536, data.length));
    expect(hex(s.digest())).toBe(node(data));
  });

  test('misuse is an error, not a wrong digest', () => {
    const s = new Sha256();
    s.digest();
    expect(() => s.digest()).toThrow('digest called twice');
    expect(() => s.update(new Uint8Array(1))).toThrow('update after digest');
  });
});
