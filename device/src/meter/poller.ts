// The thin driver between the pure session and the hardware: feeds UART bytes through the frame decoder into the
// session, runs the session's timers, and carries out its commands. Works with any link and timer source, so the
// same code runs on Espruino (HAL), in the Node host, in the `mep` tool and in tests with fake time.
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

export interface PollerDeps {
  link: MeterLink;
  timers: Timers;
  session: MeterSession;
  /** Everything the session reports except 'send' and 'reset-link', which the poller carries out itself. */
  onEvent: (command: SessionCommand) => void;
  /** Inter-byte timeout after which a half-received frame is noise (spec §14: 200 ms). */
  interByteTimeoutMs?: number;
}

export class MeterPoller {
  private readonly deps: PollerDeps;
  private readonly decoder = new FrameDecoder({ kind: 'reply' });
  private sessionTimer: unknown = null;
  private idleTimer: unknown = null;
  private running = false;

  constructor(deps: PollerDeps) {
    this.deps = deps;
    deps.link.onData((chunk: Uint8Array) => this.onBytes(chunk));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.run(this.deps.session.start(this.deps.timers.now()));
  }

  /** Asks the session for an immediate poll. */
  pollNow(): boolean {
    if (!this.running) return false;
    this.run(this.deps.session.pollNow(this.deps.timers.now()));
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
    const t = this.deps.timers;
    this.deps.session.bytesArrived(chunk.length, t.now());
    this.handleFrames(this.decoder.push(chunk));
    if (this.idleTimer !== null) t.clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.decoder.buffered() > 0) {
      this.idleTimer = t.setTimeout(() => {
        this.idleTimer = null;
        this.handleFrames(this.decoder.idle());
      }, this.deps.interByteTimeoutMs || 200);
    }
    this.reschedule();
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
      else this.deps.onEvent(c);
    }
    this.reschedule();
  }

  private resetLink(): void {
    this.decoder.reset();
    this.deps.link.reset(() => {
      if (!this.running) return;
      this.decoder.reset(); // bytes seen while the link came up are noise (spec §2)
      this.run(this.deps.session.linkReady(this.deps.timers.now()));
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
      this.sessionTimer = null;
      this.run(this.deps.session.tick(this.deps.timers.now()));
    }, Math.max(0, at - t.now()));
  }
}
