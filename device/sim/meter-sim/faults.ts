// Fault injection (spec §15.8). Probabilistic faults come from FaultOptions and a seeded PRNG (reproducible);
// one-shot faults are queued on demand (inject*). Names are what the 'fault' event reports.
import type { Rng } from './prng';

export interface FaultOptions {
  /** Transmit nothing at all and ignore requests (a dead meter). */
  silence: boolean;
  /** The request is lost on the way: not executed, no reply. A retransmission is then accepted (capture C06). */
  dropReplyProbability: number;
  /** The request IS executed (sequence number consumed) but the reply is lost; the client's retransmission then
   *  gets 0x0C (captures C04/C05, spec §5). */
  dropReplyButExecuteProbability: number;
  /** Flip one bit of one byte of a reply. */
  corruptProbability: number;
  /** Flip one bit of a reply's digest: the reply no longer verifies (guide p. 250). */
  badDigestProbability: number;
  /** Flip one bit of a reply's data (table data for a read) after it was signed, keeping the old digest: what a bit
   *  error on the line does. A client that checks reply digests never takes the wrong value. */
  badDataProbability: number;
  /** Cut a reply short (the rest never comes). */
  truncateProbability: number;
  /** Line noise: 1..garbageMaxBytes random bytes before a reply. */
  garbageProbability: number;
  garbageMaxBytes: number;
  /** Extra delay before every reply, ms (on top of the turnaround time). */
  delayMs: number;
  /** Some replies come late, e.g. past the client's reply timeout (spec §14: 500–1000 ms). */
  lateReplyProbability: number;
  lateReplyMs: number;
  /** Split every reply into random chunks of minBytes..maxBytes (as a UART driver or a TCP stack may). */
  chunking: { minBytes: number; maxBytes: number } | null;
  /** Uplink busy: with this probability per request the meter's expected sequence number jumps by 1..seqBumpMax,
   *  and keeps jumping for seqBumpBurst consecutive requests: a burst of 0x0C replies (spec §5). */
  seqBumpProbability: number;
  seqBumpMax: number;
  seqBumpBurst: number;
  /** Answer a request with one of replyCodes (e.g. 0x06 busy, 0x0B, 0x04) instead of executing it. */
  replyCodeProbability: number;
  replyCodes: number[];
  /** Gen-4 problem (spec §7, §10.3): a FULL read of BT23 is refused with fullBt23Code (0x0B by default). */
  fullBt23Unsupported: boolean;
  fullBt23Code: number;
  /** An alert (00 00) right before or after a reply. */
  alertWithReplyProbability: number;
}

export const DEFAULT_FAULTS: FaultOptions = {
  silence: false,
  dropReplyProbability: 0,
  dropReplyButExecuteProbability: 0,
  corruptProbability: 0,
  badDigestProbability: 0,
  badDataProbability: 0,
  truncateProbability: 0,
  garbageProbability: 0,
  garbageMaxBytes: 8,
  delayMs: 0,
  lateReplyProbability: 0,
  lateReplyMs: 1500,
  chunking: null,
  seqBumpProbability: 0,
  seqBumpMax: 16,
  seqBumpBurst: 1,
  replyCodeProbability: 0,
  replyCodes: [0x06],
  fullBt23Unsupported: false,
  fullBt23Code: 0x0b,
  alertWithReplyProbability: 0,
};

export type OneShotFault =
  | 'drop' | 'dropExecute' | 'corrupt' | 'badDigest' | 'badData' | 'truncate' | 'garbage' | 'late' | 'seqBump';

const PROBABILITIES = [
  'dropReplyProbability', 'dropReplyButExecuteProbability', 'corruptProbability', 'badDigestProbability',
  'badDataProbability', 'truncateProbability',
  'garbageProbability', 'lateReplyProbability', 'seqBumpProbability', 'replyCodeProbability', 'alertWithReplyProbability',
] as const;

export function normalizeFaults(partial: Partial<FaultOptions> = {}, base: FaultOptions = DEFAULT_FAULTS): FaultOptions {
  const f: FaultOptions = { ...base, ...partial };
  for (const k of PROBABILITIES) {
    if (!(f[k] >= 0 && f[k] <= 1)) throw new Error(`fault ${k} must be a probability 0..1`);
  }
  for (const k of ['garbageMaxBytes', 'delayMs', 'lateReplyMs', 'seqBumpMax', 'seqBumpBurst'] as const) {
    if (!(f[k] >= 0) || !Number.isFinite(f[k])) throw new Error(`fault ${k} must be a number >= 0`);
  }
  if (f.chunking && !(f.chunking.minBytes >= 1 && f.chunking.maxBytes >= f.chunking.minBytes)) {
    throw new Error('fault chunking needs 1 <= minBytes <= maxBytes');
  }
  if (f.replyCodeProbability > 0 && f.replyCodes.length === 0) throw new Error('fault replyCodes is empty');
  return f;
}

