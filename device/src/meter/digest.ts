// The OSGP "OMA digest" that authenticates every MEP request (spec §4.2–§4.5). 8-byte state, one key bit per
// message byte, least significant key bit first; messages are zero-padded to whole passes of 8 × rounds bytes.
// Verified against ../shared/vectors/digest.json (framed, raw and streaming vectors).

/** Rounds per pass: 6 for a 6-byte key, otherwise L + floor(L/2) (spec §4.2). */
export function roundsPerPass(keyLength: number): number {
  return keyLength === 6 ? 6 : keyLength + (keyLength >> 1);
}

/** Streaming form with the reference's exact semantics, including the empty-final-call quirk (spec §4.5, S05). */
export class OmaDigest {
  private readonly key: Uint8Array;
  private readonly passLength: number;
  private readonly state: Uint8Array;
  private position: number;

  constructor(key: Uint8Array) {
    if (key.length < 1 || key.length > 16) throw new Error('digest key must be 1 to 16 bytes');
    this.key = key;
    this.passLength = 8 * roundsPerPass(key.length);
    this.state = new Uint8Array(8);
    this.position = 0;
  }

  /** Feeds bytes; a later call continues exactly where this one stopped. One loop with everything in locals: a
   *  method call per byte costs more than the byte's arithmetic on Espruino (espruino.md §3), and every request and
   *  every reply goes through here. */
  update(data: Uint8Array): this {
    const key = this.key;
    const kl = key.length;
    const pass = this.passLength;
    const s = this.state;
    let u = this.position;
    for (let i = 0; i < data.length; i++) {
      const b = u & 7;
      const v = 7 - b;
      const x = ~((s[v] as number) + v) & 0xff;
      const f = ((key[(u >> 3) % kl] as number) >> b) & 1 ? ((x << 1) | (x >> 7)) & 0xff : (256 - (((x >> 1) | (x << 7)) & 0xff)) & 0xff;
      s[v] = ((s[(v + 1) & 7] as number) + (data[i] as number) + f) & 0xff;
      u = u + 1 === pass ? 0 : u + 1;
    }
    this.position = u;
    return this;
  }

  /** Feeds the last segment, pads with zeros to the end of the pass and returns the 8-byte digest. A final call with
   *  no data on a pass boundary processes one whole pass of zeros, as the reference does. */
  final(data?: Uint8Array): Uint8Array {
    const hadData = !!data && data.length > 0;
    if (data) this.update(data);
    if (!(hadData && this.position === 0)) this.update(new Uint8Array(this.passLength - this.position)); // zero padding
    // Espruino 2v29: typed-array .slice() returns a plain Array (shared/espruino/README.md, known difference (a)).
    return new Uint8Array(this.state.subarray(0, 8));
  }
}

/** One-shot digest of a whole message (spec §4.3): what requests and replies use. */
export function omaDigest(key: Uint8Array, message: Uint8Array): Uint8Array {
  return new OmaDigest(key).final(message);
}
