// Fills a working directory's Storage (./espruino.flash) the way a board is flashed: an interpreter with its telnet
// console, started in that directory (empty Storage: nothing boots), and our console uploader (cli/console-upload.ts,
// the one `mep upload` uses) writing the files over tcp://127.0.0.1:2323. Under the cross-process telnet lock;
// afterwards this directory's flash file must hold the files (proof that the console reached was this process).
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { openConsole } from '../../cli/console-link';
import { ConsoleSession, uploadOver, UploadFile, UploadReport } from '../../cli/console-upload';
import { Interpreter } from './interpreter';
import { TELNET_PORT, withTelnetLock } from './telnet-lock';

/** Chunk size over telnet (as `mep upload` uses for tcp://). */
const CHUNK = 4096;

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export interface FlashOptions {
  binary: string;
  dir: string;
  files: UploadFile[];
  /** Erased first (names, or prefixes ending in '*'). */
  erase?: string[];
}

/** Writes `files` into dir/espruino.flash. */
export function flashStorage(o: FlashOptions): Promise<UploadReport> {
  return withTelnetLock(async () => {
    const board = new Interpreter({ binary: o.binary, dir: o.dir, pool: 16383, args: ['--telnet'], restart: false });
    board.start();
    try {
      const until = Date.now() + 10000;
      while (!(await portOpen(TELNET_PORT))) {
        if (Date.now() > until) throw new Error(`the interpreter's telnet console did not open port ${TELNET_PORT}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const link = await openConsole(`tcp://127.0.0.1:${TELNET_PORT}`);
      let report: UploadReport;
      try {
        const session = new ConsoleSession(link);
        await session.start();
        report = await uploadOver(session, o.files, { erase: o.erase, chunkBytes: CHUNK, finish: 'none' });
      } finally {
        await link.close();
      }
      const flash = join(o.dir, 'espruino.flash');
      const last = o.files[o.files.length - 1];
      if (last && (!existsSync(flash) || !readFileSync(flash).includes(Buffer.from(last.data)))) {
        throw new Error(`another interpreter answered on port ${TELNET_PORT}: ${flash} does not hold ${last.name}`);
      }
      return report;
    } finally {
      await board.stop();
    }
  });
}
