// The meter session: a state machine with no I/O and no timers of its own (architecture C6). Its driver feeds it
// frames, alerts, elapsed time and link-ready signals, and carries out the commands it returns. It owns sequence
// numbers (spec §5; guide p. 11), retries and back-off (spec §14: bounded, never a reboot), reply verification (guide
// p. 250), the start-up reads, periodic polling, alerts (read and logged only: a pure reader, guide p. 22) and the
// user-facing link status. It never writes to the meter: no registration (ET50), no EP39 with invented data.
import { bytesEqual } from './bytes';
import { CycleTimes, T_BUILD, T_DECODE, T_VERIFY } from './cycle-time';
import { encodeRequest, MAX_TABLE_DATA, parseReply, ParsedReply } from './frame';
import { mepEncryptKey, mepRc4, rc4Crypt } from './rc4';
import { replyDigest } from './reply-digest';
import { partialRead } from './requests';
import { isTransientCode, responseCodeInfo, RESPONSE_AUTH_FAILURE, RESPONSE_INVALID_SEQUENCE, RESPONSE_OK } from './result-codes';
import { PollSchedule, POLL_ENERGY } from './poll-schedule';
import { clockJob, configJobs, job as newJob, Job, pollJobs, probeJob, REFERENCE_IDENTITY_TABLES } from './session-jobs';
import { LinkState, LinkStatus, SessionCommand, SessionOptions, SessionStats } from './session-types';
import { SessionTables } from './session-tables';
import { BT20, BT28, ET11, ET13, ET70, tableName } from './table-ids';

type Phase = 'stopped' | 'link-reset' | 'ready' | 'awaiting' | 'waiting';
type WaitReason = 'backoff' | 'retry' | 'auth' | 'gap';

/** Sequence numbers are persisted in blocks so flash is not written for every request (espruino.md §2.2). */
const SEQUENCE_RESERVE = 256;
/** How long a reply that has started arriving may take: a 525-byte frame needs ~550 ms at 9600 baud. */
const RECEIVING_GRACE_MS = 700;
/** A 0x0C whose number is this far past the last one the meter accepted from us is the meter's deliberate +25 after
 *  an interface change (ET04 IDT version, ET42): dimension tables must be read again (guide pp. 54–55). */
const IDT_JUMP = 25;

/** What each link state means for the user. Built inside a function: a top-level table would be resident (~70
 *  JsVars on Espruino), string literals in a function body exist only while it runs. */
function messageOf(state: string): string {
  const messages: { [state: string]: string } = {
    starting: 'Connecting to the meter.',
    online: 'Reading the meter.',
    'no-reply':
      'The meter does not answer: is the MEP port enabled by your utility, and is the module plugged in firmly?',
    garbled: 'Bytes arrive from the meter but never a valid reply: check the wiring and the serial settings (9600 8N1).',
    'auth-failed': 'The meter rejects every request (authentication failure 0x0B): the MBK key is wrong.',
    busy: 'The meter reports that it is busy; retrying.',
    'sequence-error': 'The meter keeps rejecting our sequence numbers (0x0C); retrying with back-off.',
    loopback: 'Our request came back unchanged: TX and RX are connected to each other.',
  };
  return messages[state] as string;
}

