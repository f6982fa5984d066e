// The meter session: a state machine with no I/O and no timers of its own (architecture C6). Its driver feeds it
// frames, alerts, elapsed time and link-ready signals, and carries out the commands it returns. It owns sequence
// numbers (spec §5), retries and back-off (spec §14: bounded, never a reboot), the start-up reads, periodic polling,
// the alert chain (spec §13) and the user-facing link status.
import { bytesEqual } from './bytes';
import { IDENTITY_CIPHER, PayloadCipher } from './cipher';
import { CycleTimes, T_BUILD, T_DECODE, T_VERIFY } from './cycle-time';
import { encodeRequest, parseReply, ParsedReply } from './frame';
import { ReplyDigestPolicy } from './reply-digest';
import { fullWrite, MepRequest, nextProcSeq, partialWrite, procedureCall, PROC_SEQ_FIRST } from './requests';
import { isTransientCode, responseCodeInfo, RESPONSE_AUTH_FAILURE, RESPONSE_INVALID_SEQUENCE, RESPONSE_OK, RESPONSE_OPERATION_NOT_POSSIBLE } from './result-codes';
import { AlertHandler } from './session-alert';
import { clockJob, configJobs, Job, pollJobs, probeJob, REFERENCE_IDENTITY_TABLES } from './session-jobs';
import { LinkState, LinkStatus, SessionCommand, SessionOptions, SessionStats } from './session-types';
import { SessionTables } from './session-tables';
import { BT23, BT28, tableName } from './table-ids';

type Phase = 'stopped' | 'link-reset' | 'ready' | 'awaiting' | 'waiting';
type WaitReason = 'backoff' | 'retry' | 'auth';

/** Sequence numbers are persisted in blocks so flash is not written for every request (espruino.md §2.2). */
const SEQUENCE_RESERVE = 256;
/** How long a reply that has started arriving may take: a 525-byte frame needs ~550 ms at 9600 baud. */
const RECEIVING_GRACE_MS = 700;
const MAX_PROCEDURE_RETRIES = 5;

