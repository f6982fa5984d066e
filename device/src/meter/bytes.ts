// Byte helpers with explicit endianness. Frame fields are big-endian (spec §3), table data little-endian (spec §8).
// Espruino-safe: plain Uint8Array work, no DataView (not needed), no BigInt.

/** Raised by ByteReader when a field runs past the end; decoders turn it into a DecodeError (offset = field start). */
export interface ShortReadError extends Error {
  code: 'short-read';
  offset: number;
}

function shortRead(offset: number, need: number, have: number): ShortReadError {
  const e = new Error(`needs ${need} byte(s) at offset ${offset}, only ${have} left`) as ShortReadError;
  e.code = 'short-read';
  e.offset = offset;
  return e;
}

export function readU32be(b: Uint8Array, i: number): number {
  return (
    (((b[i] as number) << 24) | ((b[i + 1] as number) << 16) | ((b[i + 2] as number) << 8) | (b[i + 3] as number)) >>> 0
  );
}

export function readI32le(b: Uint8Array, i: number): number {
  return (b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16) | ((b[i + 3] as number) << 24);
}

export function asciiOf(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : c === 0 ? ' ' : '?';
  }
  return s;
}

export class ByteReader {
  readonly bytes: Uint8Array;
  pos: number;

  constructor(bytes: Uint8Array, pos?: number) {
    this.bytes = bytes;
    this.pos = pos || 0;
  }

  remaining(): number {
    return this.bytes.length - this.pos;
  }

  private take(n: number): number {
    const at = this.pos;
    if (n < 0 || at + n > this.bytes.length) throw shortRead(at, n, this.bytes.length - at);
    this.pos = at + n;
    return at;
  }

  skip(n: number): this {
    this.take(n);
    return this;
  }

  u8(): number {
    return this.bytes[this.take(1)] as number;
  }
  u16be(): number {
    const i = this.take(2);
    const b = this.bytes;
    return ((b[i] as number) << 8) | (b[i + 1] as number);
  }
  u16le(): number {
    const i = this.take(2);
    const b = this.bytes;
    return (b[i] as number) | ((b[i + 1] as number) << 8);
  }
  u24be(): number {
    const i = this.take(3);
    const b = this.bytes;
    return ((b[i] as number) << 16) | ((b[i + 1] as number) << 8) | (b[i + 2] as number);
  }
  u32be(): number {
    const i = this.take(4);
    return readU32be(this.bytes, i);
  }
  u32le(): number {
    const i = this.take(4);
    return readI32le(this.bytes, i) >>> 0;
  }
  /** NI_FMAT1/NI_FMAT2 on these meters: 4-byte two's complement, LSB first (spec §8). */
  i32le(): number {
    const i = this.take(4);
    return readI32le(this.bytes, i);
  }
  bytesOf(n: number): Uint8Array {
    const i = this.take(n);
    return this.bytes.subarray(i, i + n);
  }
  /** Fixed-width character field. NUL becomes a space (so padding trims away); other bytes outside printable ASCII
   *  become '?', which keeps all output ASCII (espruino.md §1.4). */
  ascii(n: number): string {
    return asciiOf(this.bytesOf(n));
  }
}

/** Growable big/little-endian writer used by request builders and the simulator. */
export class ByteWriter {
  private buf: Uint8Array;
  length: number;

  constructor(capacity?: number) {
    this.buf = new Uint8Array(capacity || 32);
    this.length = 0;
  }

  private room(n: number): number {
    const at = this.length;
    if (at + n > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < at + n) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, at));
      this.buf = next;
    }
    this.length = at + n;
    return at;
  }

  u8(v: number): this {
    // room() first: it may replace buf, and Espruino evaluates `this.buf[this.room(1)]` index-first, V8 object-first.
    const i = this.room(1);
    this.buf[i] = v & 0xff;
    return this;
  }
  u16be(v: number): this {
    const i = this.room(2);
    this.buf[i] = (v >>> 8) & 0xff;
    this.buf[i + 1] = v & 0xff;
    return this;
  }
  u16le(v: number): this {
    const i = this.room(2);
    this.buf[i] = v & 0xff;
    this.buf[i + 1] = (v >>> 8) & 0xff;
    return this;
  }
  u24be(v: number): this {
    const i = this.room(3);
    this.buf[i] = (v >>> 16) & 0xff;
    this.buf[i + 1] = (v >>> 8) & 0xff;
    this.buf[i + 2] = v & 0xff;
    return this;
  }
  u32be(v: number): this {
    const i = this.room(4);
    this.buf[i] = (v >>> 24) & 0xff;
    this.buf[i + 1] = (v >>> 16) & 0xff;
    this.buf[i + 2] = (v >>> 8) & 0xff;
    this.buf[i + 3] = v & 0xff;
    return this;
  }
  i32le(v: number): this {
    const i = this.room(4);
    this.buf[i] = v & 0xff;
    this.buf[i + 1] = (v >>> 8) & 0xff;
    this.buf[i + 2] = (v >>> 16) & 0xff;
    this.buf[i + 3] = (v >>> 24) & 0xff;
    return this;
  }
  bytes(data: Uint8Array): this {
    const i = this.room(data.length);
    this.buf.set(data, i);
    return this;
  }
  /** ASCII text, right-padded with `pad` (default space) or cut to exactly `width` bytes. */
  ascii(text: string, width: number, pad?: number): this {
    const i = this.room(width);
    const fill = pad === undefined ? 0x20 : pad;
    for (let k = 0; k < width; k++) this.buf[i + k] = k < text.length ? text.charCodeAt(k) & 0xff : fill;
    return this;
  }

  toBytes(): Uint8Array {
    // Espruino 2v29: typed-array .slice() returns a plain Array (shared/espruino/README.md, known difference (a)).
    return new Uint8Array(this.buf.subarray(0, this.length));
  }
}

const HEX = '0123456789abcdef';

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    s += HEX.charAt(b >> 4) + HEX.charAt(b & 15);
  }
  return s;
}

function hexNibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Parses hex (spaces, ':' and '-' between bytes are ignored). Returns null for anything that is not whole bytes of hex. */
export function fromHex(text: string): Uint8Array | null {
  let digits = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (ch === ' ' || ch === ':' || ch === '-' || ch === '\n' || ch === '\r' || ch === '\t') continue;
    digits += ch;
  }
  if (digits.length % 2 !== 0) return null;
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexNibble(digits.charCodeAt(2 * i));
    const lo = hexNibble(digits.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