export class MeterSession {
  private readonly o: Required<Omit<SessionOptions, 'rc4' | 'maxReplyLength' | 'decoders' | 'cycleTimes'>>;
  private readonly maxReplyLength: number | null;
  /** RC4 (rc4.ts): mep_EncryptKey when on, else null (the poller then cuts replies by LEN alone). */
  readonly encKey: Uint8Array | null;
  /** Every reply's digest is checked (guide p. 250) unless the documented switch turns it off. */
  private readonly verify: boolean;
  /** Decoding context, and what the start-up reads learned: the MEP port (1/2) and the energy unit. */
  readonly tables: SessionTables;
  private readonly cycle: CycleTimes | null;
  /** Alert handling: 0 none running, else the entry size E read from ET11 (-1 until then). */
  private alertEntry = 0;
  /** The meter's own number as far as we know: the SEQ of our last request it answered (not 0x0B/0x0C), or the N
   *  of its last 0x0C; -1 unknown. */
  private meterSeq = -1;
  private phase: Phase = 'stopped';
  private waitReason: WaitReason = 'retry';
  private deadline = -1;
  /** Latest the deadline of the outstanding request may be pushed to by arriving bytes (line noise must not keep
   *  a request waiting forever). */
  private hardDeadline = -1;
  /** Our own request came back since the last send (TX wired to RX). */
  private echoed = false;
  /** Consecutive sequence-error waits, for their exponential back-off (reset by any successful reply). */
  private sequenceErrors = 0;
  private queue: Job[] = [];
  private current: Job | null = null;
  private seq: number;
  private reservedUpTo: number;
  private configured = false;
  private linkFailures = 0;
  private authFailures = 0;
  private bytesSinceReply = 0;
  /** No request before this: the meter serves at most one request per 100 ms (guide p. 21). */
  private quietUntil = 0;
  /** When polls fall due and the one-read-per-second budget (poll-schedule.ts). */
  private readonly schedule: PollSchedule;
  /** A routine read is queued but the budget or the quiet time holds it until then. */
  private holdUntil = 0;
  /** pause(): no request goes out before this (clock ms). */
  private pausedUntil = 0;
  private nextClockAt = 0;
  private state: LinkState = 'starting';
  private stateSince = 0;
  private out: SessionCommand[] = [];
  readonly stats: SessionStats;

  constructor(options: SessionOptions) {
    this.o = {
      digestKey: options.digestKey,
      identityTables: options.identityTables || REFERENCE_IDENTITY_TABLES,
      initialSeq: (options.initialSeq || 0) >>> 0,
      pollIntervalMs: options.pollIntervalMs || 2000,
      replyTimeoutMs: options.replyTimeoutMs || 500,
      requestGapMs: options.requestGapMs === undefined ? 100 : options.requestGapMs,
      retransmissions: options.retransmissions === undefined ? 3 : options.retransmissions,
      maxSequenceResyncs: options.maxSequenceResyncs || 3,
      authFailureLimit: options.authFailureLimit || 3,
      authRetryMs: options.authRetryMs || 300000,
      backoffInitialMs: options.backoffInitialMs || 2000,
      backoffMaxMs: options.backoffMaxMs || 60000,
      busyRetryMs: options.busyRetryMs || 1000,
      clockIntervalMs: options.clockIntervalMs || 60000,
      replyDigest: options.replyDigest || 'enforce',
      baudRate: options.baudRate || 9600,
    };
    this.maxReplyLength = options.maxReplyLength === undefined ? MAX_TABLE_DATA : options.maxReplyLength;
    this.encKey = options.rc4 ? mepEncryptKey(options.digestKey) : null;
    this.cycle = options.cycleTimes || null;
    this.verify = this.o.replyDigest !== 'off';
    this.tables = new SessionTables(options.decoders);
    this.schedule = new PollSchedule(this.o.pollIntervalMs);
    this.seq = this.o.initialSeq;
    this.reservedUpTo = this.seq;
    this.stats = {
      requests: 0, replies: 0, timeouts: 0, retransmissions: 0, linkResets: 0, sequenceResyncs: 0, authFailures: 0,
      busyReplies: 0, errorReplies: 0, discardedBytes: 0, unexpectedFrames: 0, staleReplies: 0, decodeErrors: 0,
      badDigests: 0, alerts: 0, alertChainsCompleted: 0, alertChainsFailed: 0, pollCycles: 0,
    };
  }

  // ---- inputs from the driver ---------------------------------------------------------------------------------

  /** Powers the link up (spec §2 power-up sequence, done by the driver) and starts reading. */
  start(now: number): SessionCommand[] {
    this.emitStatus('starting', now, true);
    this.resetLink();
    return this.flush();
  }

  /** The driver finished a link reset / power-up. */
  linkReady(now: number): SessionCommand[] {
    if (this.phase === 'link-reset') {
      this.phase = 'ready';
      if (!this.configured) this.queueStartup();
      this.pump(now);
    }
    return this.flush();
  }

  /** Raw bytes (not alerts) arrived: proves the line is alive and a reply may be on its way. */
  bytesArrived(count: number, now: number): void {
    this.bytesSinceReply += count;
    if (this.phase === 'awaiting' && this.deadline < now + RECEIVING_GRACE_MS) {
      this.deadline = Math.min(now + RECEIVING_GRACE_MS, this.hardDeadline);
    }
  }

