// The meter simulator (spec §15): a MEP server that parses requests by LEN, checks the digest (0x0B) and the
// sequence window (0x0C), executes table reads/writes and procedures, and answers with exactly one reply frame
// (spec §3.2) signed as the guide signs replies (reply.ts). Alerts (00 00, spec §3.4/§13) can be raised at any time.
// Output goes to onSend / the 'data' event; transports (TCP, stdio, serial) only move bytes.
import { EventEmitter } from 'events';
import { bytesEqual } from '../../src/meter/bytes';
import { omaDigest } from '../../src/meter/digest';
import { FrameDecoder, type FrameEvent } from '../../src/meter/frame-decoder';
import { parseRequestFrame } from '../../src/meter/frame';
import { parseMbk } from '../../src/meter/key';
import { mepEncryptKey, mepRc4, rc4Crypt } from '../../src/meter/rc4';
import { CMD_FULL_READ } from '../../src/meter/requests';
import { RESPONSE_AUTH_FAILURE, RESPONSE_INVALID_SEQUENCE } from '../../src/meter/result-codes';
import { BT23 } from '../../src/meter/table-ids';
import { IDENTITY_CIPHER } from './cipher-types';
import { DEFAULT_COMMAND_OPTIONS, executeApdu, type CommandContext } from './commands';
import { FaultEngine, type FaultOptions, type OneShotFault } from './faults';
import type { AlertPosition, MeterSimulatorOptions, RequestOutcome, RequestRecord, RequestSpacing } from './options';
import { SimLoadProfile } from './load-profile';
import { LoadModel, MeterPhysics } from './physics';
import { Rng } from './prng';
import { ProcedureEngine } from './procedures';
import { profileByName, type MeterProfile } from './profiles';
import { buildReply, invalidSequencePayload, statusPayload, type ReplyDigestMode } from './reply';
import { SequenceWindow } from './sequence';
import { TableStore } from './table-store';
import { HealthMonitor } from './health';
import { et14Image, traitsOf } from './guide-tables';
import { ET14 } from '../../src/meter/table-ids';
import { REAL_TIMERS, Transmitter, type SimTimers } from './transmitter';

const ALERT = new Uint8Array([0, 0]);

export class MeterSimulator extends EventEmitter {
  readonly profile: MeterProfile;
  readonly tables: TableStore;
  readonly physics: MeterPhysics;
  /** The load profile and outage log (load-profile.ts); null when options.loadProfile is false. */
  readonly loadProfile: SimLoadProfile | null = null;
  readonly procedures: ProcedureEngine;
  readonly faults: FaultEngine;
  readonly transmitter: Transmitter;
  private readonly key: Uint8Array;
  /** MEP RC4's mep_EncryptKey for this key (guide p. 257). */
  private readonly encKey: Uint8Array;
  private readonly rng: Rng;
  private readonly window: SequenceWindow;
  /** Requests are cut by LEN alone: an RC4-encrypted request has no visible structure (guide p. 256). */
  private readonly decoder = new FrameDecoder({ kind: 'request', lengthOnly: true });
  private readonly timers: SimTimers;
  private readonly clock: () => number;
  private readonly clock0: number;
  private readonly start: number;
  private readonly timeScale: number;
  private readonly replyDigest: ReplyDigestMode;
  private readonly ctx: CommandContext;
  private readonly turnaroundMs: number;
  private readonly interByteMs: number;
  private readonly spacing: RequestSpacing;
  private readonly minGapMs: number;
  /** Requests that came closer than minRequestGapMs after the previous reply (guide p. 21). */
  tooSoon = 0;
  /** ET51 "Monitor MEP Health" (profile 'watchdog'): null when off. Runs on simulated time. */
  readonly health: HealthMonitor | null;
  private enabledLine: boolean;
  private portDisabled: boolean;
  private idleTimer: unknown = null;
  private alertTimer: unknown = null;
  private pendingReply = 0;
  private armed = { before: 0, after: 0 };
  /** 'throttle': the reply to a request that came too soon leaves ≥ minRequestGapMs after the previous one. */
  private throttled = false;
  private closed = false;

