// HMAC-SHA256 (RFC 2104 / FIPS 198-1) on top of a given one-shot SHA-256, so the same code runs on the device
// (Espruino: `require('crypto').SHA256`, which returns an ArrayBuffer) and in the add-on (node:crypto). Pure, ES5,
// no allocation beyond the two padded blocks and one concatenation per call (command-mac.ts uses it a few times
// per command). Keys longer than a block are hashed first, as the RFC says.

/** One-shot SHA-256: 32 bytes of digest for the bytes given. */
export type Sha256 = (data: Uint8Array) => Uint8Array;

const BLOCK = 64;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export function hmacSha256(sha256: Sha256, key: Uint8Array, message: Uint8Array): Uint8Array {
  const k = key.length > BLOCK ? sha256(key) : key;
  const inner = new Uint8Array(BLOCK);
  const outer = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) {
    const b = i < k.length ? (k[i] as number) : 0;
    inner[i] = b ^ 0x36;
    outer[i] = b ^ 0x5c;
  }
  return sha256(concat(outer, sha256(concat(inner, message))));
}

/** Compares two MACs without stopping at the first difference. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** Bytes of a string whose characters are all below 256 (ASCII topics and headers; Espruino's byte strings). */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

export function toHexString(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += ((bytes[i] as number) < 16 ? '0' : '') + (bytes[i] as number).toString(16);
  return s;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Lower-case hex to bytes; null for anything else (odd length, other characters). */
export function fromHexString(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < hex.length; i += 2) {
    const hi = hexValue(hex.charCodeAt(i));
    const lo = hexValue(hex.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) return null;
    out[i / 2] = hi * 16 + lo;
  }
  return out;
}
