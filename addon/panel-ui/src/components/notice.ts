// The panel's self-clearing notice ("key sent", "update started …"): one Lit ReactiveController for every form and
// card that shows one. show() puts a text up and takes it down after NOTICE_MS (or keeps it, for "…" while waiting);
// a new text restarts the time; leaving the page stops the timer.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export const NOTICE_MS = 8000;

export class Notice implements ReactiveController {
  /** What the notice says now ('' when nothing). */
  text = '';
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly host: ReactiveControllerHost, private readonly ms: number = NOTICE_MS) {
    host.addController(this);
  }

  /** Shows `text`; it clears itself after a few seconds unless `keep`. */
  show(text: string, keep = false): void {
    this.stop();
    this.text = text;
    if (!keep) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.text = '';
        this.host.requestUpdate();
      }, this.ms);
    }
    this.host.requestUpdate();
  }

  clear(): void {
    this.stop();
    this.text = '';
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.stop();
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
