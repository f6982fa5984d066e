// A pseudo-terminal pair from socat (`pty,raw,echo=0` twice): the simulated meter on one end, the interpreter's
// Serial2 on the other. Needs socat (apt-get install socat): a missing binary is an error, never a skip.
import { ChildProcess, spawn } from 'node:child_process';
import { diesWithParent } from './orphan-guard';

export interface PtyPair {
  /** The two device paths (/dev/pts/N). */
  a: string;
  b: string;
  close(): Promise<void>;
}

export function ptyPair(): Promise<PtyPair> {
  return new Promise((resolve, reject) => {
    const [command, args] = diesWithParent('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0']);
    const proc: ChildProcess = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`socat did not open a pty pair within 5 s: ${err}`));
    }, 5000);
    proc.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`socat is required (apt-get install socat): ${e.message}`));
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`socat exited (${code}): ${err}`));
    });
    proc.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const ptys = [...err.matchAll(/PTY is (\S+)/g)].map((m) => m[1] as string);
      if (ptys.length === 2 && err.includes('starting data transfer loop')) {
        clearTimeout(timer);
        proc.removeAllListeners('exit');
        resolve({
          a: ptys[0] as string,
          b: ptys[1] as string,
          close: () =>
            new Promise<void>((done) => {
              if (proc.exitCode !== null || proc.signalCode !== null) return done();
              proc.once('exit', () => done());
              proc.kill('SIGKILL');
            }),
        });
      }
    });
  });
}
