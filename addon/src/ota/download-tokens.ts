// One-time download tokens for update packages (issue 5). A token opens exactly one download of one package by
// one device; precisely:
//  1. it is issued for (device, package) and refused for any other package;
//  2. the client address of its first request owns it: requests from any other address are refused;
//  3. while the download is incomplete, any number of GET/HEAD requests (Range resumes after a dropped
//     connection) are allowed;
//  4. once every byte of the package has been sent at least once, it stays usable for `resumeGraceMs` more (a tail
//     lost in transit can still be fetched again), then it is spent;
//  5. it expires `ttlMs` after issue, and is revoked as soon as the device's update ends (rollout.ts).
// Only the token's SHA-256 is kept; the token itself is never stored or logged.
import { createHash, randomBytes } from 'crypto';

export interface TokenOptions {
  ttlMs: number;
  resumeGraceMs: number;
  now: () => number;
}

export const DEFAULT_TOKEN_OPTIONS: Omit<TokenOptions, 'now'> = { ttlMs: 30 * 60_000, resumeGraceMs: 60_000 };

export interface Grant {
  deviceId: string;
  entryId: string;
  size: number;
}

export type TokenCheck =
  | { ok: true; grant: Grant; key: string }
  | { ok: false; status: 401 | 403; reason: string };

interface TokenState extends Grant {
  expiresAt: number;
  address: string | null;
  /** Byte intervals [start, end) sent completely, merged and sorted. */
  sent: [number, number][];
  completeAt: number | null;
}

export function keyOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Adds [start, end) to a sorted list of disjoint intervals, merging neighbours. */
export function addInterval(list: [number, number][], start: number, end: number): [number, number][] {
  const out: [number, number][] = [];
  let s = start;
  let e = end;
  for (const [a, b] of list) {
    if (b < s || a > e) out.push([a, b]);
    else {
      s = Math.min(s, a);
      e = Math.max(e, b);
    }
  }
  out.push([s, e]);
  return out.sort((x, y) => x[0] - y[0]);
}

export class DownloadTokens {
  private readonly tokens = new Map<string, TokenState>();

  constructor(private readonly options: TokenOptions) {}

  issue(grant: Grant): string {
    this.sweep();
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(keyOf(token), { ...grant, expiresAt: this.options.now() + this.options.ttlMs, address: null, sent: [], completeAt: null });
    return token;
  }

  /** May `address` fetch `entryId` with `token`? The first accepted request binds the token to its address. */
  check(token: string | null, entryId: string, address: string): TokenCheck {
    if (!token) return { ok: false, status: 401, reason: 'a download token is required' };
    const key = keyOf(token);
    const state = this.tokens.get(key);
    if (!state) return { ok: false, status: 401, reason: 'unknown or revoked download token' };
    const now = this.options.now();
    if (now >= state.expiresAt) return { ok: false, status: 401, reason: 'the download token has expired' };
    if (state.completeAt !== null && now >= state.completeAt + this.options.resumeGraceMs) {
      return { ok: false, status: 401, reason: 'the download token has been used' };
    }
    if (state.entryId !== entryId) return { ok: false, status: 403, reason: 'the download token is for another package' };
    if (state.address !== null && state.address !== address) return { ok: false, status: 403, reason: 'the download token belongs to another client' };
    state.address = address;
    return { ok: true, grant: { deviceId: state.deviceId, entryId: state.entryId, size: state.size }, key };
  }

  /** Bytes [start, end) of the package were sent completely under the token `key` (from check()). */
  sent(key: string, start: number, end: number): void {
    const state = this.tokens.get(key);
    if (!state || end <= start) return;
    state.sent = addInterval(state.sent, start, end);
    const first = state.sent[0];
    if (state.completeAt === null && state.sent.length === 1 && first && first[0] === 0 && first[1] >= state.size) {
      state.completeAt = this.options.now();
    }
  }

  revoke(token: string): void {
    this.tokens.delete(keyOf(token));
  }

  /** Number of live tokens (tests, diagnostics). */
  size(): number {
    this.sweep();
    return this.tokens.size;
  }

  private sweep(): void {
    const now = this.options.now();
    for (const [key, s] of this.tokens) {
      if (now >= s.expiresAt || (s.completeAt !== null && now >= s.completeAt + this.options.resumeGraceMs)) this.tokens.delete(key);
    }
  }
}
