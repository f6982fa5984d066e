// Child processes of the tests die with the test process: an interpreter left behind by a killed jest would spin a
// core forever (the Linux build never sleeps while it has a socket). `setpriv --pdeathsig KILL` (util-linux, part of
// every Debian) makes the kernel send SIGKILL when the parent goes; it execs the program, so the pid stays the same.
import { existsSync } from 'node:fs';

const SETPRIV = '/usr/bin/setpriv';

/** [command, args] that run `command args` and die with this process. */
export function diesWithParent(command: string, args: string[]): [string, string[]] {
  return existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'KILL', '--', command, ...args]] : [command, args];
}
