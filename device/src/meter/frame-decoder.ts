// Streaming frame decoder (spec §3.5): bytes arrive in any chunking (Espruino delivers ≤ 64-byte pieces); frames are
// cut by their length prefix. Without a checksum the only defence against line noise is structure: a candidate is
// accepted only when its length, status/command byte and COUNT agree. On anything else the decoder drops ONE byte
// and looks again, so a real frame behind garbage is still found. A candidate that stays incomplete is dropped when
// the line goes idle (the driver calls idle() after the inter-byte timeout).
import { DIGEST_LENGTH, MAX_FRAME_BYTES, MIN_REPLY_LEN, MIN_REQUEST_LEN } from './frame';
import { CMD_FULL_READ, CMD_FULL_WRITE, CMD_PARTIAL_READ, CMD_PARTIAL_WRITE } from './requests';
import { RESPONSE_INVALID_SEQUENCE, RESPONSE_OK } from './result-codes';

export type FrameEvent =
  | { type: 'frame'; bytes: Uint8Array }
  | { type: 'alert' }
  | { type: 'discard'; count: number };

export interface FrameDecoderOptions {
  /** 'reply': what a client receives (also accepts request-shaped frames, so a looped-back request can be reported);
   *  'request': what the meter (simulator) receives. */
  kind: 'reply' | 'request';
  /** Largest whole frame accepted, LEN + 2 (default MAX_FRAME_BYTES = 478: guide p. 8). */
  maxFrameBytes?: number;
  /** Cut by LEN alone: MEP RC4 encrypts the code and COUNT (guide p. 256), so their structure cannot be checked;
   *  the reply digest is then the only check (a line error costs a resend). */
  lengthOnly?: boolean;
}

/** Error replies are INFERRED to be STATUS + digest (LEN 9); a few payload bytes are tolerated in case a meter adds some. */
const MAX_ERROR_REPLY_LEN = MIN_REPLY_LEN + 16;

const VALID = 1;
const INVALID = 2;
const INCOMPLETE = 3;

function isRequestCommand(code: number): boolean {
  return code === CMD_FULL_READ || code === CMD_PARTIAL_READ || code === CMD_FULL_WRITE || code === CMD_PARTIAL_WRITE;
}

export class FrameDecoder {
  private readonly kind: 'reply' | 'request';
  private readonly maxFrame: number;
  private readonly lengthOnly: boolean;
  private buf: Uint8Array;
  private start: number;
  private end: number;

  constructor(options: FrameDecoderOptions) {
    this.kind = options.kind;
    this.maxFrame = options.maxFrameBytes || MAX_FRAME_BYTES;
    this.lengthOnly = !!options.lengthOnly;
    this.buf = new Uint8Array(this.maxFrame * 2);
    this.start = 0;
    this.end = 0;
  }

  /** Bytes held, waiting to complete a frame. */
  buffered(): number {
    return this.end - this.start;
  }

  /** Drops everything held (e.g. before a link reset); returns how many bytes were dropped. */
  reset(): number {
    const n = this.end - this.start;
    this.start = 0;
    this.end = 0;
    return n;
  }