const MESSAGES: { [state: string]: string } = {
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

export class MeterSession {
  private readonly o: Required<Omit<SessionOptions, 'cipher' | 'maxReplyLength' | 'decoders' | 'cycleTimes'>>;
  private readonly maxReplyLength: number | null;
  private readonly cipher: PayloadCipher;
  private readonly digestPolicy: ReplyDigestPolicy;
  private readonly tables: SessionTables;
  private readonly alerts: AlertHandler;
  private readonly cycle: CycleTimes | null;
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
  private nextPollAt = 0;
  private nextClockAt = 0;
  private bt23Full: boolean;
  private state: LinkState = 'starting';
  private stateSince = 0;
  private out: SessionCommand[] = [];
  readonly stats: SessionStats;

  constructor(options: SessionOptions) {
    this.o = {
      digestKey: options.digestKey,
      identityTables: options.identityTables || REFERENCE_IDENTITY_TABLES,
      initialSeq: (options.initialSeq || 0) >>> 0,
      pollIntervalMs: options.pollIntervalMs || 5000,
      replyTimeoutMs: options.replyTimeoutMs || 1000,
      retransmissions: options.retransmissions === undefined ? 3 : options.retransmissions,
      maxSequenceResyncs: options.maxSequenceResyncs || 3,
      authFailureLimit: options.authFailureLimit || 3,
      authRetryMs: options.authRetryMs || 300000,
      backoffInitialMs: options.backoffInitialMs || 2000,
      backoffMaxMs: options.backoffMaxMs || 60000,
      busyRetryMs: options.busyRetryMs || 1000,
      clockIntervalMs: options.clockIntervalMs || 60000,
      replyDigest: options.replyDigest || 'log',
      bt23Read: options.bt23Read || 'partial',
      alertAcknowledge: options.alertAcknowledge || 'ep39-empty',
      baudRate: options.baudRate || 9600,
    };
    this.maxReplyLength = options.maxReplyLength === undefined ? 512 : options.maxReplyLength;
    this.cipher = options.cipher || IDENTITY_CIPHER;
    this.cycle = options.cycleTimes || null;
    this.digestPolicy = new ReplyDigestPolicy(this.o.replyDigest, this.o.digestKey);
    this.tables = new SessionTables(options.decoders);
    this.alerts = new AlertHandler({ acknowledge: this.o.alertAcknowledge, maxReplyLength: this.maxReplyLength });
    this.bt23Full = this.o.bt23Read === 'full';
    this.seq = this.o.initialSeq;
    this.reservedUpTo = this.seq;
    this.stats = {
      requests: 0, replies: 0, timeouts: 0, retransmissions: 0, linkResets: 0, sequenceResyncs: 0, authFailures: 0,
      busyReplies: 0, errorReplies: 0, discardedBytes: 0, unexpectedFrames: 0, staleReplies: 0, decodeErrors: 0,
      alerts: 0, alertChainsCompleted: 0, alertChainsFailed: 0, pollCycles: 0, replyDigest: null,
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

  /** An unsolicited 00 00 from the meter (spec §3.4). */
  alert(now: number): SessionCommand[] {
    this.stats.alerts++;
    this.bytesSinceReply = Math.max(0, this.bytesSinceReply - 2); // a valid frame, not noise
    const first = this.alerts.begin();
    if (first) {
      this.queue.unshift(first);
    } else {
      this.log('debug', 'alert while an alert chain is running: no second chain (spec 13, step 6)');
    }
    if (this.phase === 'ready') this.pump(now);
    return this.flush();
  }

  /** Poll at once instead of at the next poll time (a user's "poll now"); false while the meter is not identified. */
  pollNow(now: number): SessionCommand[] {
    if (this.configured) {
      this.nextPollAt = now;
      if (this.phase === 'ready') this.pump(now);
    }
    return this.flush();
  }

  /** Time passed; call when nextDeadline() is reached (calling early is harmless). */
  tick(now: number): SessionCommand[] {
    if (this.phase === 'awaiting' && now >= this.deadline) this.onTimeout(now);
    else if (this.phase === 'waiting' && now >= this.deadline) this.endWait(now);
    else if (this.phase === 'ready') this.pump(now);
    return this.flush();
  }

  /** When the driver should call tick() next (clock ms), or -1 when only an input can move the session on. */
  nextDeadline(): number {
    if (this.phase === 'awaiting' || this.phase === 'waiting') return this.deadline;
    if (this.phase === 'ready' && this.configured && this.queue.length === 0) {
      return Math.min(this.nextPollAt, this.nextClockAt);
    }
    return -1;
  }

  linkState(): LinkState {
    return this.state;
  }

  status(): LinkStatus {
    return { state: this.state, message: MESSAGES[this.state] as string, since: this.stateSince };
  }

  /** The next sequence number the session will use (for diagnostics and persistence). */
  nextSequence(): number {
    return this.seq;
  }

  frame(bytes: Uint8Array, now: number): SessionCommand[] {
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
    const parsed = parseReply(bytes);
    // Only replies that carry table data can inject readings; 0x0B/0x0C/error replies pass unchecked, so a wrong
    // key or a sequence resync is still recognised whatever their (unknown) digest construction is.
    const verdict = parsed.ok && parsed.reply.data ? this.digestPolicy.check(bytes, job.seq) : null;
    if (c) c.add(T_VERIFY, t0);
    if (!parsed.ok) {
      this.stats.decodeErrors++;
      this.log('warn', `malformed reply dropped: ${parsed.message}`);
      return this.flush();
    }
    if (verdict) {
      if (verdict.matched !== undefined) this.stats.replyDigest = this.digestPolicy.best();
      if (!verdict.accept) {
        this.log('warn', 'reply digest does not verify: dropped as corrupted');
        return this.flush();
      }
    }
    this.onReply(job, parsed.reply, now);
    return this.flush();
  }

  // ---- replies ------------------------------------------------------------------------------------------------

  private onReply(job: Job, reply: ParsedReply, now: number): void {
    const status = reply.status;
    if (status === RESPONSE_INVALID_SEQUENCE && reply.nextSeq === job.seq) {
      // Asks for the number this very frame carries: a late 0x0C to an earlier frame, not an answer to this one.
      this.stats.staleReplies++;
      return;
    }
    if (status === RESPONSE_OK && !this.correlates(job, reply)) {
      this.stats.staleReplies++;
      this.log('warn', `reply does not fit the ${tableName(job.request.table)} request (stale or duplicated): dropped`);
      return;
    }
    this.stats.replies++;
    this.bytesSinceReply = 0;
    this.linkFailures = 0;
    if (status === RESPONSE_OK) this.sequenceErrors = 0;
    if (status !== RESPONSE_AUTH_FAILURE) this.authFailures = 0;
    if (status !== RESPONSE_OK && job.request.table === BT23 && job.request.kind === 'full-read') {
      // Some Gen-3/Gen-4 meters answer a full BT23 read with 0x0B or 0x0C although the key is right (spec §7):
      // that is a refused read, not an authentication problem.
      this.failJob(job, `full BT23 read answered 0x${status.toString(16)}`, now);
      return;
    }
    if (status === RESPONSE_OK) this.onOk(job, reply, now);
    else if (status === RESPONSE_INVALID_SEQUENCE) this.onSequence(job, reply.nextSeq as number, now);
    else if (status === RESPONSE_AUTH_FAILURE) this.onAuthFailure(job, now);
    else if (status === RESPONSE_OPERATION_NOT_POSSIBLE && job.request.kind === 'procedure') this.onProcSeq(job, now);
    else if (isTransientCode(status)) this.onBusy(job, status, now);
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
    let data = reply.data;
    if (data) data = this.cipher.decrypt(data, { seq: job.seq, table: job.request.table });
    this.current = null;
    this.phase = 'ready';
    if (job.purpose === 'alert') {
      this.advanceAlert(job, data, now);
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

  private onSequence(job: Job, nextSeq: number, now: number): void {
    this.stats.sequenceResyncs++;
    this.seq = nextSeq >>> 0;
    job.resyncs++;
    if (job.request.kind === 'procedure' && job.sends > 1) {
      // A retransmitted procedure met 0x0C: the meter may well have run the first copy (spec §5). Do not run it twice.
      this.log('info', 'procedure retransmission answered 0x0C: assuming the first copy ran');
      this.current = null;
      this.phase = 'ready';
      this.advanceAlert(job, undefined, now);
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

  private onProcSeq(job: Job, now: number): void {
    job.procRetries++;
    if (job.procRetries > MAX_PROCEDURE_RETRIES) {
      this.failJob(job, 'procedure refused with 0x04 for every procedure sequence number', now);
      return;
    }
    const r = job.request;
    const procSeq = nextProcSeq(r.procSeq || PROC_SEQ_FIRST);
    const params = (r.data as Uint8Array).subarray(3);
    job.request = procedureCall(r.procedure as number, procSeq, params);
    this.alerts.procSeqUsed(procSeq);
    this.rebuildAndSend(job, now);
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
    this.log('warn', message);
    this.current = null;
    this.phase = 'ready';
    if (job.purpose === 'alert') this.endAlert(false, message);
    if (job.purpose === 'poll' && job.request.table === BT23 && job.request.kind === 'full-read') {
      this.bt23Full = false; // some Gen-3/Gen-4 meters refuse the full BT23 read (spec §7, §10.3)
      this.log('warn', 'full BT23 read refused: switching to the partial read');
    }
    this.jobDone(job, now);
  }

  private jobDone(job: Job, now: number): void {
    if ((job.purpose === 'config' || job.purpose === 'probe') && !this.configured && !this.hasQueued('config')) {
      this.configured = true;
      this.nextPollAt = now;
      this.nextClockAt = now + this.o.clockIntervalMs;
      this.log('info', 'meter identified; polling every ' + this.o.pollIntervalMs + ' ms');
    }
    this.pump(now);
  }

  // ---- alert chain (spec §13) -----------------------------------------------------------------------------------

  private advanceAlert(job: Job, data: Uint8Array | undefined, now: number): void {
    const step = this.alerts.next(job, data);
    if (step.job) this.queue.unshift(step.job);
    else this.endAlert(step.ok, step.detail, step.resultCode);
    this.jobDone(job, now);
  }

  private endAlert(ok: boolean, detail: string, resultCode?: number): void {
    if (!this.alerts.active()) return;
    this.alerts.abort();
    if (ok) this.stats.alertChainsCompleted++;
    else this.stats.alertChainsFailed++;
    this.out.push({ type: 'alert-handled', ok, detail, resultCode });
  }

  // ---- sending, timeouts, waiting -------------------------------------------------------------------------------

  private pump(now: number): void {
    if (this.phase !== 'ready' || this.current) return;
    if (!this.queue.length && this.configured) {
      if (now >= this.nextClockAt) {
        this.queue.push(clockJob(this.maxReplyLength));
        this.nextClockAt = now + this.o.clockIntervalMs;
      }
      if (now >= this.nextPollAt) {
        const jobs = pollJobs({
          bt23Full: this.bt23Full,
          demandResetByte: this.tables.demandResetByte(),
          maxReplyLength: this.maxReplyLength,
        });
        for (let i = 0; i < jobs.length; i++) this.queue.push(jobs[i] as Job);
        if (this.cycle) this.cycle.begin();
        this.nextPollAt += this.o.pollIntervalMs;
        if (this.nextPollAt <= now) this.nextPollAt = now + this.o.pollIntervalMs;
      }
    }
    const job = this.queue.shift();
    if (job) this.send(job, now);
  }

  private send(job: Job, now: number): void {
    if (!job.frame) {
      const c = this.cycle;
      const t0 = c ? c.now() : 0;
      const seq = this.seq;
      this.seq = (seq + 1) >>> 0;
      job.seq = seq;
      job.frame = encodeRequest(this.apduFor(job.request, seq), seq, this.o.digestKey);
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

  /** Write data goes through the payload cipher with the frame's own sequence number. */
  private apduFor(request: MepRequest, seq: number): Uint8Array {
    if (this.cipher === IDENTITY_CIPHER || !request.data) return request.apdu;
    const data = this.cipher.encrypt(request.data, { seq, table: request.table });
    if (request.kind === 'partial-write') return partialWrite(request.table, request.offset as number, data).apdu;
    return fullWrite(request.table, data).apdu;
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
    this.send(job, now);
  }

  private onTimeout(now: number): void {
    const job = this.current as Job;
    this.stats.timeouts++;
    if (job.sends <= this.o.retransmissions) {
      this.send(job, now); // identical bytes: same SEQ and digest (spec §5 rule 3)
      return;
    }
    this.linkFailures++;
    if (!this.echoed) this.emitStatus(this.bytesSinceReply > 0 ? 'garbled' : 'no-reply', now);
    this.log('warn', `no reply to ${tableName(job.request.table)} after ${job.sends} tries: resetting the link`);
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
    for (let i = 0; i < this.queue.length; i++) if ((this.queue[i] as Job).purpose === 'alert') kept.push(this.queue[i] as Job);
    kept.push(probeJob(this.maxReplyLength));
    this.queue = kept.concat(configJobs(this.maxReplyLength, this.o.identityTables));
  }

  private abortAll(reason: string): void {
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
    this.out.push({ type: 'status', status: { state, message: MESSAGES[state] as string, since: now } });
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
