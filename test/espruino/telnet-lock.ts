// The interpreter's telnet console always listens on 127.0.0.1:2323 with SO_REUSEPORT: two `--telnet` instances on
// one host would share the port and the kernel would split connections between them. Every --telnet use in the
// tests therefore holds this cross-process lock (host-lock.ts).
import { withLock } from './host-lock';

export const TELNET_PORT = 2323;

/** Runs `fn` while holding the telnet lock; waits up to `ms` for it. */
export function withTelnetLock<T>(fn: () => Promise<T>, ms = 120000): Promise<T> {
  return withLock('telnet', ms, fn);
}
