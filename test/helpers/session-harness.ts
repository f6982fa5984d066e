// Drives a MeterSession by hand with a fake clock and a scripted meter: each request the session sends is answered
// by `respond` (default: the synthetic table images of shared/vectors/frames.json), signed as the guide signs replies.
import { TABLE_DECODERS } from '../../device/src/meter/tables/index';
import { parseRequestFrame } from '../../device/src/meter/frame';
import { ByteReader, ByteWriter } from '../../device/src/meter/bytes';
import { replyDigest } from '../../device/src/meter/reply-digest';
import { MeterSession } from '../../device/src/meter/session';
import { SessionCommand, SessionOptions } from '../../device/src/meter/session-types';
import { BT01, BT08, BT20, BT21, BT23, BT28, BT52, ET03, ET11, ET13, ET50, ET55, ET58, ET59, ET70 } from '../../device/src/meter/table-ids';
import { parseMbk } from '../../device/src/meter/key';
import { hex, loadVectors } from './vectors';

export const KEY_TEXT = 'ABCDEFGHIJKLMNOPQRST';
export const KEY = (parseMbk(KEY_TEXT) as { digestKey: Uint8Array }).digestKey;

const T = loadVectors('frames.json').synthetic_tables;
export const TABLE_IMAGES: Record<number, Uint8Array> = {
  [BT01]: hex(T.BT01), [BT21]: hex(T.BT21_A), [BT23]: hex(T.BT23_A), [BT28]: hex(T.BT28_A), [BT52]: hex(T.BT52),
  [ET03]: hex(T.ET03), [ET11]: hex(T.ET11), [ET13]: hex(T.ET13), [ET50]: hex(T.ET50), [BT08]: hex(T.BT08), [ET59]: hex(T.BT08),
  [ET58]: new Uint8Array(100),
  // A Gen 4 meter on MEP1 with 1-Wh energy registers: ET70 offset 142 = 1; BT20 = BT21 (4 tiers); ET55's unit at
  // 147 + 4·3 + 39 = 198 (guide pp. 155, 158, 173).
  [ET70]: byteAt(150, 142, 1), [BT20]: hex(T.BT21_A), [ET55]: byteAt(220, 198, 1),
};

/** `length` zero bytes with `value` at `at`. */
export function byteAt(length: number, at: number, value: number): Uint8Array {
  const b = new Uint8Array(length);
  b[at] = value;
  return b;
}

export interface SentRequest {
  bytes: Uint8Array;
  seq: number;
  cmd: number;
  table: number;
  offset?: number;
  count?: number;
  data?: Uint8Array;
}

export function describeRequest(bytes: Uint8Array): SentRequest {
  const f = parseRequestFrame(bytes);
  if (!f) throw new Error('session sent something that is not a request frame');
  const r = new ByteReader(f.apdu);
  const cmd = r.u8();
  const table = r.u16be();
  const out: SentRequest = { bytes, seq: f.seq, cmd, table };
  if (cmd === 0x3f) {
    out.offset = r.u24be();
    out.count = r.u16be();
  } else if (cmd === 0x40) {
    out.data = r.bytesOf(r.u16be());
  }
  return out;
}

/** A reply frame answering `request` (the whole request frame), with the guide's reply digest (guide p. 250). */
export function replyFrame(request: Uint8Array, status: number, payload?: Uint8Array, key = KEY): Uint8Array {
  const body = new ByteWriter().u8(status).bytes(payload ?? new Uint8Array(0)).toBytes();
  const frame = new Uint8Array(body.length + 10);
  frame[0] = (body.length + 8) >> 8;
  frame[1] = (body.length + 8) & 0xff;
  frame.set(body, 2);
  frame.set(replyDigest(key, request, frame), body.length + 2);
  return frame;
}

export function readPayload(data: Uint8Array): Uint8Array {
  return new ByteWriter().u16be(data.length).bytes(data).toBytes();
}

export type Answer = { status: number; payload?: Uint8Array } | null;

/** The default meter: every known table, partial reads sliced, BT07 writes accepted. */
export function tableAnswer(req: SentRequest): Answer {
  if (req.cmd === 0x40) return { status: 0 };
  const image = TABLE_IMAGES[req.table];
  if (!image) return { status: 0x02 };
  if (req.cmd === 0x3f) {
    const end = (req.offset as number) + (req.count as number);
    if (end > image.length) return { status: 0x04 };
    return { status: 0, payload: readPayload(image.subarray(req.offset, end)) };
  }
  return { status: 0, payload: readPayload(image) };
}

export class SessionHarness {
  now = 1_000_000;
  readonly session: MeterSession;
  readonly sent: SentRequest[] = [];
  readonly events: SessionCommand[] = [];
  resets = 0;
  /** Answers the request just sent; null = silence. Replace per test. */
  respond: (req: SentRequest) => Answer = tableAnswer;
  /** When true, replies are delivered automatically as soon as a request is sent. */
  auto = true;
  private pendingReset = false;

  /** The scripted meter answers at once, in the same instant: the session's 100-ms request gap (guide p. 21) is off
   *  unless a test sets requestGapMs (the gap itself is tested against the simulator in test/e2e). */
  constructor(options: Partial<SessionOptions> = {}) {
    this.session = new MeterSession({ digestKey: KEY, decoders: TABLE_DECODERS, requestGapMs: 0, ...options });
  }

  start(): this {
    this.apply(this.session.start(this.now));
    this.ready();
    return this;
  }

  private ready(): void {
    if (!this.pendingReset) return;
    this.pendingReset = false;
    this.resets++;
    this.apply(this.session.linkReady(this.now));
  }

  apply(commands: SessionCommand[]): void {
    for (const c of commands) {
      if (c.type === 'send') {
        const req = describeRequest(c.bytes);
        this.sent.push(req);
        if (this.auto) this.answer(req);
      } else if (c.type === 'reset-link') {
        this.pendingReset = true;
      } else {
        this.events.push(c);
      }
    }
  }

  answer(req: SentRequest): void {
    const a = this.respond(req);
    if (a) this.deliver(replyFrame(req.bytes, a.status, a.payload));
  }

  deliver(frame: Uint8Array): void {
    this.session.bytesArrived(frame.length, this.now);
    this.apply(this.session.frame(frame, this.now));
  }

  alert(): void {
    this.apply(this.session.alert(this.now));
  }

  /** Moves the clock forward, firing every session deadline on the way (link resets complete at once). */
  advance(ms: number): void {
    const end = this.now + ms;
    for (let guard = 0; guard < 100000; guard++) {
      this.ready();
      const at = this.session.nextDeadline();
      if (at < 0 || at > end) break;
      this.now = Math.max(this.now, at);
      this.apply(this.session.tick(this.now));
    }
    this.now = end;
    this.ready();
  }

  tables(table?: number): Extract<SessionCommand, { type: 'table' }>[] {
    return this.events.filter((e): e is Extract<SessionCommand, { type: 'table' }> => e.type === 'table' && (table === undefined || e.table === table));
  }

  statuses(): string[] {
    return this.events.filter((e) => e.type === 'status').map((e) => (e as Extract<SessionCommand, { type: 'status' }>).status.state);
  }

  of<K extends SessionCommand['type']>(type: K): Extract<SessionCommand, { type: K }>[] {
    return this.events.filter((e) => e.type === type) as Extract<SessionCommand, { type: K }>[];
  }
}
