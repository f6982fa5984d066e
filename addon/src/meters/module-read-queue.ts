// One queue of raw reads per module for every reader in the add-on (the backfill and the outage watch): a module
// takes one cmd/read at a time (it answers "a read is already in progress" to a second one), and the meter behind it
// should see at most one of our table reads a second on average (guide pp. 51, 260). Each reader already spaces its
// own reads; this keeps two readers from interleaving theirs: a read starts only when the previous one through the
// same module has ended, and `spacingMs` after that.
import type { CommandResult, ReadCommand } from '../../../discovery/contract';
import type { ReadSender } from './raw-read';

export class ModuleReadQueue implements ReadSender {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly lastEnd = new Map<string, number>();

  constructor(private readonly sender: ReadSender, private readonly spacingMs = 1000) {}

  read(deviceId: string, cmd: Omit<ReadCommand, 'id'>): Promise<CommandResult> {
    const before = this.tails.get(deviceId) ?? Promise.resolve();
    const result = before.then(async () => {
      const wait = (this.lastEnd.get(deviceId) ?? -Infinity) + this.spacingMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      try {
        return await this.sender.read(deviceId, cmd);
      } finally {
        this.lastEnd.set(deviceId, Date.now());
      }
    });
    const tail = result.then(() => undefined, () => undefined);
    this.tails.set(deviceId, tail);
    void tail.then(() => {
      if (this.tails.get(deviceId) === tail) this.tails.delete(deviceId);
    });
    return result;
  }
}
