// Test harness for the meter simulator: a client that builds requests with the real builders and cuts the
// simulator's output with the client-side FrameDecoder (kind 'reply').
import { concatBytes } from '../../device/src/meter/bytes';
import { encodeRequest, parseReply, type ParsedReply } from '../../device/src/meter/frame';
import { FrameDecoder } from '../../device/src/meter/frame-decoder';
import { parseMbk } from '../../device/src/meter/key';
import type { MepRequest } from '../../device/src/meter/requests';
import { MeterSimulator, type MeterSimulatorOptions } from '../../device/sim/meter-sim';

export const KEY = 'ABCDEFGHIJKLMNOPQRST';
export const WRONG_KEY = 'ABCDEFGHIJKLMNOX';
export const START = Date.UTC(2024, 2, 28, 12, 0, 0);

export function digestKey(mbk: string): Uint8Array {
  const r = parseMbk(mbk);
  if (!r.ok) throw new Error(r.message);
  return r.digestKey;
}

export interface WireEvent {
  type: 'frame' | 'alert' | 'discard';
  bytes?: Uint8Array;
  reply?: ParsedReply;
  count?: number;
}

/** Cuts a byte stream like a client would. */
export function cut(bytes: Uint8Array, idle = true): WireEvent[] {
  const d = new FrameDecoder({ kind: 'reply' });
  const events = d.push(bytes);
  if (idle) events.push(...d.idle());
  return events.map((e) => {
    if (e.type !== 'frame') return e.type === 'alert' ? { type: 'alert' } : { type: 'discard', count: e.count };
    const p = parseReply(e.bytes);
    if (!p.ok) throw new Error(p.message);
    return { type: 'frame', bytes: e.bytes, reply: p.reply };
  });
}

export class Harness {
  readonly sim: MeterSimulator;
  readonly chunks: Uint8Array[] = [];
  now: number;
  seq: number;
  /** The request frame send() wrote last. */
  lastRequest: Uint8Array = new Uint8Array(0);
  private taken = 0;

  constructor(options: Partial<MeterSimulatorOptions> = {}) {
    this.now = options.startTime ?? START;
    this.seq = options.initialSeq ?? 1000;
    this.sim = new MeterSimulator({
      key: KEY,
      seed: 7,
      initialSeq: this.seq,
      clock: () => this.now,
      startTime: START,
      ...options,
    });
    this.sim.on('data', (b: Uint8Array) => this.chunks.push(b));
  }

  frame(req: MepRequest | Uint8Array, seq = this.seq, key = KEY): Uint8Array {
    const apdu = req instanceof Uint8Array ? req : req.apdu;
    return encodeRequest(apdu, seq, digestKey(key));
  }

  /** Sends one request (sequence number auto-incremented unless given) and returns the new wire events. */
  send(req: MepRequest | Uint8Array, opts: { seq?: number; key?: string } = {}): WireEvent[] {
    const seq = opts.seq ?? this.seq++;
    this.lastRequest = this.frame(req, seq, opts.key);
    this.sim.receive(this.lastRequest);
    return this.take();
  }

  /** Sends and expects exactly one reply frame. */
  reply(req: MepRequest | Uint8Array, opts: { seq?: number; key?: string } = {}): ParsedReply & { frame: Uint8Array; request: Uint8Array } {
    const frames = this.send(req, opts).filter((e) => e.type === 'frame');
    if (frames.length !== 1) throw new Error(`expected one reply frame, got ${frames.length}`);
    const f = frames[0]!;
    return { ...f.reply!, frame: f.bytes!, request: this.lastRequest };
  }

  /** Everything emitted since the last take(), concatenated. */
  wire(): Uint8Array {
    let all: Uint8Array = new Uint8Array(0);
    for (const c of this.chunks.slice(this.taken)) all = concatBytes(all, c);
    this.taken = this.chunks.length;
    return all;
  }

  take(): WireEvent[] {
    return cut(this.wire());
  }

  advance(ms: number): void {
    this.now += ms;
  }
}

export function hexOf(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}
