// One Espruino interpreter process in interactive mode (no script argument), in its own working directory: it boots
// from ./espruino.flash like a board at power-on (.boot0 … .bootcde). Stdin stays an open pipe (the console input),
// stdout is split into console lines. When the firmware reboots (E.reboot() exits the Linux build with status 1), or
// on powerOn() after a cut, the process is started again in the same directory, keeping Storage.
//
// Nothing is typed on stdin while the firmware runs: the Linux build reads stdin (and the ptys) in a second thread
// that pushes into the same unlocked event queue the interpreter pops from, and under load a typed line can be
// corrupted or the queue replayed (old lines run again). The harness asks the device over TCP instead
// (platform-stub.ts).
import { ChildProcess, spawn } from 'node:child_process';
import { diesWithParent } from './orphan-guard';
import { appendFileSync } from 'node:fs';

const CONSOLE_FILE = process.env.MEP_ESPRUINO_CONSOLE || '';

export interface InterpreterOptions {
  binary: string;
  /** Working directory: ./espruino.flash lives here. */
  dir: string;
  /** JsVar pool size (ESPR_VARS). */
  pool: number;
  /** Extra arguments (e.g. --telnet). */
  args?: string[];
  /** Start again when the process exits by itself (a reboot). Default true. */
  restart?: boolean;
  onLine?: (line: string, boot: number) => void;
  /** How a process ended (exit code or signal, as in `exits`), before it is started again. */
  onExit?: (how: string, boot: number) => void;
  /** Lines left out of tail() (e.g. periodic status lines). */
  hide?: RegExp;
}

export interface ConsoleLine {
  boot: number;
  text: string;
}

export class Interpreter {
  readonly lines: ConsoleLine[] = [];
  /** How each process ended: exit code or signal. */
  readonly exits: string[] = [];
  boots = 0;
  private child: ChildProcess | null = null;
  private stopping = false;
  private partial = '';
  private waiters: (() => void)[] = [];

  constructor(private readonly options: InterpreterOptions) {}

  get running(): boolean {
    return this.child !== null;
  }

  /** Starts the process (power on). */
  start(): void {
    if (this.child) return;
    this.stopping = false;
    this.boots++;
    const boot = this.boots;
    const [command, args] = diesWithParent(this.options.binary, this.options.args ?? []);
    const child = spawn(command, args, {
      cwd: this.options.dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ESPR_VARS: String(this.options.pool) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    this.partial = '';
    child.stdin!.on('error', () => undefined); // writing to a process that just died
    child.stdout!.on('data', (d: Buffer) => this.onOutput(d.toString('latin1'), boot));
    child.stderr!.on('data', () => undefined); // "espruino: ..." start-up notes only
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      const how = signal ? signal : `exit ${code}`;
      this.exits.push(how);
      this.options.onExit?.(how, boot);
      this.wake();
      // A reboot: power on again shortly (a crash loop must not spin up processes back to back).
      if (!this.stopping && this.options.restart !== false) {
        setTimeout(() => {
          if (!this.stopping) this.start();
        }, 100);
      }
    });
  }

  private onOutput(text: string, boot: number): void {
    this.partial += text;
    let nl = this.partial.indexOf('\n');
    while (nl >= 0) {
      // The REPL redraws its prompt before printed output: ">\r\x1b[J" (prompt, carriage return, clear line).
      let line = this.partial.slice(0, nl).replace(/\r$/, '');
      const redraw = line.indexOf('\r\u001b[J');
      if (redraw >= 0 && redraw <= 1) line = line.slice(redraw + 4);
      this.partial = this.partial.slice(nl + 1);
      this.lines.push({ boot, text: line });
      // A debugging aid: every console line, timed, appended to the file MEP_ESPRUINO_CONSOLE names.
      if (CONSOLE_FILE) appendFileSync(CONSOLE_FILE, `${new Date().toISOString().slice(11, 23)} [${boot}] ${line}\n`);
      this.options.onLine?.(line, boot);
      nl = this.partial.indexOf('\n');
    }
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves when `test` holds (checked on every output and exit), rejects after `ms`. */
  until(what: string, test: () => boolean, ms = 30000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}\n${this.tail(25)}`)), ms);
      const check = (): void => {
        if (test()) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(check);
      };
      check();
    });
  }

  /** The first console line matching `pattern` from index `after` on. */
  async line(pattern: RegExp, options: { after?: number; ms?: number } = {}): Promise<string> {
    const from = options.after ?? 0;
    let hit: string | undefined;
    await this.until(`a console line matching ${pattern}`, () => {
      hit = this.lines.slice(from).find((l) => pattern.test(l.text))?.text;
      return hit !== undefined;
    }, options.ms);
    return hit as string;
  }

  /** Position in `lines` to wait for what follows an action. */
  mark(): number {
    return this.lines.length;
  }

  tail(n: number): string {
    const hide = this.options.hide;
    const shown = hide ? this.lines.filter((l) => !hide.test(l.text)) : this.lines;
    return shown.slice(-n).map((l) => `[${l.boot}] ${l.text}`).join('\n');
  }

  /** Power cut: SIGKILL, no restart until start(). */
  async kill(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGKILL');
    await gone;
  }

  /** Stops for good. SIGKILL: interactive mode ignores SIGTERM, and typing quit() could be mangled (see above);
   *  nothing is lost, each Storage write is closed on the host file system when it returns. */
  async stop(): Promise<void> {
    await this.kill();
  }
}