  discarded(count: number): void {
    this.stats.discardedBytes += count;
  }

  /** An unsolicited 00 00 from the meter (spec §3.4). We never register (ET50), so a meter only alerts when someone
   *  else registered the port: the MEP entry's alert flags are read (ET11 byte 1 = entry size E, then ET13 byte
   *  4E+8) and logged, nothing is serviced and nothing is posted (guide pp. 22, 36; addendum §13). */
  alert(now: number): SessionCommand[] {
    this.stats.alerts++;
    this.bytesSinceReply = Math.max(0, this.bytesSinceReply - 2); // a valid frame, not noise
    if (!this.alertEntry) {
      this.alertEntry = -1;
      this.queue.unshift(newJob('alert', partialRead(ET11, 1, 1)));
    }
    if (this.phase === 'ready') this.pump(now);
    return this.flush();
  }

  /** Poll at once instead of at the next poll time (a user's "poll now", the end of a pause). */
  pollNow(now: number): SessionCommand[] {
    if (this.pausedUntil) {
      // The end of a pause: what waited (the identification's reads too) goes now.
      this.pausedUntil = 0;
      this.holdUntil = 0;
    }
    if (this.configured) this.schedule.start(now);
    if (this.phase === 'ready') this.pump(now);
    return this.flush();
  }

  /** No requests before `until` (clock ms) while an update is installed: behind a download they would only time out,
   *  and the meter's identification (at boot, or after a link reset) needs ~1,000 JsVars on top of the update's
   *  (measured on the interpreter, issue 9). A request already out is answered as usual; pollNow() ends the pause.
   *  The caller keeps it under a minute: a meter that monitors MEP health alarms after 60 s without a request
   *  (guide pp. 20, 128). */
  pause(until: number): void {
    this.pausedUntil = until;
  }

  /** A partial read for the add-on (cmd/read, issue 13), queued behind the jobs already waiting so it goes between
   *  regular polls; answered by a 'raw' command (bytes undecoded) or a 'raw' failure. The caller allows one at a time. */
  raw(table: number, offset: number, count: number, now: number): SessionCommand[] {
    this.queue.push(newJob('raw', partialRead(table, offset, count)));
    if (this.phase === 'ready') this.pump(now);
    return this.flush();
  }

  /** Time passed; call when nextDeadline() is reached (calling early is harmless). */
  tick(now: number): SessionCommand[] {
    if (this.phase === 'awaiting' && now >= this.deadline) {
      this.stats.timeouts++;
      this.lineError(now);
    }
    else if (this.phase === 'waiting' && now >= this.deadline) this.endWait(now);
    else if (this.phase === 'ready') this.pump(now);
    return this.flush();
  }

  /** When the driver should call tick() next (clock ms), or -1 when only an input can move the session on. */
  nextDeadline(): number {
    if (this.phase === 'awaiting' || this.phase === 'waiting') return this.deadline;
    if (this.phase !== 'ready') return -1;
    const at = this.queue.length ? this.holdUntil : this.configured ? Math.min(this.schedule.nextAt, this.nextClockAt) : -1;
    return at >= 0 && at < this.pausedUntil ? this.pausedUntil : at;
  }

  linkState(): LinkState {
    return this.state;
  }

  status(): LinkStatus {
    return { state: this.state, message: messageOf(this.state), since: this.stateSince };
  }

  /** The next sequence number the session will use (for diagnostics and persistence). */
  nextSequence(): number {
    return this.seq;
  }

