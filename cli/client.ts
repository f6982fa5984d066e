// A request/reply MEP client for one-off reads from the `mep` tool (`mep read --table/--all`). Continuous reading
// uses the device's MeterSession instead. Same rules: every reply's digest checked (guide p. 250; a failing one is a
// line error: the identical request again), identical retransmission on timeout, N + 1 after a 0x0C carrying N
// (guide pp. 15–16), stop on 0x0B (wrong key).
import { bytesEqual } from '../device/src/meter/bytes';
import { encodeRequest, parseReply, ParsedReply } from '../device/src/meter/frame';
import { FrameDecoder } from '../device/src/meter/frame-decoder';
import { replyDigest } from '../device/src/meter/reply-digest';
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
}

export class MepClient {
  private readonly decoder = new FrameDecoder({ kind: 'reply' });
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
        this.port.write(frame);
        timer = setTimeout(send, timeout);
      };
      this.waiting = (bytes) => {
        const parsed = parseReply(bytes);
        if (!parsed.ok) return;
        if (this.options.replyDigest !== 'off' && parsed.reply.status !== RESPONSE_AUTH_FAILURE) {
          if (!bytesEqual(replyDigest(this.options.digestKey, frame, bytes), parsed.reply.digest)) {
            this.badDigests++;
            clearTimeout(timer);
            send(); // a line error: the identical request again
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
