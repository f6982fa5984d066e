// Streaming decoder for the packets a broker sends a client (MQTT 3.1.1 §2–§3). Bytes may arrive in any chunking;
// each packet body is buffered once, in a Uint8Array of exactly its size, and only up to `maxPacketSize`: bigger
// packets are skipped as they stream past (a QoS 1 PUBLISH keeps its packet id so it can still be acknowledged).
// Malformed input becomes an `error` value and the decoder stops until reset(); nothing is thrown (C10).
import {
  CONNACK, PINGRESP, PUBACK, PUBCOMP, PUBLISH, PUBREC, PUBREL, SUBACK, UNSUBACK,
} from './codec';
import { utf8Decode } from './utf8';

export type DecodeErrorCode = 'bad-length' | 'bad-flags' | 'bad-packet' | 'unexpected-packet' | 'internal';

export type AckType = 'puback' | 'pubrec' | 'pubrel' | 'pubcomp' | 'unsuback';

export interface PublishIn {
  type: 'publish';
  topic: string;
  /** A view into the packet's own buffer. */
  payload: Uint8Array;
  qos: number;
  retain: boolean;
  dup: boolean;
  /** 0 for QoS 0. */
  packetId: number;
}

export type Incoming =
  | { type: 'connack'; sessionPresent: boolean; returnCode: number }
  | PublishIn
  | { type: AckType; packetId: number }
  | { type: 'suback'; packetId: number; granted: number[] }
  | { type: 'pingresp' }
  /** A packet over maxPacketSize, dropped unread; `packetId` is set for a QoS 1/2 PUBLISH (0 otherwise). */
  | { type: 'skipped'; packetType: number; size: number; qos: number; packetId: number }
  | { type: 'error'; code: DecodeErrorCode; message: string };

export interface DecoderOptions {
  /** Largest whole packet (fixed header included) that is buffered, in bytes. Default 4096. */
  maxPacketSize?: number;
}

const ACKS: { [type: number]: AckType } = {};
ACKS[PUBACK] = 'puback';
ACKS[PUBREC] = 'pubrec';
ACKS[PUBREL] = 'pubrel';
ACKS[PUBCOMP] = 'pubcomp';
ACKS[UNSUBACK] = 'unsuback';

const HEADER = 0;
const LENGTH = 1;
const BODY = 2;
const SKIP = 3;
const FAILED = 4;

function bad(code: DecodeErrorCode, message: string): Incoming {
  return { type: 'error', code, message };
}

function u16(b: Uint8Array, i: number): number {
  return ((b[i] as number) << 8) | (b[i + 1] as number);
}

/** The fixed-header flags each type must carry (§2.2.2); PUBLISH flags are checked for QoS 3 only. */
function checkFlags(byte1: number): Incoming | null {
  const type = byte1 >> 4;
  const flags = byte1 & 0x0f;
  if (type === PUBLISH) return (flags & 0x06) === 0x06 ? bad('bad-flags', 'PUBLISH with QoS 3') : null;
  if (type === CONNACK || type === SUBACK || type === PINGRESP || ACKS[type] !== undefined) {
    const want = type === PUBREL ? 0x02 : 0;
    return flags === want ? null : bad('bad-flags', `packet type ${type} with flags ${flags}`);
  }
  return bad('unexpected-packet', `packet type ${type} is not sent by a broker`);
}

function parsePublish(byte1: number, b: Uint8Array): Incoming {
  const qos = (byte1 >> 1) & 3;
  const topicLen = b.length >= 2 ? u16(b, 0) : -1;
  const at = 2 + topicLen + (qos > 0 ? 2 : 0);
  if (topicLen < 0 || at > b.length) return bad('bad-packet', 'PUBLISH shorter than its topic and packet id');
  const packetId = qos > 0 ? u16(b, 2 + topicLen) : 0;
  if (qos > 0 && packetId === 0) return bad('bad-packet', 'PUBLISH with packet id 0');
  return {
    type: 'publish',
    topic: utf8Decode(b, 2, 2 + topicLen),
    payload: b.subarray(at),
    qos,
    retain: (byte1 & 0x01) !== 0,
    dup: (byte1 & 0x08) !== 0,
    packetId,
  };
}

function parseSuback(b: Uint8Array): Incoming {
  if (b.length < 3) return bad('bad-packet', 'SUBACK without return codes');
  const granted: number[] = [];
  for (let i = 2; i < b.length; i++) {
    const code = b[i] as number;
    if (code > 2 && code !== 0x80) return bad('bad-packet', `SUBACK return code ${code}`);
    granted.push(code);
  }
  return { type: 'suback', packetId: u16(b, 0), granted };
}

/** One complete packet body (flags already checked) into a value. */
function parse(byte1: number, b: Uint8Array): Incoming {
  const type = byte1 >> 4;
  if (type === PUBLISH) return parsePublish(byte1, b);
  if (type === SUBACK) return parseSuback(b);
  if (type === PINGRESP) return b.length === 0 ? { type: 'pingresp' } : bad('bad-packet', 'PINGRESP with a body');
  if (b.length !== 2) return bad('bad-packet', `packet type ${type} with ${b.length} body bytes, 2 expected`);
  if (type === CONNACK) {
    if (((b[0] as number) & 0xfe) !== 0) return bad('bad-packet', 'CONNACK reserved flags set'); // [MQTT-3.2.2-1]
    return { type: 'connack', sessionPresent: ((b[0] as number) & 1) === 1, returnCode: b[1] as number };
  }
  return { type: ACKS[type] as AckType, packetId: u16(b, 0) };
}