  frame(bytes: Uint8Array, now: number): SessionCommand[] {
    this.quietUntil = now + this.o.requestGapMs;
    const job = this.current;
    if (this.phase !== 'awaiting' || !job) {
      this.stats.unexpectedFrames++;
      this.log('debug', `reply while no request is outstanding (${bytes.length} bytes): dropped (spec 3.5, rule 5)`);
      return this.flush();
    }
    if (job.frame && bytesEqual(bytes, job.frame)) {
      this.echoed = true;
      this.emitStatus('loopback', now);
      return this.flush();
    }
    const c = this.cycle;
    const t0 = c ? c.now() : 0;
    let reply = bytes;
    if (job.rc4) {
      reply = new Uint8Array(bytes); // decrypted by the stream that encrypted the request (guide p. 256)
      rc4Crypt(new Uint8Array(job.rc4), reply, 2, reply.length - 8);
    }
    let parsed = parseReply(reply);
    // Every reply is verified, 0x0C included (before its number is adopted). 0x0B is taken unverified: the guide does
    // not say which key signs it (addendum §A); it only ever counts as an authentication failure.
    let bad =
      this.verify && parsed.ok && (!!job.rc4 || parsed.reply.status !== RESPONSE_AUTH_FAILURE) &&
      !bytesEqual(replyDigest(this.o.digestKey, job.plain || (job.frame as Uint8Array), reply), parsed.reply.digest);
    if (job.rc4 && (bad || !parsed.ok) && bytes.length === 11 && bytes[2] === RESPONSE_AUTH_FAILURE) {
      parsed = parseReply(bytes); // a 0x0B travels in clear (guide p. 256)
      bad = false;
    }
    if (c) c.add(T_VERIFY, t0);
    if (!parsed.ok) {
      this.stats.decodeErrors++;
      this.log('warn', `malformed reply dropped: ${parsed.message}`);
    } else if (bad) {
      // A line error, never a reading: discard it and resend the identical request (guide p. 21, addendum §A).
      this.stats.badDigests++;
      this.log('warn', `${tableName(job.request.table)} reply digest does not verify: dropped, request sent again`);
      this.lineError(now);
    } else {
      this.onReply(job, parsed.reply, now);
    }
    return this.flush();
  }

  // ---- replies ------------------------------------------------------------------------------------------------

  private onReply(job: Job, reply: ParsedReply, now: number): void {
    const status = reply.status;
    if (status === RESPONSE_AUTH_FAILURE) {
      this.onAuthFailure(job, now); // changes nothing else (addendum §A)
      return;
    }
    if (!this.verify && status === RESPONSE_OK && !this.correlates(job, reply)) {
      // Unverified replies only: one that does not fit this request (a late answer to an earlier frame, spec §17 #2).
      // A verified digest binds the reply to this very request, SEQ included.
      this.stats.staleReplies++;
      this.log('warn', `reply does not fit the ${tableName(job.request.table)} request (stale or duplicated): dropped`);
      return;
    }
    this.stats.replies++;
    this.bytesSinceReply = 0;
    this.linkFailures = 0;
    this.authFailures = 0;
    if (status === RESPONSE_INVALID_SEQUENCE) {
      this.onSequence(job, reply.nextSeq as number, now);
      return;
    }
    this.meterSeq = job.seq;
    if (status === RESPONSE_OK) {
      this.sequenceErrors = 0;
      this.onOk(job, reply, now);
    } else if (isTransientCode(status)) this.onBusy(job, status, now);
    else this.failJob(job, `${tableName(job.request.table)}: ${responseCodeInfo(status).meaning} (0x${status.toString(16)})`, now);
  }

  /** The only correlation a reply allows (spec §3.2: no sequence number): its shape must fit the request. */
  private correlates(job: Job, reply: ParsedReply): boolean {
    const kind = job.request.kind;
    if (kind === 'full-read') return !!reply.data;
    if (kind === 'partial-read') return !!reply.data && reply.data.length === job.request.count;
    return !reply.data;
  }

