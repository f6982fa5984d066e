// MEP RC4 encryption (guide pp. 11, 256–257; shared/spec/mep-guide-addendum.md §B), optional and per message, off by
// default: the guide itself discourages it (pp. 8–9) and it adds no authentication. Per request: the 16-byte key K
// (the digest key) encrypts the guide's constant key once (mep_EncryptKey); the request digest, computed over the
// PLAINTEXT, is XORed into its first 8 bytes; RC4 keyed with that encrypts APDU ‖ SEQ (LEN and digest stay in clear),
// and the same stream, continuing, decrypts the reply's code and data. A 0x0B reply travels in clear.
// State: one 258-byte array (S, then i and j), no objects (espruino.md §3).

const CONST_KEY = [0x38, 0x8b, 0x8f, 0xbc, 0x36, 0xa8, 0x55, 0x85, 0x87, 0xaf, 0xc9, 0x0f, 0xb2, 0x3a, 0x3b, 0x99];

/** RC4 key schedule: the state for `key`. */
export function rc4(key: Uint8Array): Uint8Array {
  const s = new Uint8Array(258);
  for (let i = 0; i < 256; i++) s[i] = i;
  for (let i = 0, j = 0; i < 256; i++) {
    const t = s[i] as number;
    j = (j + t + (key[i % key.length] as number)) & 255;
    s[i] = s[j] as number;
    s[j] = t;
  }
  return s;
}

/** XORs data[from..to) in place with the keystream of `s`, which moves on. */
export function rc4Crypt(s: Uint8Array, data: Uint8Array, from: number, to: number): void {
  let i = s[256] as number;
  let j = s[257] as number;
  for (let k = from; k < to; k++) {
    i = (i + 1) & 255;
    const t = s[i] as number;
    j = (j + t) & 255;
    s[i] = s[j] as number;
    s[j] = t;
    data[k] = (data[k] as number) ^ (s[(t + (s[i] as number)) & 255] as number);
  }
  s[256] = i;
  s[257] = j;
}

/** mep_EncryptKey = RC4(K) over the constant key (guide p. 257): once per key. */
export function mepEncryptKey(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(CONST_KEY);
  rc4Crypt(rc4(key), out, 0, 16);
  return out;
}

/** The RC4 state of one exchange: keyed with mep_EncryptKey, its first 8 bytes XORed with the request digest. */
export function mepRc4(encryptKey: Uint8Array, digest: Uint8Array): Uint8Array {
  const k = new Uint8Array(encryptKey);
  for (let i = 0; i < 8; i++) k[i] = (k[i] as number) ^ (digest[i] as number);
  return rc4(k);
}
