// Incremental SHA-256 (FIPS 180-4) for the OTA parsers: the device's require("crypto").SHA256 is one-shot
// (espruino.md §2.5), but updates arrive as <= 536-byte chunks (§2.8) and are never held whole in RAM.
// Espruino-safe: Int32Array state, 32-bit ops only. Sums are stored into Int32Array slots or `| 0`-ed, which wraps
// them mod 2^32 (sums of a few int32 stay far below 2^53, so no precision is lost before the wrap).

/** A running hash: the parsers take any implementation of this (tests use Node's crypto for speed). */
export interface Hasher {
  /** Adds data[start..end) (whole array by default). */
  update(data: Uint8Array, start?: number, end?: number): void;
  /** The 32-byte digest; the hasher is finished afterwards. */
  digest(): Uint8Array;
}

export type HasherFactory = () => Hasher;

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const INITIAL = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** Bytes per 2^32 of the 64-bit bit-length counter (2^29 bytes = 2^32 bits). */
const BYTES_PER_HIGH = 0x20000000;

/** Big-endian u32 (v may be a double up to 2^32 - 1). */
function writeU32(b: Uint8Array, i: number, v: number): void {
  b[i] = (v >>> 24) & 0xff;
  b[i + 1] = (v >>> 16) & 0xff;
  b[i + 2] = (v >>> 8) & 0xff;
  b[i + 3] = v & 0xff;
}

export class Sha256 implements Hasher {
  private readonly h: Int32Array;
  private readonly w: Int32Array;
  /** Partial block waiting for more input. */
  private readonly block: Uint8Array;
  private used: number;
  /** Total bytes hashed (a double: exact far beyond any Storage size). */
  private bytes: number;
  private done: boolean;

  constructor() {
    this.h = new Int32Array(INITIAL);
    this.w = new Int32Array(64);
    this.block = new Uint8Array(64);
    this.used = 0;
    this.bytes = 0;
    this.done = false;
  }

  update(data: Uint8Array, start?: number, end?: number): void {
    if (this.done) throw new Error('sha256: update after digest');
    let i = start === undefined ? 0 : start;
    const stop = end === undefined ? data.length : end;
    if (stop <= i) return;
    this.bytes += stop - i;
    if (this.used > 0) {
      const n = Math.min(64 - this.used, stop - i);
      this.block.set(data.subarray(i, i + n), this.used);
      this.used += n;
      i += n;
      if (this.used < 64) return;
      this.compress(this.block, 0);
      this.used = 0;
    }
    // Whole blocks straight from the caller's array, no copy.
    while (stop - i >= 64) {
      this.compress(data, i);
      i += 64;
    }
    if (i < stop) {
      this.block.set(data.subarray(i, stop), 0);
      this.used = stop - i;
    }
  }

  digest(): Uint8Array {
    if (this.done) throw new Error('sha256: digest called twice');
    const high = Math.floor(this.bytes / BYTES_PER_HIGH);
    const low = (this.bytes % BYTES_PER_HIGH) * 8;
    const b = this.block;
    b[this.used] = 0x80;
    b.fill(0, this.used + 1);
    if (this.used >= 56) {
      this.compress(b, 0);
      b.fill(0);
    }
    writeU32(b, 56, high);
    writeU32(b, 60, low);
    this.compress(b, 0);
    this.done = true;
    const out = new Uint8Array(32);
    for (let k = 0; k < 8; k++) writeU32(out, 4 * k, this.h[k] as number);
    return out;
  }

  /** One 64-byte block at data[off..off+64) (FIPS 180-4 §6.2.2). Temporaries live outside the loops: Espruino
   *  creates a scope per loop-body block with declarations (espruino.md §1.1). */
  private compress(data: Uint8Array, off: number): void {
    const w = this.w;
    const h = this.h;
    let x: number;
    let y: number;
    let t1: number;
    let t2: number;
    let i: number;
    for (i = 0; i < 16; i++) {
      y = off + 4 * i;
      w[i] = ((data[y] as number) << 24) | ((data[y + 1] as number) << 16) | ((data[y + 2] as number) << 8) | (data[y + 3] as number);
    }
    for (i = 16; i < 64; i++) {
      x = w[i - 15] as number;
      y = w[i - 2] as number;
      t1 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      t2 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16] as number) + t1 + (w[i - 7] as number) + t2;
    }
    let a = h[0] as number;
    let b = h[1] as number;
    let c = h[2] as number;
    let d = h[3] as number;
    let e = h[4] as number;
    let f = h[5] as number;
    let g = h[6] as number;
    let hh = h[7] as number;
    for (i = 0; i < 64; i++) {
      t1 = (hh + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
        ((e & f) ^ (~e & g)) + (K[i] as number) + (w[i] as number)) | 0;
      t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) +
        ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = (h[0] as number) + a;
    h[1] = (h[1] as number) + b;
    h[2] = (h[2] as number) + c;
    h[3] = (h[3] as number) + d;
    h[4] = (h[4] as number) + e;
    h[5] = (h[5] as number) + f;
    h[6] = (h[6] as number) + g;
    h[7] = (h[7] as number) + hh;
  }
}

/** The default hasher factory of the parsers. */
export function createSha256(): Hasher {
  return new Sha256();
}

/** One-shot convenience (tests, small header checks). */
export function sha256(data: Uint8Array): Uint8Array {
  const s = new Sha256();
  s.update(data);
  return s.digest();
}
