// require("crypto") (espruino.md §2.5): SHA1/224/256/384/512 return an ArrayBuffer; PBKDF2(passphrase, salt,
// {keySize (32-bit words, default 4), iterations (default 1), hasher (default SHA1)}); AES.encrypt(data, key,
// {mode: 'ECB'}) whole blocks only (the firmware's AES-CTR key stream, device/src/security).
import { createCipheriv, createHash, pbkdf2Sync } from 'crypto';
import { bytesOf, Realm, realmArrayBuffer } from './realm';

export function cryptoModule(realm: Realm): Record<string, unknown> {
  const sha = (algorithm: string) => (data: unknown) =>
    realmArrayBuffer(realm, new Uint8Array(createHash(algorithm).update(bytesOf(data)).digest()));
  return {
    SHA1: sha('sha1'),
    SHA224: sha('sha224'),
    SHA256: sha('sha256'),
    SHA384: sha('sha384'),
    SHA512: sha('sha512'),
    PBKDF2(passphrase: unknown, salt: unknown, options?: { keySize?: number; iterations?: number; hasher?: string }) {
      const o = options || {};
      const digest = String(o.hasher ?? 'SHA1').toLowerCase();
      const key = pbkdf2Sync(bytesOf(passphrase), bytesOf(salt), o.iterations ?? 1, (o.keySize ?? 4) * 4, digest);
      return realmArrayBuffer(realm, new Uint8Array(key));
    },
    AES: {
      encrypt(data: unknown, key: unknown, options?: { mode?: string }) {
        const k = bytesOf(key);
        if (!options || options.mode !== 'ECB' || k.length !== 16) throw new Error('AES: only ECB with a 16-byte key in the host');
        const d = bytesOf(data);
        const padded = new Uint8Array(Math.ceil(d.length / 16) * 16);
        padded.set(d);
        const c = createCipheriv('aes-128-ecb', k, null);
        c.setAutoPadding(false);
        return realmArrayBuffer(realm, new Uint8Array(Buffer.concat([c.update(padded), c.final()])));
      },
    },
  };
}
