// The interpreter's telnet console always listens on 127.0.0.1:2323 with SO_REUSEPORT: two `--telnet` instances on
// one host would share the port and the kernel would split connections between them. Every --telnet use in the
// tests (jest runs files in parallel worker processes) therefore holds this cross-process lock: an O_EXCL lock file
// holding the owner's pid; a file whose owner is gone (a crashed worker) is taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TELNET_PORT = 2323;
const LOCK = join(tmpdir(), 'mep-espruino-telnet.lock');

function ownerAlive(): boolean {
  let text = '';
  try {
    text = readFileSync(LOCK, 'utf8');
  } catch {
    return true; // just released: try again
  }
  if (text === '') return true; // being created right now
  const pid = Number(text);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `fn` while holding the telnet lock; waits up to `ms` for it. */
export async function withTelnetLock<T>(fn: () => Promise<T>, ms = 120000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const fd = openSync(LOCK, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (!ownerAlive()) {
        try {
          unlinkSync(LOCK);
        } catch {
          // someone else took it over first
        }
        continue;
      }
      if (Date.now() > until) throw new Error(`the telnet console lock ${LOCK} was held for ${ms} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await fn();
  } finally {
    try {
      unlinkSync(LOCK);
    } catch {
      // already gone
    }
  }
}
