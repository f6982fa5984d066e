// The real Espruino interpreter (2v29, Linux build with the ESP32's memory model) for the real-interpreter tests.
// Built once per machine from the kit in ../shared/espruino (build.sh, about 10-30 s; needs Debian gcc-multilib)
// into node_modules/.cache/espruino, outside the source tree. In CI a missing kit or a failed build fails the tests;
// in a user's clone without ../shared the tests say they were not run (describeOnInterpreter).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');
export const KIT_DIR = join(REPO_ROOT, '..', 'shared', 'espruino');
export const BUILD_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'espruino');
export const BINARY = join(BUILD_DIR, 'espruino');

export type InterpreterLookup = { ok: true; path: string } | { ok: false; reason: string; mustFail: boolean };

let cached: InterpreterLookup | null = null;

/** Builds (or finds up to date) the interpreter. Synchronous: jest decides at collection time which tests exist. */
export function findInterpreter(): InterpreterLookup {
  if (cached) return cached;
  const inCi = !!process.env.CI;
  if (!existsSync(join(KIT_DIR, 'build.sh'))) {
    cached = { ok: false, mustFail: inCi, reason: `the interpreter kit ${KIT_DIR} is not there` };
    return cached;
  }
  try {
    // build.sh is idempotent ("up to date" when its kit hash matches) and serialises concurrent runs with flock.
    execFileSync('bash', [join(KIT_DIR, 'build.sh'), BUILD_DIR], { stdio: 'pipe', timeout: 300000 });
    cached = { ok: true, path: BINARY };
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer; message: string };
    const text = `${err.stdout ? err.stdout.toString() : ''}${err.stderr ? err.stderr.toString() : ''}`.trim();
    const line = text.split('\n').filter((l) => l.includes('ERROR')).join(' ') || err.message;
    cached = { ok: false, mustFail: true, reason: `the interpreter could not be built: ${line}` };
  }
  return cached;
}

/** describe() for tests that need the real interpreter. Without the kit (a user's clone) the block is reported as not
 *  run; in CI, or when the kit is there but the build fails, one failing test says why. */
export function describeOnInterpreter(name: string, body: (binary: string) => void): void {
  const found = findInterpreter();
  if (found.ok) {
    describe(name, () => body(found.path));
    return;
  }
  if (found.mustFail) {
    describe(name, () => {
      it('needs the real Espruino interpreter', () => {
        throw new Error(`real-interpreter tests cannot run: ${found.reason}`);
      });
    });
    return;
  }
  console.warn(`real-interpreter tests NOT RUN (${name}): ${found.reason}`);
  describe.skip(`${name} (not run: ${found.reason})`, () => {
    it('needs the real Espruino interpreter', () => undefined);
  });
}
