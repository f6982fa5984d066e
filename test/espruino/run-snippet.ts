// Runs one JavaScript snippet on the real Espruino interpreter (script-file mode: `<binary> snippet.js` in a fresh
// temporary directory, so Storage starts empty) and in the Node host's realm (a vm context shaped like Espruino by
// device/sim/host/strip.ts, as device/sim/host/host.ts builds it). Both give the text the snippet print()ed, one line
// per call, so a test can compare them (test/espruino/semantics.test.ts).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vm from 'node:vm';
import { startHost } from '../../device/sim/host';
import { OBJECT_EVENTS_SCRIPT, stripEspruinoGlobals } from '../../device/sim/host/strip';

/** Lines before this one (inclusive) are the banner every run prints (shared/espruino/README.md "Running"). */
const BANNER_END = 'espruino.com/Donate';

/** What print() wrote, one line per call. The banner, the closing `>` prompt and \r are removed. */
export function runOnInterpreter(binary: string, code: string): string {
  return runInterpreter(binary, code).output;
}

/** The same, with how the process ended (a crash shows as signal SIGSEGV). */
export function runInterpreter(binary: string, code: string): { output: string; status: number | null; signal: string | null } {
  const dir = mkdtempSync(join(tmpdir(), 'espruino-snippet-'));
  try {
    writeFileSync(join(dir, 'snippet.js'), code, 'latin1');
    const env = { ...process.env };
    delete env.ESPR_VARS;
    const run = spawnSync(binary, ['snippet.js'], { cwd: dir, env, timeout: 20000, encoding: 'latin1' });
    if (run.error) throw run.error;
    // Output from callbacks redraws the console prompt before each line: `>` + ESC[J.
    const lines = run.stdout.replace(/\r/g, '').split('>\u001b[J').join('').split('\n');
    const banner = lines.findIndex((l) => l.includes(BANNER_END));
    let body = banner >= 0 ? lines.slice(banner + 1) : lines;
    while (body.length && body[0] === '') body = body.slice(1);
    let text = body.join('\n');
    if (text.endsWith('>')) text = text.slice(0, -1);
    return { output: text.replace(/\n$/, ''), status: run.status, signal: run.signal };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same in the host realm: print() joins its arguments with spaces, as Espruino does for strings and numbers.
 *  An uncaught exception is printed as Espruino's first line of it ("Uncaught Error: message"). */
export function runOnHostRealm(code: string): string {
  const context = vm.createContext({});
  stripEspruinoGlobals(context);
  vm.runInContext(OBJECT_EVENTS_SCRIPT, context);
  const out: string[] = [];
  const g = vm.runInContext('this', context) as Record<string, unknown>;
  g.global = g;
  g.print = (...args: unknown[]) => {
    out.push(args.map((a) => String(a)).join(' '));
  };
  try {
    vm.runInContext(code, context, { filename: 'snippet.js', timeout: 20000 });
  } catch (e) {
    out.push(`Uncaught Error: ${(e as Error).message}`);
  }
  return out.join('\n');
}

/** The snippet as the whole Node host runs firmware (device/sim/host: realm plus its E, Date, timers, Storage, ...),
 *  for snippets that use the device's globals. Lines printed while the snippet ran synchronously, or until `waitMs`. */
export async function runOnHost(code: string, waitMs = 0): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'espruino-host-snippet-'));
  const out: string[] = [];
  const host = await startHost({ code, storageDir: dir, log: (line) => (line.startsWith('host: ') ? undefined : out.push(line)) });
  try {
    if (waitMs) await new Promise((resolve) => setTimeout(resolve, waitMs));
    return out.join('\n');
  } finally {
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
