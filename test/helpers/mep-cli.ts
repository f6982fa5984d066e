// Runs the `mep` command as a user would (node bin/mep.js …) and captures its output.
import { ChildProcess, execFile, spawn } from 'child_process';
import { join } from 'path';

export const MEP = join(__dirname, '..', '..', 'bin', 'mep.js');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function mep(args: string[], input?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [MEP, ...args], { timeout: 20000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as NodeJS.ErrnoException & { code?: number }).code as unknown as number) ?? 1 : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Starts a long-running mep command and resolves once its stderr matches `ready`. */
export function mepBackground(args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray; stderr: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MEP, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => reject(new Error(`mep ${args.join(' ')} did not get ready: ${err}`)), 15000);
    child.stderr!.on('data', (d) => {
      err += d.toString();
      const m = err.match(ready);
      if (m) {
        clearTimeout(timer);
        resolve({ child, match: m, stderr: () => err });
      }
    });
    child.on('exit', (code) => reject(new Error(`mep ${args.join(' ')} exited ${code}: ${err}`)));
  });
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
}