export class MqttDecoder {
  private readonly maxPacketSize: number;
  private phase = HEADER;
  private byte1 = 0;
  private remaining = 0;
  private lengthBytes = 0;
  private multiplier = 1;
  private body: Uint8Array | null = null;
  private got = 0;
  /** While skipping a PUBLISH: its topic length and packet id bytes, -1 until seen. */
  private peek = [-1, -1, -1, -1];

  constructor(options?: DecoderOptions) {
    this.maxPacketSize = (options && options.maxPacketSize) || 4096;
  }

  /** Back to the start of a packet, e.g. for a new connection. */
  reset(): void {
    this.phase = HEADER;
    this.body = null;
  }

  /** Feeds bytes; `sink` gets every packet completed by them, in order. Never throws. */
  push(chunk: Uint8Array, sink: (packet: Incoming) => void): void {
    try {
      let i = 0;
      while (i < chunk.length && this.phase !== FAILED) {
        if (this.phase === HEADER) {
          this.byte1 = chunk[i++] as number;
          this.remaining = 0;
          this.lengthBytes = 0;
          this.multiplier = 1;
          this.phase = LENGTH;
        } else if (this.phase === LENGTH) {
          this.lengthByte(chunk[i++] as number, sink);
        } else {
          i = this.collect(chunk, i, sink);
        }
      }
    } catch (e) {
      this.fail(bad('internal', String(e)), sink);
    }
  }

  private fail(error: Incoming, sink: (packet: Incoming) => void): void {
    this.phase = FAILED;
    this.body = null;
    sink(error);
  }

  /** Remaining Length: at most four bytes, seven bits each, least significant first (§2.2.3). */
  private lengthByte(b: number, sink: (packet: Incoming) => void): void {
    this.remaining += (b & 0x7f) * this.multiplier;
    this.multiplier *= 128;
    this.lengthBytes++;
    if ((b & 0x80) === 0) this.begin(sink);
    else if (this.lengthBytes === 4) this.fail(bad('bad-length', 'Remaining Length longer than 4 bytes'), sink);
  }

  private begin(sink: (packet: Incoming) => void): void {
    const flagError = checkFlags(this.byte1);
    if (flagError) return this.fail(flagError, sink);
    this.got = 0;
    if (1 + this.lengthBytes + this.remaining > this.maxPacketSize) {
      this.phase = SKIP;
      this.peek = [-1, -1, -1, -1];
    } else if (this.remaining === 0) {
      this.finish(new Uint8Array(0), sink);
    } else {
      this.body = new Uint8Array(this.remaining);
      this.phase = BODY;
    }
  }

  private finish(body: Uint8Array, sink: (packet: Incoming) => void): void {
    this.phase = HEADER;
    this.body = null;
    const packet = parse(this.byte1, body);
    if (packet.type === 'error') this.fail(packet, sink);
    else sink(packet);
  }

  /** Body bytes from chunk[i…]: copied into the body buffer, or skipped; returns the next index. */
  private collect(chunk: Uint8Array, i: number, sink: (packet: Incoming) => void): number {
    const n = Math.min(this.remaining - this.got, chunk.length - i);
    if (this.phase === BODY) (this.body as Uint8Array).set(chunk.subarray(i, i + n), this.got);
    else if (this.byte1 >> 4 === PUBLISH) this.peekPublish(chunk, i, n);
    this.got += n;
    if (this.got < this.remaining) return i + n;
    if (this.phase === BODY) this.finish(this.body as Uint8Array, sink);
    else this.skipped(sink);
    return i + n;
  }

  /** Picks the topic length (body bytes 0–1) and packet id (the two bytes after the topic) out of a skipped chunk. */
  private peekPublish(chunk: Uint8Array, i: number, n: number): void {
    const peek = this.peek;
    const from = this.got;
    for (let k = 0; k < 4; k++) {
      if (peek[k] !== -1) continue;
      if (k === 2 && (peek[0] === -1 || peek[1] === -1)) break;
      const pos = k < 2 ? k : 2 + (((peek[0] as number) << 8) | (peek[1] as number)) + (k - 2);
      if (pos >= from && pos < from + n) peek[k] = chunk[i + pos - from] as number;
    }
  }

  private skipped(sink: (packet: Incoming) => void): void {
    const qos = this.byte1 >> 4 === PUBLISH ? (this.byte1 >> 1) & 3 : 0;
    const peek = this.peek;
    const hasId = qos > 0 && peek[2] !== -1 && peek[3] !== -1;
    this.phase = HEADER;
    sink({
      type: 'skipped',
      packetType: this.byte1 >> 4,
      size: 1 + this.lengthBytes + this.remaining,
      qos,
      packetId: hasId ? ((peek[2] as number) << 8) | (peek[3] as number) : 0,
    });
  }
}
