// Keep-alive (MQTT 3.1.1 §3.1.2.10): send PINGREQ when nothing was sent, or nothing heard, for one keep-alive
// period; give the connection up when nothing at all arrived for 1.5 periods (the limit brokers apply to us). One
// interval timer at a fifth of the period, rather than re-arming a timeout on every write (cheaper on Espruino).
import { Clock, TimerHandle } from '../hal/types';

export interface KeepaliveDeps {
  clock: Clock;
  ping: () => void;
  timeout: () => void;
}

export class Keepalive {
  private readonly deps: KeepaliveDeps;
  private readonly periodMs: number;
  private timer: TimerHandle | null = null;
  private lastSent = 0;
  private lastReceived = 0;
  private pinging = false;

  /** `periodMs` 0 disables keep-alive. */
  constructor(deps: KeepaliveDeps, periodMs: number) {
    this.deps = deps;
    this.periodMs = periodMs;
  }

  start(): void {
    this.stop();
    this.lastSent = this.lastReceived = this.deps.clock.now();
    this.pinging = false;
    if (this.periodMs > 0) {
      this.timer = this.deps.clock.setInterval(() => this.check(), Math.max(20, Math.floor(this.periodMs / 5)));
    }
  }

  stop(): void {
    if (this.timer !== null) this.deps.clock.clearInterval(this.timer);
    this.timer = null;
  }

  sent(): void {
    this.lastSent = this.deps.clock.now();
  }

  received(): void {
    this.lastReceived = this.deps.clock.now();
    this.pinging = false;
  }

  private check(): void {
    const now = this.deps.clock.now();
    if (now - this.lastReceived >= this.periodMs * 1.5) {
      this.stop();
      this.deps.timeout();
    } else if (!this.pinging && (now - this.lastSent >= this.periodMs || now - this.lastReceived >= this.periodMs)) {
      this.pinging = true;
      this.deps.ping();
    }
  }
}
