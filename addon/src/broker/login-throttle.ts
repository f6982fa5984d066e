// Back-off on failed logins to the embedded broker (issue 11 attack 4: 18,115 guesses of the device password in
// 10 s, each one logged). Pure, with an injected clock. Two token buckets of failures, one per source address and
// one per user name: each holds BURST failures and refills RATE_PER_S per second; while either bucket of a login
// attempt is empty the attempt is refused without looking at its password, so guessing runs at a few per second at
// most, whatever the number of parallel connections.
//
// A user's bucket does not apply to the address it last logged in from successfully: someone guessing the
// password of module A from another address cannot keep A itself locked out (the address bucket still applies to
// everybody). Logging: the first failure from an address or user after a quiet minute is a warning; the rest are
// counted and summed up in the next warning (`log` says whether to warn now).

export interface ThrottleConfig {
  /** Failures a bucket holds before attempts are refused. */
  burst: number;
  /** Failures per second a bucket regains. */
  ratePerS: number;
  /** A key quiet this long logs its next failure as a warning again. */
  quietMs: number;
  /** Most keys remembered (each side); the least recently used are forgotten beyond it. */
  maxKeys: number;
}

export const LOGIN_THROTTLE: ThrottleConfig = { burst: 5, ratePerS: 2, quietMs: 60000, maxKeys: 4096 };

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

/** What to log about a failure: `warn` once per quiet period, with how many failures went unlogged before it. */
export interface FailureNote {
  warn: boolean;
  suppressed: number;
}

interface Bucket {
  tokens: number;
  at: number;
  lastFailure: number;
  suppressed: number;
}

export class LoginThrottle {
  private readonly byAddress = new Map<string, Bucket>();
  private readonly byUser = new Map<string, Bucket>();
  private readonly homeOf = new Map<string, string>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly config: ThrottleConfig = LOGIN_THROTTLE,
  ) {}

  /** Before the password is checked: may this attempt be checked at all? */
  check(address: string, user: string): ThrottleVerdict {
    const t = this.now();
    const wait = Math.max(this.waitOf(this.byAddress, address, t), this.userApplies(address, user) ? this.waitOf(this.byUser, user, t) : 0);
    return wait > 0 ? { allowed: false, retryAfterMs: wait } : { allowed: true };
  }

  /** A refused login (wrong password, unknown user, or refused by check()). */
  failed(address: string, user: string): FailureNote {
    const t = this.now();
    const a = this.take(this.byAddress, address, t);
    const u = this.userApplies(address, user) ? this.take(this.byUser, user, t) : null;
    return this.note(a, u, t);
  }

  /** A successful login: this address becomes the user's home (its user bucket no longer applies there). */
  succeeded(address: string, user: string): void {
    if (user === '') return;
    this.homeOf.delete(user);
    this.homeOf.set(user, address);
    this.trim(this.homeOf);
  }

  private userApplies(address: string, user: string): boolean {
    return user !== '' && this.homeOf.get(user) !== address;
  }

  private refill(b: Bucket, t: number): void {
    b.tokens = Math.min(this.config.burst, b.tokens + ((t - b.at) / 1000) * this.config.ratePerS);
    b.at = t;
  }

  private waitOf(map: Map<string, Bucket>, key: string, t: number): number {
    const b = map.get(key);
    if (!b) return 0;
    this.refill(b, t);
    return b.tokens >= 1 ? 0 : Math.ceil(((1 - b.tokens) / this.config.ratePerS) * 1000);
  }

  private take(map: Map<string, Bucket>, key: string, t: number): Bucket {
    let b = map.get(key);
    if (b) {
      this.refill(b, t);
      map.delete(key); // re-inserted below: the map's order is least recently used first
    } else b = { tokens: this.config.burst, at: t, lastFailure: -Infinity, suppressed: 0 };
    b.tokens = Math.max(0, b.tokens - 1);
    map.set(key, b);
    this.trim(map);
    return b;
  }

  private note(a: Bucket, u: Bucket | null, t: number): FailureNote {
    const quiet = (b: Bucket): boolean => t - b.lastFailure >= this.config.quietMs;
    const warn = quiet(a) || (u !== null && quiet(u));
    const suppressed = Math.max(a.suppressed, u ? u.suppressed : 0);
    for (const b of u ? [a, u] : [a]) {
      if (warn) {
        b.suppressed = 0;
        b.lastFailure = t;
      } else b.suppressed++;
    }
    return { warn, suppressed: warn ? suppressed : 0 };
  }

  private trim<V>(map: Map<string, V>): void {
    while (map.size > this.config.maxKeys) map.delete(map.keys().next().value as string);
  }
}
