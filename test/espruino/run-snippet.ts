// Runs one JavaScript snippet on the real Espruino interpreter (script-file mode: `<binary> snippet.js` in a fresh
// temporary directory, so Storage starts empty) and in the Node host's realm (a vm context shaped like Espruino by
// device/sim/host/strip.ts, as device/sim/host/host.ts builds it). Both give the text the snippet print()ed, one line
// per call, so a test can compare them (test/espruino/semantics.test.ts).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vm from 'node:vm';
import { OBJECT_EVENTS_SCRIPT, stripEspruinoGlobals } from '../../device/sim/host/strip';

/** Lines before this one (inclusive) are the banner every run prints (shared/espruino/README.md "Running"). */
const BANNER_END = 'espruino.com/Donate';

/** What print() wrote, one line per call. The banner, the closing `>` prompt and \r are removed. */
export function runOnInterpreter(binary: string, code: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'espruino-snippet-'));
  try {
    writeFileSync(join(dir, 'snippet.js'), code, 'latin1');
    const env = { ...process.env };
    delete env.ESPR_VARS;
    const run = spawnSync(binary, ['snippet.js'], { cwd: dir, env, timeout: 20000, encoding: 'latin1' });
    if (run.error) throw run.error;
    const lines = run.stdout.replace(/\r/g, '').split('\n');
    const banner = lines.findIndex((l) => l.includes(BANNER_END));
    let body = banner >= 0 ? lines.slice(banner + 1) : lines;
    while (body.length && body[0] === '') body = body.slice(1);
    const text = body.join('\n');
    return text.endsWith('>') ? text.slice(0, -1).replace(/\n$/, '') : text;
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
