// Browser sessions (issue 4 "Login"): a random token in an HttpOnly, SameSite=Strict cookie, and a CSRF token per
// session that every POST must echo in the X-CSRF-Token header. A session starts unauthenticated (so even the
// login form is CSRF-protected) and is replaced by a fresh one at login (no session fixation). Few sessions are
// kept (RAM); the least recently used goes first, anonymous ones before logged-in ones.
import { Crypto } from '../hal/types';
import { toHex } from '../meter/bytes';

export interface Session {
  token: string;
  csrf: string;
  /** Logged-in user name; '' while not logged in. */
  user: string;
  lastUse: number;
}

export const COOKIE = 'mep_sid';
const MAX_SESSIONS = 6;
/** Idle time after which a session is forgotten. */
export const IDLE_MS = 30 * 60000;

/** The sessions' data, plain so that it outlives the web module (device/src/lazy): the pages are unloaded when idle,
 *  the logins are not. `pool` is stirred with request timings: E.hwRand() is libc rand() on the ESP32 (espruino.md
 *  checklist "OTA and web assets"), so tokens hash it together with this pool rather than use it bare. */
export interface SessionStore {
  list: Session[];
  pool: string;
}

export function newSessionStore(): SessionStore {
  return { list: [], pool: '' };
}

export class Sessions {
  private readonly store: SessionStore;
  private readonly crypto: Crypto;

  constructor(crypto: Crypto, store?: SessionStore) {
    this.crypto = crypto;
    this.store = store || newSessionStore();
  }

  private get list(): Session[] {
    return this.store.list;
  }

  private token(now: number): string {
    const st = this.store;
    st.pool = toHex(this.crypto.sha256(`${st.pool}${now}${toHex(this.crypto.randomBytes(16))}`));
    return toHex(this.crypto.sha256(`t${st.pool}`)).substring(0, 32);
  }

  /** The live session for a cookie token, or null. */
  find(token: string, now: number): Session | null {
    for (let i = 0; i < this.list.length; i++) {
      const s = this.list[i] as Session;
      if (now - s.lastUse > IDLE_MS) {
        this.list.splice(i--, 1);
        continue;
      }
      if (token !== '' && s.token === token) {
        s.lastUse = now;
        return s;
      }
    }
    return null;
  }

  create(user: string, now: number): Session {
    if (this.list.length >= MAX_SESSIONS) {
      // Anonymous sessions go first: anyone can make those, and that must not log the owner out.
      let victim = -1;
      for (let i = 0; i < this.list.length; i++) {
        const c = this.list[i] as Session;
        const v = victim < 0 ? null : (this.list[victim] as Session);
        if (!v || (c.user === '') > (v.user === '') || ((c.user === '') === (v.user === '') && c.lastUse < v.lastUse)) victim = i;
      }
      this.list.splice(victim, 1);
    }
    const s: Session = { token: this.token(now), csrf: this.token(now + 1), user, lastUse: now };
    this.list.push(s);
    return s;
  }

  drop(token: string): void {
    for (let i = 0; i < this.list.length; i++) if ((this.list[i] as Session).token === token) this.list.splice(i--, 1);
  }

  /** Forgets every session (login changed). */
  clear(): void {
    this.store.list = [];
  }
}

/** A browser-session cookie (the device expires idle sessions itself); `expire` deletes it (logout). */
export function sessionCookie(token: string, expire?: boolean): string {
  return `${COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict${expire ? '; Max-Age=0' : ''}`;
}