  private onOk(job: Job, reply: ParsedReply, now: number): void {
    const c = this.cycle;
    const t0 = c ? c.now() : 0;
    const data = reply.data;
    this.current = null;
    this.phase = 'ready';
    if (job.purpose === 'alert') {
      const first = data && data.length ? (data[0] as number) : 0;
      if (job.request.table === ET11 && first) {
        this.alertEntry = first;
        // The MEP entry: 4 for MEP1, 5 for MEP2 (guide p. 80).
        this.queue.unshift(newJob('alert', partialRead(ET13, (this.tables.port === 2 ? 5 : 4) * first + 8, 1)));
      } else {
        this.endAlert(job.request.table === ET13, `meter alert flags 0x${first.toString(16)} (logged; not serviced: not registered)`);
      }
    } else if (job.purpose === 'config' && job.request.kind === 'partial-read') {
      // ET70.142, BT20.7, ET55's energy unit (queueStartup): one byte each; BT20 tells where ET55's byte is.
      const next = this.tables.meterByte(job.request.table, data && data.length ? (data[0] as number) : 0);
      if (next) this.queue.unshift(newJob('config', next));
    } else if (job.purpose === 'raw') {
      this.out.push({ type: 'raw', data: data || new Uint8Array(0), message: '' });
    } else if (data) {
      const emitted = this.tables.accept(job.request, data, now);
      if (c) c.add(T_DECODE, t0);
      if (emitted.ok) this.out.push(emitted.command);
      else {
        this.stats.decodeErrors++;
        this.log('warn', emitted.message);
      }
      if (job.purpose === 'poll' || job.purpose === 'clock') this.emitStatus('online', now);
      if (job.purpose === 'poll' && job.request.table === BT28) {
        this.stats.pollCycles++;
        if (c) c.decoded();
      }
    }
    this.jobDone(job, now);
  }

  /** A (verified) 0x0C carrying N: the meter's last number is N, so the next request uses N + 1 (guide pp. 15–16). */
  private onSequence(job: Job, nextSeq: number, now: number): void {
    this.stats.sequenceResyncs++;
    this.seq = (nextSeq + 1) >>> 0;
    job.resyncs++;
    const jump = (nextSeq - this.meterSeq) | 0;
    const known = this.configured && this.meterSeq >= 0;
    this.meterSeq = nextSeq;
    if (known && jump >= IDT_JUMP) {
      // The meter's interface changed (guide pp. 54–55): read the dimension tables again before decoding anything.
      this.log('info', 'meter sequence number jumped by ' + jump + ': its interface changed, reading its dimensions again');
      this.configured = false;
      this.current = null;
      this.phase = 'ready';
      this.queueStartup();
      this.pump(now);
      return;
    }
    if (job.resyncs > this.o.maxSequenceResyncs) {
      job.resyncs = 0;
      this.sequenceErrors++;
      this.emitStatus('sequence-error', now);
      this.waitThenRetry(job, this.exponential(this.sequenceErrors), now);
      return;
    }
    this.rebuildAndSend(job, now);
  }

  private onAuthFailure(job: Job, now: number): void {
    this.stats.authFailures++;
    this.authFailures++;
    if (this.authFailures < this.o.authFailureLimit) {
      this.rebuildAndSend(job, now); // one corrupted frame also gives 0x0B: try again with a fresh frame
      return;
    }
    this.emitStatus('auth-failed', now);
    this.log('error', 'authentication failure persists: stopped polling; the MBK key must be corrected');
    this.abortAll('wrong MBK key');
    this.configured = false;
    this.phase = 'waiting';
    this.waitReason = 'auth';
    this.deadline = now + this.o.authRetryMs;
  }

  private onBusy(job: Job, status: number, now: number): void {
    this.stats.busyReplies++;
    job.busyTries++;
    if (job.busyTries > this.o.retransmissions) {
      this.failJob(job, `${tableName(job.request.table)}: ${responseCodeInfo(status).meaning}, gave up`, now);
      return;
    }
    this.emitStatus('busy', now);
    this.waitThenRetry(job, this.o.busyRetryMs, now);
  }

  private failJob(job: Job, message: string, now: number): void {
    this.stats.errorReplies++;
    // A start-up byte an older meter does not have (ET70 before firmware 4.0, ET55's unit before 3.70) is no problem.
    this.log(job.purpose === 'config' && job.request.kind === 'partial-read' ? 'debug' : 'warn', message);
    this.current = null;
    this.phase = 'ready';
    if (job.purpose === 'alert') this.endAlert(false, message);
    if (job.purpose === 'raw') this.out.push({ type: 'raw', data: null, message });
    this.jobDone(job, now);
  }

  private jobDone(job: Job, now: number): void {
    if ((job.purpose === 'config' || job.purpose === 'probe') && !this.configured && !this.hasQueued('config')) {
      this.configured = true;
      this.schedule.start(now);
      this.nextClockAt = now + this.o.clockIntervalMs;
      this.log('info', 'meter identified; present values every ' + this.schedule.periodMs + ' ms, energy every 30 s');
    }
    this.pump(now);
  }

