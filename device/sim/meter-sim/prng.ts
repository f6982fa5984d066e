// Seeded PRNG (mulberry32) so that every fault, every random sequence number and the load model are reproducible
// from one seed. Not cryptographic; it only has to be deterministic and cheap.

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Unsigned 32-bit integer. */
  u32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }

  /** Integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** true with probability p (p <= 0 never, p >= 1 always, and neither consumes a number). */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.next() < p;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }

  /** An independent generator derived from this one (e.g. one per subsystem, so adding a fault does not shift the
   *  load model's numbers). */
  fork(salt: number): Rng {
    return new Rng((this.u32() ^ Math.imul(salt >>> 0, 0x9e3779b1)) >>> 0);
  }
}

/** Stable 32-bit hash of a small integer tuple, for pure functions that need per-seed constants. */
export function hash32(...values: number[]): number {
  let h = 0x811c9dc5;
  for (const v of values) {
    h = Math.imul(h ^ (v >>> 0), 0x01000193) >>> 0;
    h ^= h >>> 13;
  }
  return new Rng(h).u32();
}
