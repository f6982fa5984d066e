// MQTT 3.1.1 packet encoding (OASIS mqtt-v3.1.1-os §2–§3): pure functions from options to bytes. The client owns
// the socket; big publish payloads are written piecewise through a `write` callback so that the device never holds
// a second full copy of them (espruino.md §2.9, §3). Decoding of incoming packets lives in decoder.ts.
import { PieceSource } from '../hal/types';
import { utf8Length, writeUtf8 } from './utf8';

/** Control packet types, the high nibble of the first byte (§2.2.1). */
export const CONNECT = 1;
export const CONNACK = 2;
export const PUBLISH = 3;
export const PUBACK = 4;
export const PUBREC = 5;
export const PUBREL = 6;
export const PUBCOMP = 7;
export const SUBSCRIBE = 8;
export const SUBACK = 9;
export const UNSUBSCRIBE = 10;
export const UNSUBACK = 11;
export const PINGREQ = 12;
export const PINGRESP = 13;
export const DISCONNECT = 14;

/** The device publishes and subscribes with QoS 0 or 1 only. */
export type QoS = 0 | 1;

/** Chunk `index` of a text made piece by piece, or null past its end; the same index always gives the same text
 *  (the message is made again for a resend). */
export type TextChunks = (index: number) => string | null;

/** A payload: text (sent as UTF-8), bytes, or text chunks whose concatenation is the payload, each made only when the
 *  socket can take it (the discovery message: never held whole, issue 9). */
export type Payload = string | Uint8Array | TextChunks;

/** Largest Remaining Length the four-byte variable integer can carry (§2.2.3). */
export const MAX_REMAINING_LENGTH = 268435455;

/** CONNACK return codes (§3.2.2.3, table 3.1); 6–255 are reserved. The texts live in the function body so that they
 *  exist only while it runs (a top-level array is resident on Espruino). */
export function connackMessage(returnCode: number): string {
  const messages = [
    'connection accepted',
    'unacceptable protocol version',
    'identifier rejected',
    'server unavailable',
    'bad user name or password',
    'not authorized',
  ];
  return messages[returnCode] || `reserved return code ${returnCode}`;
}

export interface Will {
  topic: string;
  payload: string | Uint8Array;
  qos: QoS;
  retain: boolean;
}

export interface ConnectOptions {
  clientId: string;
  username?: string;
  /** Sent only inside CONNECT; a password without a user name goes out with an empty user name (§3.1.2.9). */
  password?: string;
  /** Seconds; 0 disables the keep-alive mechanism (§3.1.2.10). */
  keepaliveS: number;
  cleanSession: boolean;
  will?: Will;
}

export interface PublishPacket {
  topic: string;
  payload: Payload;
  qos: QoS;
  retain?: boolean;
  dup?: boolean;
  /** 1–65535, required for QoS 1 (§2.3.1). */
  packetId?: number;
}

export interface Subscription {
  topic: string;
  qos: QoS;
}

function varintSize(n: number): number {
  return n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : 4;
}

/** Writes the fixed header (§2.2): type and flags, then Remaining Length as a variable integer; returns its end. */
function writeFixedHeader(out: Uint8Array, byte1: number, remaining: number): number {
  out[0] = byte1;
  let n = remaining;
  let p = 1;
  do {
    let digit = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) digit |= 0x80;
    out[p++] = digit;
  } while (n > 0);
  return p;
}

/** A whole-packet buffer with its fixed header written; the body starts at `length - remaining`. */
function packet(byte1: number, remaining: number): Uint8Array {
  const out = new Uint8Array(1 + varintSize(remaining) + remaining);
  writeFixedHeader(out, byte1, remaining);
  return out;
}

function writeU16(out: Uint8Array, at: number, n: number): number {
  out[at] = (n >> 8) & 0xff;
  out[at + 1] = n & 0xff;
  return at + 2;
}

/** A length-prefixed UTF-8 string or binary field (§1.5.3). */
function writeField(out: Uint8Array, at: number, value: string | Uint8Array): number {
  if (typeof value === 'string') return writeUtf8(value, out, writeU16(out, at, utf8Length(value)));
  out.set(value, writeU16(out, at, value.length));
  return at + 2 + value.length;
}

function fieldSize(value: string | Uint8Array): number {
  return 2 + (typeof value === 'string' ? utf8Length(value) : value.length);
}

/** Bytes the payload takes on the wire. */
export function payloadLength(payload: Payload): number {
  if (typeof payload === 'string') return utf8Length(payload);
  if (payload instanceof Uint8Array) return payload.length;
  let n = 0;
  for (let i = 0; ; i++) {
    const chunk = payload(i);
    if (chunk === null) return n;
    n += utf8Length(chunk);
  }
}

/** CONNECT (§3.1): protocol name "MQTT", level 4, flags, keep-alive, then client id, will, user name, password. */
export function encodeConnect(o: ConnectOptions): Uint8Array {
  const will = o.will;
  const hasUser = o.username !== undefined || o.password !== undefined;
  let flags = o.cleanSession ? 0x02 : 0;
  let remaining = 10 + fieldSize(o.clientId);
  if (will) {
    flags |= 0x04 | (will.qos << 3) | (will.retain ? 0x20 : 0);
    remaining += fieldSize(will.topic) + fieldSize(will.payload);
  }
  if (hasUser) {
    flags |= 0x80;
    remaining += fieldSize(o.username || '');
  }
  if (o.password !== undefined) {
    flags |= 0x40;
    remaining += fieldSize(o.password);
  }
  const out = packet(CONNECT << 4, remaining);
  let p = writeField(out, out.length - remaining, 'MQTT');
  out[p++] = 4;
  out[p++] = flags;
  p = writeField(out, writeU16(out, p, o.keepaliveS), o.clientId);
  if (will) p = writeField(out, writeField(out, p, will.topic), will.payload);
  if (hasUser) p = writeField(out, p, o.username || '');
  if (o.password !== undefined) writeField(out, p, o.password);
  return out;
}