  private endAlert(ok: boolean, detail: string): void {
    if (!this.alertEntry) return;
    this.alertEntry = 0;
    if (ok) this.stats.alertChainsCompleted++;
    else this.stats.alertChainsFailed++;
    this.out.push({ type: 'alert-handled', ok, detail });
  }

  // ---- sending, timeouts, waiting -------------------------------------------------------------------------------

  private pump(now: number): void {
    if (this.phase !== 'ready' || this.current) return;
    if (now < this.pausedUntil) {
      this.holdUntil = this.pausedUntil;
      return;
    }
    if (!this.queue.length && this.configured) {
      if (now >= this.nextClockAt) {
        this.queue.push(clockJob(this.maxReplyLength));
        this.nextClockAt = now + this.o.clockIntervalMs;
      }
      const due = this.schedule.take(now);
      if (due) {
        const jobs = pollJobs(this.tables.demandResetByte(), this.maxReplyLength, (due & POLL_ENERGY) !== 0);
        for (let i = 0; i < jobs.length; i++) this.queue.push(jobs[i] as Job);
        if (this.cycle) this.cycle.begin();
      }
    }
    const job = this.queue[0];
    if (!job) return;
    // Routine reads (polls, the clock) and the add-on's raw reads (a backfill asks for one a second) keep to one read
    // per second on average together (guide pp. 51, 260). Start-up and alert reads are not held, nor are the copies
    // and fresh frames of recovery (timeouts, bad digests, 0x0B, 0x0C).
    const p = job.purpose;
    const routine = p === 'poll' || p === 'clock' || p === 'raw';
    const at = routine ? this.schedule.readyAt(now) : now;
    if (now < at) {
      this.holdUntil = at;
      return;
    }
    if (routine) this.schedule.spend();
    this.queue.shift();
    this.transmit(job, now);
  }

  /** Sends now, or once the quiet time after the last reply has passed (guide p. 21: 100 ms between requests). */
  private transmit(job: Job, now: number): void {
    if (now < this.quietUntil) {
      this.current = job;
      this.phase = 'waiting';
      this.waitReason = 'gap';
      this.deadline = this.quietUntil;
      return;
    }
    this.send(job, now);
  }

  private send(job: Job, now: number): void {
    if (!job.frame) {
      const c = this.cycle;
      const t0 = c ? c.now() : 0;
      const seq = this.seq;
      this.seq = (seq + 1) >>> 0;
      job.seq = seq;
      let frame = encodeRequest(job.request.apdu, seq, this.o.digestKey);
      if (this.encKey) {
        // APDU ‖ SEQ encrypted, LEN and the plaintext's digest in clear; the state goes on to decrypt the reply.
        job.plain = frame;
        job.rc4 = mepRc4(this.encKey, frame.subarray(frame.length - 8));
        frame = new Uint8Array(frame);
        rc4Crypt(job.rc4, frame, 2, frame.length - 8);
      }
      job.frame = frame;
      if (c) c.add(T_BUILD, t0);
      this.reserveSequence();
    }
    job.sends++;
    this.stats.requests++;
    if (job.sends > 1) this.stats.retransmissions++;
    this.current = job;
    this.phase = 'awaiting';
    this.deadline = now + Math.ceil((job.frame.length * 10000) / this.o.baudRate) + this.o.replyTimeoutMs;
    this.hardDeadline = this.deadline + RECEIVING_GRACE_MS;
    this.echoed = false;
    this.out.push({ type: 'send', bytes: job.frame });
  }

  private reserveSequence(): void {
    const ahead = (this.reservedUpTo - this.seq) | 0;
    if (ahead > 0 && ahead <= SEQUENCE_RESERVE) return;
    this.reservedUpTo = (this.seq + SEQUENCE_RESERVE) >>> 0;
    this.out.push({ type: 'sequence', next: this.reservedUpTo });
  }

  private rebuildAndSend(job: Job, now: number): void {
    job.frame = null;
    job.sends = 0;
    this.current = null;
    this.transmit(job, now);
  }

