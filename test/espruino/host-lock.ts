// Cross-process locks for the real-interpreter tests (jest runs test files in parallel worker processes): an O_EXCL
// lock file in the temp folder holding the owner's pid; a file whose owner is gone (a crashed worker) is taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function ownerAlive(file: string): boolean {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
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

/** Takes the lock `name` (waiting up to `ms`); resolves with its release function. */
export async function acquire(name: string, ms: number): Promise<() => void> {
  const file = join(tmpdir(), `mep-espruino-${name}.lock`);
  const until = Date.now() + ms;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (!ownerAlive(file)) {
        try {
          unlinkSync(file);
        } catch {
          // someone else took it over first
        }
        continue;
      }
      if (Date.now() > until) throw new Error(`the lock ${file} was held for ${ms} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  };
  process.once('exit', release);
  return release;
}

/** Runs `fn` while holding the lock `name`. */
export async function withLock<T>(name: string, ms: number, fn: () => Promise<T>): Promise<T> {
  const release = await acquire(name, ms);
  try {
    return await fn();
  } finally {
    release();
  }
}
