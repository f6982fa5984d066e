// The thin driver between the pure session and the hardware: feeds UART bytes through the frame decoder into the
// session, runs the session's timers, and carries out its commands. Works with any link and timer source, so the
// same code runs on Espruino (HAL), in the Node host, in the `mep` tool and in tests with fake time. Every call into
// it (received bytes, a timer, the link coming up, poll now) counts its JS time into the poll-cycle figures
// (cycle-time.ts), which the session shares.
import { CycleTimes, T_PUBLISH, T_VERIFY } from './cycle-time';
import { FrameDecoder, FrameEvent } from './frame-decoder';
import { MeterSession } from './session';
import { SessionCommand } from './session-types';

/** The MEP serial link (spec §2): 9600 8N1 plus the ENABLE and transceiver lines. */
export interface MeterLink {
  write(bytes: Uint8Array): void;
  /** Cycle ENABLE and the transceiver (spec §2 link reset / power-up), then call `done`. Must not block. */
  reset(done: () => void): void;
  onData(listener: (chunk: Uint8Array) => void): void;
}

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface PollerDeps {
  link: MeterLink;
  timers: Timers;
  session: MeterSession;
  /** Everything the session reports except 'send' and 'reset-link', which the poller carries out itself. */
  onEvent: (command: SessionCommand) => void;
  /** Inter-byte timeout after which a half-received frame is noise (spec §14: 200 ms). */
  interByteTimeoutMs?: number;
  /** The poll-cycle CPU figures, the session's (SessionOptions.cycleTimes); default: the poller's own, on `timers`. */
  cycleTimes?: CycleTimes;
}

export class MeterPoller {
  private readonly deps: PollerDeps;
  private readonly decoder: FrameDecoder;
  private readonly cycle: CycleTimes;
  private sessionTimer: unknown = null;
  private idleTimer: unknown = null;
  private running = false;

  constructor(deps: PollerDeps) {
    this.deps = deps;
    this.decoder = new FrameDecoder({ kind: 'reply', lengthOnly: !!deps.session.encKey });
    this.cycle = deps.cycleTimes || new CycleTimes(deps.timers);
    deps.link.onData((chunk: Uint8Array) => this.onBytes(chunk));
  }

  start(): void {
    if (this.running) return;
    const t0 = this.cycle.now();
    this.running = true;
    this.run(this.deps.session.start(this.deps.timers.now()));
    this.cycle.exit(t0);
  }

  /** Asks the session for an immediate poll. */
  pollNow(): boolean {
    if (!this.running) return false;
    const t0 = this.cycle.now();
    this.run(this.deps.session.pollNow(this.deps.timers.now()));
    this.cycle.exit(t0);
    return true;
  }

  /** A raw partial read for the add-on (session.raw); false when not running. */
  raw(table: number, offset: number, count: number): boolean {
    if (!this.running) return false;
    const t0 = this.cycle.now();
    this.run(this.deps.session.raw(table, offset, count, this.deps.timers.now()));
    this.cycle.exit(t0);
    return true;
  }

  stop(): void {
    this.running = false;
    this.clear();
  }

  private clear(): void {
    const t = this.deps.timers;
    if (this.sessionTimer !== null) t.clearTimeout(this.sessionTimer);
    if (this.idleTimer !== null) t.clearTimeout(this.idleTimer);
    this.sessionTimer = null;
    this.idleTimer = null;
  }

  private onBytes(chunk: Uint8Array): void {
    if (!this.running) return;
    const cycle = this.cycle;
    const t0 = cycle.now();
    const t = this.deps.timers;
    this.deps.session.bytesArrived(chunk.length, t.now());
    const events = this.decoder.push(chunk);
    cycle.add(T_VERIFY, t0);
    this.handleFrames(events);
    if (this.idleTimer !== null) t.clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.decoder.buffered() > 0) {
      this.idleTimer = t.setTimeout(() => {
        const t1 = cycle.now();
        this.idleTimer = null;
        const late = this.decoder.idle();
        cycle.add(T_VERIFY, t1);
        this.handleFrames(late);
        cycle.exit(t1);
      }, this.deps.interByteTimeoutMs || 200);
    }
    this.reschedule();
    cycle.exit(t0);
  }

  private handleFrames(events: FrameEvent[]): void {
    const session = this.deps.session;
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as FrameEvent;
      const now = this.deps.timers.now();
      if (e.type === 'frame') this.run(session.frame(e.bytes, now));
      else if (e.type === 'alert') this.run(session.alert(now));
      else session.discarded(e.count);
    }
  }

  private run(commands: SessionCommand[]): void {
    for (let i = 0; i < commands.length; i++) {
      const c = commands[i] as SessionCommand;
      if (c.type === 'send') this.deps.link.write(c.bytes);
      else if (c.type === 'reset-link') this.resetLink();
      else {
        const t0 = this.cycle.now();
        this.deps.onEvent(c);
        this.cycle.add(T_PUBLISH, t0);
      }
    }
    this.reschedule();
  }

  private resetLink(): void {
    this.decoder.reset();
    this.deps.link.reset(() => {
      if (!this.running) return;
      const t0 = this.cycle.now();
      this.decoder.reset(); // bytes seen while the link came up are noise (spec §2)
      this.run(this.deps.session.linkReady(this.deps.timers.now()));
      this.cycle.exit(t0);
    });
  }

  private reschedule(): void {
    if (!this.running) return;
    const t = this.deps.timers;
    if (this.sessionTimer !== null) t.clearTimeout(this.sessionTimer);
    this.sessionTimer = null;
    const at = this.deps.session.nextDeadline();
    if (at < 0) return;
    this.sessionTimer = t.setTimeout(() => {
      const t0 = this.cycle.now();
      this.sessionTimer = null;
      this.run(this.deps.session.tick(this.deps.timers.now()));
      this.cycle.exit(t0);
    }, Math.max(0, at - t.now()));
  }
}