  constructor(options: MeterSimulatorOptions) {
    super();
    const parsed = parseMbk(options.key);
    if (!parsed.ok) throw new Error(`meter key rejected: ${parsed.message}`);
    this.key = parsed.digestKey;
    this.encKey = mepEncryptKey(this.key);
    const seed = options.seed ?? 0x5eed;
    this.rng = new Rng(seed);
    const seqRng = this.rng.fork(1);
    this.faults = new FaultEngine(this.rng.fork(2), options.faults);
    this.profile = profileByName(options.profile ?? 'three-phase');
    this.clock = options.clock ?? Date.now;
    this.clock0 = this.clock();
    this.start = options.startTime ?? this.clock0;
    this.timeScale = options.timeScale ?? 1;
    if (!(this.timeScale > 0)) throw new Error('timeScale must be > 0');
    const model = new LoadModel({ seed, ...this.profile.physics, ...options.physics });
    this.physics = new MeterPhysics(model, this.start, this.profile.initial);
    this.tables = new TableStore(this.profile, options.bt21Variant ?? 'A', options.values ?? 'live', this.physics, () =>
      this.simTime(),
    );
    if (options.loadProfile !== false) {
      // The profile counts in the meter's energy unit, like BT23 (ct-10wh: 10 Wh).
      const unit = traitsOf(this.profile).energyUnitWh;
      this.loadProfile = new SimLoadProfile(this.physics, () => this.simTime(), { energyUnitWh: unit, ...options.loadProfile });
      this.tables.extra = this.loadProfile;
    }
    this.procedures = new ProcedureEngine(this.tables, options.procedures);
    const traits = traitsOf(this.profile);
    this.health = traits.healthTimeoutS === null ? null : new HealthMonitor(traits.healthTimeoutS, this.simTime());
    const entries = traits.port === 2 ? 6 : 5;
    this.tables.beforeRead = (table) => {
      const h = this.health;
      if (table === ET14 && h) this.tables.set(ET14, et14Image(traits.port, entries, h.status(this.simTime()), h.alarmWord(this.simTime())));
    };
    this.ctx = {
      store: this.tables,
      procedures: this.procedures,
      cipher: options.cipher ?? IDENTITY_CIPHER,
      options: { ...DEFAULT_COMMAND_OPTIONS, ...options.commands },
    };
    this.window = new SequenceWindow(options.initialSeq ?? seqRng.u32(), options.seqMode ?? 'window');
    this.replyDigest = options.replyDigest ?? 'guide';
    this.timers = options.timers ?? REAL_TIMERS;
    const pacing = options.pacing ?? 'instant';
    this.turnaroundMs = options.turnaroundMs ?? (pacing === 'realtime' ? 20 : 0);
    this.interByteMs = options.interByteTimeoutMs ?? 50;
    this.spacing = options.requestSpacing ?? (pacing === 'realtime' ? 'throttle' : 'off');
    this.minGapMs = options.minRequestGapMs ?? 100;
    this.transmitter = new Transmitter({
      pacing,
      baudRate: options.baudRate ?? 9600,
      bitsPerByte: 10,
      uartChunkMs: options.uartChunkMs ?? 10,
      segmentPauseMs: options.segmentPauseMs ?? 25,
      timers: this.timers,
      emit: (bytes) => this.emitBytes(bytes),
    });
    this.enabledLine = options.enabled ?? true;
    this.portDisabled = options.mepPortDisabled ?? false;
    if (options.onSend) this.on('data', options.onSend);
    if (options.alertIntervalMs) this.startAlertTimer(options.alertIntervalMs);
  }

  /** The health watchdog has fired (its alarm is latched; guide pp. 20, 85); false without a watchdog. */
  healthAlarm(): boolean {
    return !!this.health && this.health.alarmWord(this.simTime()) !== 0;
  }

  /** Simulated time, ms since the epoch (accelerated by timeScale). */
  simTime(): number {
    return this.start + (this.clock() - this.clock0) * this.timeScale;
  }

  get expectedSeq(): number {
    return this.window.expected;
  }
  set expectedSeq(v: number) {
    this.window.expected = v;
  }

  get enabled(): boolean {
    return this.enabledLine;
  }

  /** ENABLE line (spec §2): without it the meter's TXD driver is unpowered, so nothing reaches the client and
   *  whatever was queued is lost. The meter still hears and executes requests [INFERRED]. */
  setEnabled(on: boolean): void {
    this.enabledLine = on;
    if (!on) this.transmitter.clear();
  }

  /** Utility-side MEP port disable (spec §14): no bytes at all, requests ignored. */
  setMepPortDisabled(disabled: boolean): void {
    this.portDisabled = disabled;
    if (disabled) this.transmitter.clear();
  }