export class FaultEngine {
  options: FaultOptions;
  private readonly rng: Rng;
  private readonly codes: number[] = [];
  private readonly once: { [k in OneShotFault]: number } = {
    drop: 0, dropExecute: 0, corrupt: 0, badDigest: 0, badData: 0, truncate: 0, garbage: 0, late: 0, seqBump: 0,
  };
  private burstLeft = 0;

  constructor(rng: Rng, options?: Partial<FaultOptions>) {
    this.rng = rng;
    this.options = normalizeFaults(options);
  }

  update(partial: Partial<FaultOptions>): void {
    this.options = normalizeFaults(partial, this.options);
  }

  /** The next `count` authenticated requests are answered with `code` (0x0C carries the meter's last number). */
  injectReplyCode(code: number, count = 1): void {
    for (let i = 0; i < count; i++) this.codes.push(code & 0xff);
  }

  inject(kind: OneShotFault, count = 1): void {
    this.once[kind] += count;
  }

  private take(kind: OneShotFault, p: number): boolean {
    if (this.once[kind] > 0) {
      this.once[kind]--;
      return true;
    }
    return this.rng.chance(p);
  }

  requestLost(): boolean {
    return this.take('drop', this.options.dropReplyProbability);
  }

  replyLostAfterExecute(): boolean {
    return this.take('dropExecute', this.options.dropReplyButExecuteProbability);
  }

  replyCodeOverride(): number | null {
    const queued = this.codes.shift();
    if (queued !== undefined) return queued;
    const o = this.options;
    if (!this.rng.chance(o.replyCodeProbability)) return null;
    return o.replyCodes[this.rng.int(0, o.replyCodes.length - 1)] ?? null;
  }

  /** Increment to add to the expected sequence number before this request is checked (0 = none). */
  seqBump(): number {
    const o = this.options;
    if (this.burstLeft === 0 && this.take('seqBump', o.seqBumpProbability)) this.burstLeft = Math.max(1, o.seqBumpBurst);
    if (this.burstLeft === 0) return 0;
    this.burstLeft--;
    return this.rng.int(1, Math.max(1, o.seqBumpMax));
  }

  /** Applies the byte-level faults to an outgoing reply frame. */
  mangle(frame: Uint8Array): { bytes: Uint8Array; applied: string[] } {
    const applied: string[] = [];
    let bytes = frame.slice();
    if (this.take('corrupt', this.options.corruptProbability)) {
      const i = this.rng.int(0, bytes.length - 1);
      bytes[i] = (bytes[i] as number) ^ (1 << this.rng.int(0, 7));
      applied.push('corrupt');
    }
    if (bytes.length >= 11 && this.take('badDigest', this.options.badDigestProbability)) {
      const i = this.rng.int(bytes.length - 8, bytes.length - 1);
      bytes[i] = (bytes[i] as number) ^ (1 << this.rng.int(0, 7));
      applied.push('badDigest');
    }
    if (bytes.length >= 11 && this.take('badData', this.options.badDataProbability)) {
      // Table data of a read reply (after STATUS and COUNT), else the payload, else the status byte itself.
      const end = bytes.length - 9;
      const from = bytes[2] === 0 && end >= 5 ? 5 : end >= 3 ? 3 : 2;
      const i = this.rng.int(from, Math.max(from, end));
      bytes[i] = (bytes[i] as number) ^ (1 << this.rng.int(0, 7));
      applied.push('badData');
    }
    if (bytes.length > 1 && this.take('truncate', this.options.truncateProbability)) {
      bytes = bytes.slice(0, this.rng.int(1, bytes.length - 1));
      applied.push('truncate');
    }
    if (this.take('garbage', this.options.garbageProbability)) {
      const noise = this.rng.bytes(this.rng.int(1, Math.max(1, this.options.garbageMaxBytes)));
      const out = new Uint8Array(noise.length + bytes.length);
      out.set(noise, 0);
      out.set(bytes, noise.length);
      bytes = out;
      applied.push('garbage');
    }
    return { bytes, applied };
  }

  /** Extra delay for this reply, ms. */
  extraDelay(): { ms: number; late: boolean } {
    const late = this.take('late', this.options.lateReplyProbability);
    return { ms: this.options.delayMs + (late ? this.options.lateReplyMs : 0), late };
  }

  /** Random chunk sizes covering `total` bytes, or null when chunking is off. */
  chunkSizes(total: number): number[] | null {
    const c = this.options.chunking;
    if (!c) return null;
    const sizes: number[] = [];
    for (let left = total; left > 0; ) {
      const n = Math.min(left, this.rng.int(c.minBytes, c.maxBytes));
      sizes.push(n);
      left -= n;
    }
    return sizes;
  }

  alertWithReply(): 'before' | 'after' | null {
    if (!this.rng.chance(this.options.alertWithReplyProbability)) return null;
    return this.rng.chance(0.5) ? 'before' : 'after';
  }
}
