// What the streaming OTA parsers share: the error event, a fixed-capacity field buffer, and the push/finish driver
// that turns any unexpected exception into an `internal` error event (C10: errors are values, nothing is thrown).
// Feed chunks in order with push(chunk) (any size; the device gets <= 536 bytes, espruino.md §2.8), then call
// finish() at end of input. Each call returns the events it produced. After an error event nothing more is emitted.
import { BIN_MAGIC, HEADER_CHECK_LENGTH, magicMismatch, MAX_HEADER_LENGTH, PREFIX_LENGTH, sameBytes, WWWS_MAGIC } from './format';
import { HasherFactory } from './sha256';

export interface ParserOptions {
  /** Hash implementation (default: the pure-JS incremental SHA-256). */
  createHash?: HasherFactory;
}

export type OtaErrorCode =
  | 'bad-magic' // not this format at all
  | 'wrong-format' // the other package type (.bin given as .wwws or the reverse)
  | 'unknown-version'
  | 'bad-header' // header length, reserved bytes or a text field out of range
  | 'header-check' // the header's 4-byte SHA-256 check does not match
  | 'bad-name'
  | 'duplicate-name'
  | 'bad-entry' // file flags, reserved bytes or lengths inconsistent
  | 'too-large' // a length over its limit (format.ts) or over the bundle's declared total
  | 'no-files'
  | 'truncated'
  | 'trailing-data'
  | 'hash-mismatch' // payload, file or bundle SHA-256
  | 'misuse' // push after finish
  | 'internal';

export interface OtaError {
  type: 'error';
  code: OtaErrorCode;
  message: string;
  /** Byte offset in the input where the problem is (for truncation: the end of the input). */
  offset: number;
}

/** Collects a fixed-size field that may arrive split over chunks. */
export class Gather {
  readonly buf: Uint8Array;
  have: number;
  want: number;

  constructor(capacity: number) {
    this.buf = new Uint8Array(capacity);
    this.have = 0;
    this.want = 0;
  }

  /** Starts a new field of `size` bytes. */
  start(size: number): void {
    this.have = 0;
    this.want = size;
  }

  /** Grows the current field to `size` bytes, keeping what it has. */
  extend(size: number): void {
    this.want = size;
  }

  /** Copies from chunk[i..] what the field still needs; returns the index after the copied bytes. */
  fill(chunk: Uint8Array, i: number): number {
    const n = Math.min(this.want - this.have, chunk.length - i);
    if (n > 0) {
      this.buf.set(chunk.subarray(i, i + n), this.have);
      this.have += n;
    }
    return i + n;
  }

  full(): boolean {
    return this.have >= this.want;
  }
}

export abstract class ChunkParser<E> {
  /** Bytes consumed before the current chunk. */
  protected offset: number;
  private error: OtaError | null;
  private finished: boolean;

  constructor() {
    this.offset = 0;
    this.error = null;
    this.finished = false;
  }

  /** The error that stopped the parser, or null. */
  failure(): OtaError | null {
    return this.error;
  }

  /** Bytes accepted so far. */
  position(): number {
    return this.offset;
  }

  push(chunk: Uint8Array): (E | OtaError)[] {
    const events: (E | OtaError)[] = [];
    if (this.error) return events;
    if (this.finished) {
      this.fail(events, 'misuse', 'push() after finish()', this.offset);
      return events;
    }
    try {
      this.consume(chunk, events);
    } catch (e) {
      this.fail(events, 'internal', 'parser fault: ' + String((e as Error).message || e), this.offset);
    }
    if (!this.error) this.offset += chunk.length;
    return events;
  }

  finish(): (E | OtaError)[] {
    const events: (E | OtaError)[] = [];
    if (this.error || this.finished) return events;
    this.finished = true;
    try {
      this.complete(events);
    } catch (e) {
      this.fail(events, 'internal', 'parser fault: ' + String((e as Error).message || e), this.offset);
    }
    return events;
  }

  /** Emits the error event and stops the parser. Subclasses return right after calling it. */
  protected fail(events: (E | OtaError)[], code: OtaErrorCode, message: string, offset: number): void {
    if (this.error) return;
    this.error = { type: 'error', code, message, offset };
    events.push(this.error);
  }

  protected failed(): boolean {
    return this.error !== null;
  }

  /** Parses one chunk; `this.offset` is the stream offset of chunk[0]. */
  protected abstract consume(chunk: Uint8Array, events: (E | OtaError)[]): void;
  /** End of input: emit the final verdict or a truncation error. */
  protected abstract complete(events: (E | OtaError)[]): void;
}

/** "truncated in <what>: got <have> of <want> bytes" at the end of input. */
export function truncatedMessage(what: string, have: number, want: number): string {
  return `truncated in ${what}: got ${have} of ${want} bytes`;
}

/** The header check: first 4 bytes of SHA-256 over the header before it, in its last 4 bytes (format.ts). */
export function headerCheckOk(b: Uint8Array, length: number, createHash: HasherFactory): boolean {
  const h = createHash();
  h.update(b, 0, length - HEADER_CHECK_LENGTH);
  return sameBytes(b, length - HEADER_CHECK_LENGTH, h.digest(), HEADER_CHECK_LENGTH);
}

/** Checks magic (as far as it has arrived), version and header length; returns the problem or null. The other
 *  package's magic is reported as such (.bin and .wwws v2 share this prefix layout, format.ts). */
export function checkPrefix(
  g: Gather,
  magic: number[],
  version: number,
  minHeader: number,
): { code: 'bad-magic' | 'wrong-format' | 'unknown-version' | 'bad-header'; message: string; at: number } | null {
  const bad = magicMismatch(g.buf, 0, g.have, magic);
  if (bad >= 0) {
    const other = magic === BIN_MAGIC ? WWWS_MAGIC : BIN_MAGIC;
    const otherName = magic === BIN_MAGIC ? 'a web bundle (.wwws)' : 'a firmware package (.bin)';
    const thisName = magic === BIN_MAGIC ? 'a MEP firmware package (.bin)' : 'a MEP web bundle (.wwws)';
    if (g.have >= magic.length && magicMismatch(g.buf, 0, g.have, other) < 0) {
      return { code: 'wrong-format', message: `this is ${otherName}, not ${thisName}`, at: 0 };
    }
    return { code: 'bad-magic', message: `not ${thisName}: bad magic byte ${bad}`, at: bad };
  }
  if (g.have < PREFIX_LENGTH) return null;
  const v = g.buf[4] as number;
  if (v !== version) return { code: 'unknown-version', message: `unknown format version ${v} (this firmware reads ${version})`, at: 4 };
  const len = g.buf[5] as number;
  if (len < minHeader || len > MAX_HEADER_LENGTH) {
    return { code: 'bad-header', message: `header length ${len} out of range ${minHeader}..${MAX_HEADER_LENGTH}`, at: 5 };
  }
  return null;
}