  setFaults(partial: Partial<FaultOptions>): void {
    this.faults.update(partial);
  }

  /** The next `count` authenticated requests get `code` instead of being executed (0x0C carries expectedSeq - 1, the meter's last number). */
  injectReplyCode(code: number, count = 1): void {
    this.faults.injectReplyCode(code, count);
  }

  injectFault(kind: OneShotFault, count = 1): void {
    this.faults.inject(kind, count);
  }

  /** Uplink activity: the expected sequence number moves on by `increment` (spec §5). */
  bumpSequence(increment = 1): void {
    this.window.bump(increment);
  }

  /** Bytes from the client, in any chunking. */
  receive(bytes: Uint8Array): void {
    if (this.closed) return;
    this.handleEvents(this.decoder.push(bytes));
    if (this.idleTimer !== null) this.timers.clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.decoder.buffered() > 0) {
      this.idleTimer = this.timers.setTimeout(() => {
        this.idleTimer = null;
        this.flushInput();
      }, this.interByteMs);
    }
  }

  /** The line went quiet: an incomplete request is noise (what the inter-byte timer does). */
  flushInput(): void {
    this.handleEvents(this.decoder.idle());
  }

  /** Drops any partial request (e.g. when a new TCP client connects). */
  resetInput(): void {
    this.decoder.reset();
  }

  /** Raises an alert: 'now', or glued before/after the pending (else the next) reply frame (spec §15.7). */
  alert(position: AlertPosition = 'now'): boolean {
    if (!this.canTransmit()) return false;
    this.emit('alert', position);
    const pending = this.pendingReply && this.transmitter.isPending(this.pendingReply) ? this.pendingReply : 0;
    if (position === 'now') this.transmitter.enqueue(ALERT, { urgent: true });
    else if (position === 'before-reply') {
      if (!pending || !this.transmitter.insertBefore(pending, ALERT)) this.armed.before++;
    } else if (!pending || !this.transmitter.insertAfter(pending, ALERT)) this.armed.after++;
    return true;
  }

  /** Resolves when everything queued for transmission has been sent. */
  drain(): Promise<void> {
    return this.transmitter.drain();
  }

  close(): void {
    this.closed = true;
    if (this.idleTimer !== null) this.timers.clearTimeout(this.idleTimer);
    if (this.alertTimer !== null) this.timers.clearTimeout(this.alertTimer);
    this.idleTimer = this.alertTimer = null;
    this.transmitter.clear();
    this.emit('close');
  }

  private startAlertTimer(ms: number): void {
    const tick = (): void => {
      this.alert('now');
      this.alertTimer = this.timers.setTimeout(tick, ms);
    };
    this.alertTimer = this.timers.setTimeout(tick, ms);
  }

  private canTransmit(): boolean {
    return this.enabledLine && !this.portDisabled && !this.faults.options.silence && !this.closed;
  }

  private emitBytes(bytes: Uint8Array): void {
    if (this.canTransmit()) this.emit('data', bytes);
  }

  private handleEvents(events: FrameEvent[]): void {
    for (const e of events) if (e.type === 'frame') this.handleFrame(e.bytes);
  }

  private handleFrame(frame: Uint8Array): void {
    let req = parseRequestFrame(frame);
    if (!req) return; // LEN < 13 or inconsistent (spec §15.2)
    // Encryption is per message, nothing to configure (guide p. 11): the meter checks the digest; if that fails it
    // decrypts (MEP RC4, guide pp. 256–257) and checks again. An encrypted request gets an encrypted reply.
    let plain = frame;
    let stream: Uint8Array | null = null;
    if (!bytesEqual(omaDigest(this.key, req.signed), req.digest)) {
      const st = mepRc4(this.encKey, req.digest);
      const copy = new Uint8Array(frame);
      rc4Crypt(st, copy, 2, copy.length - 8);
      const decrypted = parseRequestFrame(copy)!;
      if (bytesEqual(omaDigest(this.key, decrypted.signed), decrypted.digest)) {
        req = decrypted;
        plain = copy;
        stream = st;
      }
    }
    const request = req;
    const rec: RequestRecord = {
      seq: request.seq, apdu: request.apdu.slice(), outcome: 'ignored', status: null, reply: null, sent: false, expectedAfter: 0,
      encrypted: !!stream,
    };
    const done = (outcome: RequestOutcome, body?: Uint8Array): void => {
      rec.outcome = outcome;
      if (body) {
        rec.status = body[0] as number;
        // Signed over the plaintexts; then encrypted by the continuing stream, except a 0x0B (sent in clear, p. 256).
        rec.reply = buildReply(body, plain, this.key, this.replyDigest, this.rng);
        if (stream && rec.status !== RESPONSE_AUTH_FAILURE) rc4Crypt(stream, rec.reply, 2, rec.reply.length - 8);
        if (outcome === 'executed' && this.faults.replyLostAfterExecute()) this.emit('fault', 'dropExecute');
        else rec.sent = this.send(rec.reply);
      }
      rec.expectedAfter = this.window.expected;
      this.emit('request', rec);
    };
    if (this.portDisabled || this.faults.options.silence) return done('ignored');
    this.throttled = false;
    const wait = this.spacingWait();
    if (wait > 0) {
      this.tooSoon++;
      this.emit('fault', 'tooSoon');
      if (this.spacing === 'ignore') return done('too-soon');
      this.throttled = true;
    }
    if (this.faults.requestLost()) {
      this.emit('fault', 'drop');
      return done('lost');
    }
    // Digest over APDU || SEQ with first16(MBK) (spec §4.4); a mismatch leaves `expected` unchanged (spec §5).
    if (!bytesEqual(omaDigest(this.key, request.signed), request.digest)) return done('auth-failure', statusPayload(RESPONSE_AUTH_FAILURE));
    if (this.health) this.health.ok(this.simTime()); // authenticated: a successful request for the watchdog (p. 20)
    const bump = this.faults.seqBump();
    if (bump) {
      this.window.bump(bump);
      this.emit('fault', 'seqBump');
    }
    const override = this.faults.replyCodeOverride();
    if (override !== null) {
      this.emit('fault', 'replyCode');
      return done('reply-code-override', this.codePayload(override));
    }
    const apdu = request.apdu;
    if (this.faults.options.fullBt23Unsupported && apdu[0] === CMD_FULL_READ && ((apdu[1]! << 8) | apdu[2]!) === BT23) {
      this.emit('fault', 'fullBt23');
      return done('bt23-refused', this.codePayload(this.faults.options.fullBt23Code));
    }
    if (!this.window.accepts(request.seq)) return done('bad-sequence', invalidSequencePayload(this.window.last));
    this.window.accept(request.seq);
    const result = executeApdu(apdu, request.seq, this.ctx);
    if (result.procedure) {
      rec.procedure = result.procedure;
      this.emit('procedure', result.procedure);
    }
    done('executed', statusPayload(result.status, result.status === 0 ? result.data : undefined));
  }

  /** How much earlier than allowed this request came (guide p. 21: at most one request per 100 ms; measured from the
   *  end of the previous reply, or a whole gap while a reply is still on the wire); 0 when in time or 'off'. */
  private spacingWait(): number {
    if (this.spacing === 'off') return 0;
    if (!this.transmitter.idle()) return this.minGapMs;
    return Math.max(0, this.transmitter.lastEndAt + this.minGapMs - this.timers.now());
  }

  private codePayload(code: number): Uint8Array {
    return code === RESPONSE_INVALID_SEQUENCE ? invalidSequencePayload(this.window.last) : statusPayload(code);
  }

  /** Hands a reply to the transmitter with the byte-level faults, delays and any armed alerts. */
  private send(frame: Uint8Array): boolean {
    if (!this.canTransmit()) return false;
    const { bytes, applied } = this.faults.mangle(frame);
    for (const name of applied) this.emit('fault', name);
    const delay = this.faults.extraDelay();
    if (delay.late) this.emit('fault', 'late');
    const extra = this.faults.alertWithReply();
    const before = this.armed.before + (extra === 'before' ? 1 : 0);
    const after = this.armed.after + (extra === 'after' ? 1 : 0);
    this.armed = { before: 0, after: 0 };
    const out = new Uint8Array((before + after) * 2 + bytes.length);
    out.set(bytes, before * 2); // alerts are zero bytes already
    const gapMs = this.throttled ? this.minGapMs : 0;
    this.throttled = false;
    this.pendingReply = this.transmitter.enqueue(out, {
      gapMs,
      delayMs: this.turnaroundMs + delay.ms,
      chunks: this.faults.chunkSizes(out.length),
    });
    return true;
  }
}
