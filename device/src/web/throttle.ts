// Failed logins are slowed down (issue 4 "Login"): after FREE_FAILURES wrong passwords each further attempt must
// wait twice as long as the previous one, up to MAX_WAIT_MS; a success resets it. Espruino's http request does
// not tell who is asking (espruino.md §2.8: method, url, headers only), so the back-off is kept per client key the
// server can see; with no peer address that key is the same for all clients, which still caps guessing at
// ~1 attempt per minute while costing the owner at most that minute.
export const FREE_FAILURES = 3;
export const MAX_WAIT_MS = 60000;

interface Entry {
  failures: number;
  until: number;
}

export type ThrottleStore = { [client: string]: Entry };

export class LoginThrottle {
  private readonly entries: ThrottleStore;

  /** `store`: plain data kept by the resident app, so the back-off outlives an unloaded web module (device/src/lazy). */
  constructor(store?: ThrottleStore) {
    this.entries = store || {};
  }

  /** Milliseconds the client must still wait before its next attempt (0 = go ahead). */
  waitMs(client: string, now: number): number {
    const e = this.entries[client];
    return e && e.until > now ? e.until - now : 0;
  }

  failed(client: string, now: number): void {
    const e = this.entries[client] || (this.entries[client] = { failures: 0, until: 0 });
    e.failures++;
    if (e.failures >= FREE_FAILURES) e.until = now + Math.min(MAX_WAIT_MS, 1000 * Math.pow(2, e.failures - FREE_FAILURES));
  }

  succeeded(client: string): void {
    delete this.entries[client];
  }
}
