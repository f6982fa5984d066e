// Writes files into an Espruino board's Storage over its JavaScript console (serial or telnet), without the espruino
// CLI: one line per 1 KB chunk, `Storage.write(name, atob(b64), offset, total)`, each answered by an acknowledgement
// line before the next is sent (piping many lines at once into the console is not reliable), then a read-back check
// (E.CRC32 of Storage.read(name) against the local CRC-32). The console link itself is opened by console-link.ts.
//
// Every command line starts with DLE (0x10), which tells Espruino not to echo that line, and prints its answer as
// "<tag><n>" built from two string literals, so that the echo of a command (should it be echoed anyway) never looks
// like its answer.
import { crc32 } from './crc32';

/** A console byte stream (text is latin1: one char per byte). */
export interface ConsoleLink {
  write(text: string): void;
  onData(listener: (text: string) => void): void;
  close(): Promise<void>;
}

export interface UploadFile {
  name: string;
  data: Uint8Array;
}

/** How the board is left after the upload: rebooted (E.reboot()), reloaded from Storage (load()), or as it is. */
export type Finish = 'reboot' | 'load' | 'none';

export interface UploadOptions {
  /** Storage files erased before anything is written (so a cut-off upload never boots half an app); a name ending
   *  in '*' erases every file starting with the rest. */
  erase?: string[];
  finish?: Finish;
  /** Bytes per Storage.write line. Default 1024. */
  chunkBytes?: number;
  /** Longest wait for one answer, ms. Default 10000. */
  answerMs?: number;
  progress?: (file: string, written: number, total: number) => void;
}

export interface UploadReport {
  bytes: number;
  ms: number;
}

const DLE = '\x10';
const CTRL_C = '\x03';
/** Longest Storage file name (src/jsflash.h: 28-byte name field; longer names are silently cut). */
const MAX_NAME = 28;

/** A console session: sends one command at a time and waits for its answer line. */
export class ConsoleSession {
  /** Console output since the last command was sent. */
  private received = '';
  private waiter: (() => void) | null = null;
  private next = 1;

  constructor(private readonly link: ConsoleLink, private readonly answerMs = 10000) {
    link.onData((text) => {
      this.received += text;
      if (this.received.length > 65536) this.received = this.received.slice(-4096);
      const w = this.waiter;
      this.waiter = null;
      if (w) w();
    });
  }

  /** Interrupts whatever is typed or running, turns echo off and checks that the console answers. */
  async start(): Promise<void> {
    // One Ctrl-C only: the Linux build exits on a second one.
    this.link.write(CTRL_C);
    await new Promise((r) => setTimeout(r, 200));
    await this.run('echo(0)');
  }

  /** Runs `code` (one statement list, no newline) and resolves once it finished; rejects with its exception. */
  async run(code: string): Promise<void> {
    await this.ask(code, '""');
  }

  /** Runs `code`, then evaluates `expression` on the board and resolves with its printed value. */
  async ask(code: string, expression: string): Promise<string> {
    if (code.includes('\n') || expression.includes('\n')) throw new Error('console commands are single lines');
    const n = this.next++;
    this.received = '';
    this.link.write(`${DLE}try{${code};print("ACK"+"${n} "+(${expression})+" /${n}")}catch(e){print("NAK"+"${n} "+e+" /${n}")}\n`);
    const [tag, value] = await this.answer(n);
    if (tag === 'ACK') return value;
    throw new Error(`the board refused: ${value}`);
  }

  /** Sends `code` without waiting for an answer (E.reboot(): the board goes away). */
  send(code: string): void {
    this.link.write(`${DLE}${code}\n`);
  }

  /** The answer to command `n`: "ACK<n> <value> /<n>" or "NAK<n> <error> /<n>". Found without waiting for the line
   *  end, which Espruino's TCP stack may send a delayed-ACK round trip (~40 ms) later. */
  private answer(n: number): Promise<[string, string]> {
    const pattern = new RegExp(`(ACK|NAK)${n} (.*) /${n}`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`no answer from the board's console within ${this.answerMs} ms`));
      }, this.answerMs);
      const check = (): void => {
        const m = pattern.exec(this.received);
        if (m) {
          clearTimeout(timer);
          resolve([m[1] as string, m[2] as string]);
          return;
        }
        this.waiter = check;
      };
      check();
    });
  }
}

const q = (s: string): string => JSON.stringify(s);

/** Writes one Storage file in chunks (creating it pre-sized at offset 0) and checks its CRC-32 read back. */
export async function writeFile(session: ConsoleSession, file: UploadFile, options: UploadOptions = {}): Promise<void> {
  const { name, data } = file;
  if (name.length === 0 || name.length > MAX_NAME) throw new Error(`Storage file name "${name}" must have 1 to ${MAX_NAME} characters`);
  if (data.length === 0) throw new Error(`${name} is empty: Espruino Storage cannot hold an empty file`);
  const chunk = options.chunkBytes ?? 1024;
  for (let offset = 0; offset < data.length; offset += chunk) {
    const b64 = Buffer.from(data.subarray(offset, offset + chunk)).toString('base64');
    const size = offset === 0 ? `,0,${data.length}` : `,${offset}`;
    await session.run(`require("Storage").write(${q(name)},atob("${b64}")${size})`);
    options.progress?.(name, Math.min(offset + chunk, data.length), data.length);
  }
  const seen = await session.ask('', `(function(f){return f===undefined?"missing":f.length+" "+(E.CRC32(f)>>>0)})(require("Storage").read(${q(name)}))`);
  const expected = `${data.length} ${crc32(data)}`;
  if (seen !== expected) throw new Error(`${name} did not verify: the board has ${seen} (length, CRC-32), expected ${expected}`);
}

/** Erases `options.erase`, writes and verifies every file in order, then finishes (reboot/load/none). */
export async function upload(link: ConsoleLink, files: UploadFile[], options: UploadOptions = {}): Promise<UploadReport> {
  const session = new ConsoleSession(link, options.answerMs);
  await session.start();
  return uploadOver(session, files, options);
}

/** upload() over a session already started. */
export async function uploadOver(session: ConsoleSession, files: UploadFile[], options: UploadOptions = {}): Promise<UploadReport> {
  const started = Date.now();
  for (const name of options.erase ?? []) {
    if (!name.endsWith('*')) await session.run(`require("Storage").erase(${q(name)})`);
    else {
      const prefix = q(name.slice(0, -1));
      await session.run(`require("Storage").list().forEach(function(f){if(f.indexOf(${prefix})===0)require("Storage").erase(f)})`);
    }
  }
  let bytes = 0;
  for (const f of files) {
    await writeFile(session, f, options);
    bytes += f.data.length;
  }
  const finish = options.finish ?? 'none';
  if (finish === 'reboot') session.send('E.reboot()');
  else if (finish === 'load') session.send('load()');
  else await session.run('echo(1)');
  return { bytes, ms: Date.now() - started };
}
