// Writes one file of the add-on's data folder atomically and in order: each text goes to a temp file (0600: the
// stores may hold what only the add-on should read) and is renamed over the file, so a crash leaves the old or the
// new content, never half of one; writes queue behind each other, and a failed one is logged, not thrown.
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';

export class AtomicFileWriter {
  private writing: Promise<void> = Promise.resolve();

  /** `onError` gets the message of a write that failed (the store says what was not saved). */
  constructor(private readonly file: string, private readonly onError: (message: string) => void) {}

  /** Queues `text` as the file's next content; resolves once it (and everything queued before) is on disk. */
  write(text: string): Promise<void> {
    const tmp = `${this.file}.${process.pid}.tmp`;
    this.writing = this.writing
      .then(async () => {
        await fs.mkdir(dirname(this.file), { recursive: true });
        await fs.writeFile(tmp, text, { mode: 0o600 });
        await fs.rename(tmp, this.file);
      })
      .catch((err: Error) => this.onError(err.message));
    return this.writing;
  }

  /** Resolves when every write queued so far is done. */
  settled(): Promise<void> {
    return this.writing;
  }
}
