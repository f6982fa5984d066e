// Temporary folders of the real-interpreter tests, named after the process that made them
// (mep-espruino-<kind>-<pid>-XXXXXX). Tests remove their own; what a killed test process left behind (jest stops
// its workers without running exit handlers) is removed by the next test process that makes one.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'mep-espruino-';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sweep(): void {
  for (const name of readdirSync(tmpdir())) {
    const m = new RegExp(`^${PREFIX}[a-z]+-(\\d+)-`).exec(name);
    if (m && !alive(Number(m[1]))) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** A new temporary folder for `kind` (e.g. 'dev', 'fw'). */
export function tempDir(kind: string): string {
  sweep();
  return mkdtempSync(join(tmpdir(), `${PREFIX}${kind}-${process.pid}-`));
}
