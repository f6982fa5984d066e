// Virtual time for end-to-end runs: one timer queue shared by the simulator and the device's poller, so thousands of
// poll cycles (hours of meter time) run in a second, deterministically.
export class VirtualTime {
  private t = 0;
  private seq = 0;
  private timers: { at: number; id: number; fn: () => void }[] = [];

  now = (): number => this.t;

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq;
    this.timers.push({ at: this.t + Math.max(0, ms), id, fn });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.timers = this.timers.filter((x) => x.id !== handle);
  };

  /** Time passing inside a synchronous call (work that takes `ms`): the clock moves, no timer runs. */
  spend(ms: number): void {
    this.t += ms;
  }

  /** Runs every timer due up to now + ms, in time order (ties in creation order). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: { at: number; id: number; fn: () => void } | undefined;
      for (const x of this.timers) if (x.at <= end && (!next || x.at < next.at || (x.at === next.at && x.id < next.id))) next = x;
      if (!next) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
  }
}