  push(chunk: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.end === this.buf.length) this.compact();
      const n = Math.min(chunk.length - i, this.buf.length - this.end);
      this.buf.set(chunk.subarray(i, i + n), this.end);
      this.end += n;
      i += n;
      this.drain(false, events);
    }
    return events;
  }

  /** The line has been quiet for the inter-byte timeout: whatever cannot be completed now is noise. */
  idle(): FrameEvent[] {
    const events: FrameEvent[] = [];
    this.drain(true, events);
    return events;
  }

  private compact(): void {
    if (this.start === 0) return;
    this.buf.set(this.buf.subarray(this.start, this.end), 0);
    this.end -= this.start;
    this.start = 0;
  }

  private u16(at: number): number {
    return ((this.buf[at] as number) << 8) | (this.buf[at + 1] as number);
  }

  private drain(atIdle: boolean, events: FrameEvent[]): void {
    let dropped = 0;
    while (this.end - this.start >= 1) {
      const at = this.start;
      const avail = this.end - at;
      if (avail >= 2 && this.kind === 'reply' && this.u16(at) === 0) {
        // 00 00 is an alert, unless it is a stray 00 right before a real frame whose LEN starts with 00.
        const next = this.check(at + 1);
        if (next === VALID) {
          dropped++;
          this.start++;
          continue;
        }
        if (next === INCOMPLETE && !atIdle) break; // cannot tell yet
        if (dropped) events.push({ type: 'discard', count: dropped });
        dropped = 0;
        events.push({ type: 'alert' });
        this.start += 2;
        continue;
      }
      const verdict = this.check(at);
      if (verdict === VALID) {
        if (dropped) events.push({ type: 'discard', count: dropped });
        dropped = 0;
        const total = this.u16(at) + 2;
        // A copy: the receive buffer is reused. Espruino 2v29: typed-array .slice() returns a plain Array (shared/espruino/README.md, known difference (a)).
        events.push({ type: 'frame', bytes: new Uint8Array(this.buf.subarray(at, at + total)) });
        this.start += total;
      } else if (verdict === INVALID || atIdle) {
        dropped++;
        this.start++;
      } else {
        break;
      }
    }
    if (dropped) events.push({ type: 'discard', count: dropped });
    if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
    }
  }

  /** Structural check of a candidate frame starting at `at`, using as many bytes as have arrived. */
  private check(at: number): number {
    const avail = this.end - at;
    if (avail < 2) return INCOMPLETE;
    const len = this.u16(at);
    if (len + 2 > this.maxFrame) return INVALID;
    if (len < (this.kind === 'reply' ? MIN_REPLY_LEN : MIN_REQUEST_LEN)) return INVALID;
    if (avail < 3) return INCOMPLETE;
    if (this.lengthOnly) return avail >= len + 2 ? VALID : INCOMPLETE;
    const code = this.buf[at + 2] as number;
    const shape = this.kind === 'reply' && !isRequestCommand(code) ? this.replyShape(at, len, code) : this.requestShape(at, len, code);
    if (shape !== VALID) return shape;
    return avail >= len + 2 ? VALID : INCOMPLETE;
  }

  private replyShape(at: number, len: number, status: number): number {
    if (status === RESPONSE_OK) {
      if (len === MIN_REPLY_LEN) return VALID; // write reply: status only
      if (len < MIN_REPLY_LEN + 2) return INVALID;
      if (this.end - at < 5) return INCOMPLETE;
      return this.u16(at + 3) === len - MIN_REPLY_LEN - 2 ? VALID : INVALID;
    }
    if (status === RESPONSE_INVALID_SEQUENCE) return len === MIN_REPLY_LEN + 4 ? VALID : INVALID;
    if (status > 0 && status < RESPONSE_INVALID_SEQUENCE) return len <= MAX_ERROR_REPLY_LEN ? VALID : INVALID;
    return INVALID;
  }

  private requestShape(at: number, len: number, cmd: number): number {
    const tail = 4 + DIGEST_LENGTH;
    if (cmd === CMD_FULL_READ) return len === 3 + tail || len === 5 + tail ? VALID : INVALID;
    if (cmd === CMD_PARTIAL_READ) return len === 8 + tail ? VALID : INVALID;
    if (cmd === CMD_FULL_WRITE || cmd === CMD_PARTIAL_WRITE) {
      const countAt = cmd === CMD_FULL_WRITE ? 3 : 6;
      if (this.end - at < 2 + countAt + 2) return INCOMPLETE;
      return len === countAt + 2 + this.u16(at + 2 + countAt) + tail ? VALID : INVALID;
    }
    // Unknown commands still reach the meter, which answers 0x01 (spec §15.4); a client never expects them.
    return this.kind === 'request' ? VALID : INVALID;
  }
}
