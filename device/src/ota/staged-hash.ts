// SHA-256 for the parsers, computed natively over the staging file (espruino.md §2.5: crypto.SHA256 is native and
// one-shot; §3: a JS hash loop is the slow part on the ESP32). The installer writes every byte to the stage before
// the parser sees it, so a hasher that is only ever fed contiguous views of the pushed chunks can remember where its
// bytes start in the package and, at digest(), hash that region of the stage in one native call on a memory-mapped
// Storage string (no RAM copy). A hasher fed anything else (a header gathered across chunks) is a JS SHA-256.
import { createSha256, Hasher, HasherFactory } from './sha256';

class StagedHasher implements Hasher {
  private readonly owner: StagedHashes;
  private start = -1;
  private count = 0;
  private js: Hasher | null = null;
  private gap = false;

  constructor(owner: StagedHashes) {
    this.owner = owner;
  }

  update(data: Uint8Array, from?: number, to?: number): void {
    const f = from === undefined ? 0 : from;
    const t = to === undefined ? data.length : to;
    if (this.js) {
      this.js.update(data, f, t);
      return;
    }
    const at = this.owner.offsetOf(data, f);
    if (this.start < 0) {
      if (at < 0) {
        this.js = createSha256();
        this.js.update(data, f, t);
        return;
      }
      this.start = at;
    } else if (at !== this.start + this.count) this.gap = true;
    this.count += t - f;
  }

  digest(): Uint8Array {
    if (this.js) return this.js.digest();
    // A gap cannot happen with the parsers' contiguous updates; if it did, no digest may match.
    if (this.gap) return new Uint8Array(32);
    return this.count === 0 ? createSha256().digest() : this.owner.digestOf(this.start, this.count);
  }
}

export class StagedHashes {
  private chunk: Uint8Array | null = null;
  private base = 0;
  private readonly region: (offset: number, length: number) => Uint8Array;

  /** `region`: the native SHA-256 of package bytes [offset, offset + length) as staged. */
  constructor(region: (offset: number, length: number) => Uint8Array) {
    this.region = region;
  }

  /** The bytes about to be pushed into the parser and their offset in the package (null once the push is over). */
  pushing(chunk: Uint8Array | null, base: number): void {
    this.chunk = chunk;
    this.base = base;
  }

  /** Package offset of data[from] when `data` is a view of the chunk being pushed, else -1. */
  offsetOf(data: Uint8Array, from: number): number {
    const c = this.chunk;
    return c && data.buffer === c.buffer ? this.base + data.byteOffset + from - c.byteOffset : -1;
  }

  digestOf(offset: number, length: number): Uint8Array {
    return this.region(offset, length);
  }

  factory(): HasherFactory {
    return () => new StagedHasher(this);
  }
}
