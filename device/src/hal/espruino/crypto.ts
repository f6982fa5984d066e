// Crypto over require("crypto") (espruino.md §2.5). randomBytes uses E.hwRand(), which on the ESP32 port is libc
// rand() (espruino.md §2.4, checklist "no secure RNG"): good for nonces and salts, not for long-term secrets.
import { Crypto } from '../types';
import { EspruinoE, native } from './natives';

declare const E: EspruinoE;

export function createCrypto(): Crypto {
  const crypto = native('crypto');
  return {
    sha256(data: Uint8Array | string): Uint8Array {
      return new Uint8Array(crypto.SHA256(typeof data === 'string' ? data : E.toString(data)));
    },
    pbkdf2(password: Uint8Array, salt: Uint8Array, iterations: number, keyBytes: number): Uint8Array {
      const words = Math.ceil(keyBytes / 4);
      const key = new Uint8Array(crypto.PBKDF2(E.toString(password), E.toString(salt), { keySize: words, iterations, hasher: 'SHA256' }));
      return key.subarray(0, keyBytes);
    },
    aes(key: Uint8Array, block: Uint8Array): Uint8Array {
      return new Uint8Array(crypto.AES.encrypt(block, key, { mode: 'ECB' }));
    },
    randomBytes(n: number): Uint8Array {
      const out = new Uint8Array(n);
      let word = 0;
      for (let i = 0; i < n; i++) {
        if ((i & 3) === 0) word = E.hwRand();
        out[i] = (word >>> ((i & 3) * 8)) & 0xff;
      }
      return out;
    },
  };
}