/** Payloads up to this size travel in the same buffer as the PUBLISH header (one socket write). */
const INLINE_BYTES = 256;
/** A big byte payload is written in pieces of this size (the ESP32's TCP chunk is 536 bytes, espruino.md §2.8). */
const PIECE_BYTES = 512;
/** Text chunks are joined into pieces of at least this many characters: the interpreter runs the 'drain' that asks
 *  for the next piece only when it wakes up (up to 50 ms later on the Linux build), so one 300-byte component per
 *  drain made a 13 KB discovery message take 2.5 s, all the while keeping the discovery module in RAM. */
const TEXT_PIECE_BYTES = 536;

/** Text chunks as UTF-8 pieces of about TEXT_PIECE_BYTES, each made when the socket asks for it; a new source for
 *  every (re)send. */
function chunkPieces(chunks: TextChunks): PieceSource {
  let index = 0;
  return () => {
    let text = '';
    while (text.length < TEXT_PIECE_BYTES) {
      const chunk = chunks(index);
      if (chunk === null) break;
      text += chunk;
      index++;
    }
    // Never an empty piece: a zero-byte socket write is never followed by 'drain'.
    if (text === '') return null;
    const out = new Uint8Array(utf8Length(text));
    writeUtf8(text, out, 0);
    return out;
  };
}

/**
 * PUBLISH (§3.3), written piecewise: the header (with a string payload or a small byte payload inline), then a big
 * byte payload as is, or text chunks made one by one as the socket takes them. Returns false as soon as a write fails.
 * `payloadBytes` may be passed when already known (payloadLength walks every character).
 */
export function writePublish(p: PublishPacket, write: (data: Uint8Array | PieceSource) => boolean, payloadBytes?: number): boolean {
  const payload = p.payload;
  const size = payloadBytes === undefined ? payloadLength(payload) : payloadBytes;
  const inline = typeof payload === 'string' || (payload instanceof Uint8Array && size <= INLINE_BYTES);
  const headerLen = fieldSize(p.topic) + (p.qos > 0 ? 2 : 0);
  const remaining = headerLen + size;
  const out = new Uint8Array(1 + varintSize(remaining) + headerLen + (inline ? size : 0));
  const byte1 = (PUBLISH << 4) | (p.dup ? 0x08 : 0) | (p.qos << 1) | (p.retain ? 0x01 : 0);
  let at = writeField(out, writeFixedHeader(out, byte1, remaining), p.topic);
  if (p.qos > 0) at = writeU16(out, at, p.packetId || 0);
  if (typeof payload === 'string') writeUtf8(payload, out, at);
  else if (inline) out.set(payload as Uint8Array, at);
  if (!write(out)) return false;
  if (inline) return true;
  if (payload instanceof Uint8Array) {
    // In pieces (views, not copies): the socket takes one at a time, so the interpreter's send buffer never holds
    // the whole payload as a second copy (hal/espruino/tcp.ts).
    for (let at = 0; at < payload.length; at += PIECE_BYTES) {
      if (!write(payload.subarray(at, Math.min(payload.length, at + PIECE_BYTES)))) return false;
    }
    return true;
  }
  return write(chunkPieces(payload));
}

/** PUBLISH as one buffer (small messages, tests). */
export function encodePublish(p: PublishPacket): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  const take = (bytes: Uint8Array) => {
    parts.push(bytes);
    total += bytes.length;
  };
  writePublish(p, (data) => {
    if (typeof data !== 'function') take(data);
    else for (let piece = data(); piece !== null; piece = data()) take(piece);
    return true;
  });
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(total);
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    out.set(parts[i] as Uint8Array, at);
    at += (parts[i] as Uint8Array).length;
  }
  return out;
}

/** PUBACK (§3.4): the answer to an incoming QoS 1 PUBLISH. */
export function encodePuback(packetId: number): Uint8Array {
  const out = packet(PUBACK << 4, 2);
  writeU16(out, 2, packetId);
  return out;
}

/** SUBSCRIBE (§3.8); the fixed-header flags are 0010 [MQTT-3.8.1-1]. */
export function encodeSubscribe(packetId: number, subscriptions: Subscription[]): Uint8Array {
  let remaining = 2;
  for (let i = 0; i < subscriptions.length; i++) remaining += fieldSize((subscriptions[i] as Subscription).topic) + 1;
  const out = packet((SUBSCRIBE << 4) | 0x02, remaining);
  let p = writeU16(out, out.length - remaining, packetId);
  for (let i = 0; i < subscriptions.length; i++) {
    const s = subscriptions[i] as Subscription;
    p = writeField(out, p, s.topic);
    out[p++] = s.qos;
  }
  return out;
}

/** PINGREQ (§3.12). */
export function encodePingreq(): Uint8Array {
  return packet(PINGREQ << 4, 0);
}

/** DISCONNECT (§3.14): a clean close, after which the broker discards the Will [MQTT-3.14.4-3]. */
export function encodeDisconnect(): Uint8Array {
  return packet(DISCONNECT << 4, 0);
}