  /** No reply in time, or one that fails its digest: the identical packet again (same SEQ and digest: guide p. 21),
   *  up to `retransmissions` times, then a link reset and back-off. */
  private lineError(now: number): void {
    const job = this.current as Job;
    if (job.sends <= this.o.retransmissions) {
      this.transmit(job, now);
      return;
    }
    this.linkFailures++;
    if (!this.echoed) this.emitStatus(this.bytesSinceReply > 0 ? 'garbled' : 'no-reply', now);
    this.log('warn', `no valid reply to ${tableName(job.request.table)} after ${job.sends} tries: resetting the link`);
    this.bytesSinceReply = 0;
    this.abortAll('link failure');
    this.configured = false; // re-read BT21/BT01 after every link reset (spec §14)
    if (this.linkFailures === 1) {
      this.resetLink();
    } else {
      this.phase = 'waiting';
      this.waitReason = 'backoff';
      this.deadline = now + this.backoffMs();
    }
  }

  private backoffMs(): number {
    return this.exponential(this.linkFailures - 1);
  }

  /** backoffInitialMs × 2^(n-1), capped at backoffMaxMs. */
  private exponential(n: number): number {
    let ms = this.o.backoffInitialMs;
    for (let i = 1; i < n && ms < this.o.backoffMaxMs; i++) ms *= 2;
    return Math.min(ms, this.o.backoffMaxMs);
  }

  /** Retries later with a fresh frame (new sequence number), so `sends` keeps meaning "copies of one frame". */
  private waitThenRetry(job: Job, ms: number, now: number): void {
    job.frame = null;
    job.sends = 0;
    this.current = null;
    this.queue.unshift(job);
    this.phase = 'waiting';
    this.waitReason = 'retry';
    this.deadline = now + ms;
  }

  private endWait(now: number): void {
    if (this.waitReason === 'gap') {
      this.send(this.current as Job, now);
      return;
    }
    if (this.waitReason === 'backoff') {
      this.resetLink();
      return;
    }
    this.phase = 'ready';
    if (this.waitReason === 'auth') {
      this.authFailures = this.o.authFailureLimit - 1; // one more 0x0B and we wait again
      this.queueStartup();
    }
    this.pump(now);
  }

  private resetLink(): void {
    this.current = null;
    this.phase = 'link-reset';
    this.stats.linkResets++;
    this.out.push({ type: 'reset-link' });
  }

  private queueStartup(): void {
    const kept: Job[] = [];
    for (let i = 0; i < this.queue.length; i++) {
      const p = (this.queue[i] as Job).purpose;
      if (p === 'alert' || p === 'raw') kept.push(this.queue[i] as Job);
    }
    kept.push(probeJob(this.maxReplyLength));
    // One byte each (guide pp. 21–24, 155, 158, 173): ET70 offset 142, the MEP port (firmware 4.0+; an older meter
    // refuses it: MEP1), and BT20 byte 7, the tiers that place ET55's "Energy Register Unit" (session-tables.ts).
    this.queue = kept.concat(configJobs(this.maxReplyLength, this.o.identityTables), [
      newJob('config', partialRead(ET70, 142, 1)),
      newJob('config', partialRead(BT20, 7, 1)),
    ]);
  }

  private abortAll(reason: string): void {
    const all = this.current ? this.queue.concat([this.current]) : this.queue;
    for (let i = 0; i < all.length; i++) if ((all[i] as Job).purpose === 'raw') this.out.push({ type: 'raw', data: null, message: reason });
    this.queue = [];
    this.current = null;
    this.endAlert(false, reason);
  }

  private hasQueued(purpose: string): boolean {
    for (let i = 0; i < this.queue.length; i++) if ((this.queue[i] as Job).purpose === purpose) return true;
    return false;
  }

  // ---- output ---------------------------------------------------------------------------------------------------

  private emitStatus(state: LinkState, now: number, force?: boolean): void {
    if (state === this.state && !force) return;
    this.state = state;
    this.stateSince = now;
    this.out.push({ type: 'status', status: { state, message: messageOf(state), since: now } });
  }

  private log(level: 'error' | 'warn' | 'info' | 'debug', message: string): void {
    this.out.push({ type: 'log', level, message });
  }

  private flush(): SessionCommand[] {
    const out = this.out;
    this.out = [];
    return out;
  }
}
