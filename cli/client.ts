// A request/reply MEP client for one-off reads from the `mep` tool (`mep read --table/--all`). Continuous reading
// uses the device's MeterSession instead. Same rules: every reply's digest checked (guide p. 250; a failing one is a
// line error: the identical request again), identical retransmission on timeout, N + 1 after a 0x0C carrying N
// (guide pp. 15–16), stop on 0x0B (wrong key); MEP RC4 when asked (guide pp. 256–257, device/src/meter/rc4.ts).
import { bytesEqual } from '../device/src/meter/bytes';
import { encodeRequest, parseReply, ParsedReply } from '../device/src/meter/frame';
import { FrameDecoder } from '../device/src/meter/frame-decoder';
import { replyDigest } from '../device/src/meter/reply-digest';
import { mepEncryptKey, mepRc4, rc4Crypt } from '../device/src/meter/rc4';
import { MepRequest } from '../device/src/meter/requests';
import { responseCodeInfo, RESPONSE_AUTH_FAILURE, RESPONSE_INVALID_SEQUENCE } from '../device/src/meter/result-codes';
import { tableName } from '../device/src/meter/table-ids';
import { MeterPort } from './port';

export interface ClientOptions {
  digestKey: Uint8Array;
  initialSeq?: number;
  replyTimeoutMs?: number;
  retransmissions?: number;
  /** 'enforce' (default) or 'off'. */
  replyDigest?: 'enforce' | 'off';
  /** MEP RC4 encryption (off by default). */
  rc4?: boolean;
}

export class MepClient {
  private readonly decoder: FrameDecoder;
  private readonly encKey: Uint8Array | null;
  private seq: number;
  private waiting: ((frame: Uint8Array) => void) | null = null;
  /** Replies whose digest verified / failed (the failed ones were dropped and the request sent again). */
  verified = 0;
  badDigests = 0;

  constructor(
    private readonly port: MeterPort,
    private readonly options: ClientOptions,
  ) {
    this.seq = (options.initialSeq ?? 0) >>> 0;
    this.encKey = options.rc4 ? mepEncryptKey(options.digestKey) : null;
    this.decoder = new FrameDecoder({ kind: 'reply', lengthOnly: !!options.rc4 }); // RC4 hides the reply's structure
    port.onData((chunk) => {
      for (const e of this.decoder.push(chunk)) {
        if (e.type === 'frame' && this.waiting) this.waiting(e.bytes);
      }
    });
  }

  /** Sends a request and resolves with the meter's successful or error reply (0x0C handled here). */
  async request(request: MepRequest): Promise<ParsedReply> {
    for (let resyncs = 0; resyncs <= 3; resyncs++) {
      const seq = this.seq;
      this.seq = (seq + 1) >>> 0;
      const frame = encodeRequest(request.apdu, seq, this.options.digestKey);
      const reply = await this.exchange(frame, request);
      if (reply.status === RESPONSE_INVALID_SEQUENCE) {
        this.seq = ((reply.nextSeq as number) + 1) >>> 0;
        continue;
      }
      if (reply.status === RESPONSE_AUTH_FAILURE) {
        throw new Error('the meter rejected the request (0x0B authentication failure): wrong MBK key?');
      }
      return reply;
    }
    throw new Error(`the meter kept rejecting the sequence number (0x0C) for ${tableName(request.table)}`);
  }

  /** Reads table data; error replies become exceptions with the response code's meaning. */
  async read(request: MepRequest): Promise<Uint8Array> {
    const reply = await this.request(request);
    if (reply.status !== 0 || !reply.data) {
      const info = responseCodeInfo(reply.status);
      throw new Error(`${tableName(request.table)}: ${info.meaning} (0x${reply.status.toString(16).padStart(2, '0')})`);
    }
    return reply.data;
  }

  private exchange(frame: Uint8Array, request: MepRequest): Promise<ParsedReply> {
    // RC4: APDU ‖ SEQ go encrypted, LEN and the plaintext's digest in clear; the stream goes on into the reply.
    let wire = frame;
    let stream: Uint8Array | null = null;
    if (this.encKey) {
      stream = mepRc4(this.encKey, frame.subarray(frame.length - 8));
      wire = new Uint8Array(frame);
      rc4Crypt(stream, wire, 2, wire.length - 8);
    }
    // The whole reply: the guide's 500 ms to its first bytes plus up to ~600 ms of a 476-byte reply at 9600 baud.
    const timeout = this.options.replyTimeoutMs ?? 1500;
    const tries = 1 + (this.options.retransmissions ?? 3);
    return new Promise((resolve, reject) => {
      let sent = 0;
      let timer: NodeJS.Timeout | undefined;
      const finish = (err: Error | null, reply?: ParsedReply) => {
        clearTimeout(timer);
        this.waiting = null;
        if (err) reject(err);
        else resolve(reply as ParsedReply);
      };
      const send = () => {
        if (sent >= tries) {
          finish(new Error(`no reply from the meter to ${tableName(request.table)} after ${sent} tries: is the MEP port enabled and the cable connected?`));
          return;
        }
        sent++;
        this.port.write(wire);
        timer = setTimeout(send, timeout);
      };
      this.waiting = (raw) => {
        let bytes = raw;
        if (stream && !(raw.length === 11 && raw[2] === RESPONSE_AUTH_FAILURE)) {
          bytes = new Uint8Array(raw); // a 0x0B comes in clear (guide p. 256)
          rc4Crypt(new Uint8Array(stream), bytes, 2, bytes.length - 8);
        }
        const parsed = parseReply(bytes);
        if (!parsed.ok) return;
        if (this.options.replyDigest !== 'off' && parsed.reply.status !== RESPONSE_AUTH_FAILURE) {
          if (!bytesEqual(replyDigest(this.options.digestKey, frame, bytes), parsed.reply.digest)) {
            this.badDigests++;
            clearTimeout(timer);
            // A line error: the identical request again, 100 ms after the reply (guide p. 21: the meter throttles
            // requests closer than that).
            timer = setTimeout(send, 100);
            return;
          }
          this.verified++;
        }
        finish(null, parsed.reply);
      };
      send();
    });
  }
}
