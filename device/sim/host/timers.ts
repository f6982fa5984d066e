// Espruino timers (src/jswrap_interactive.c): integer ids from 1, one table for timeouts and intervals,
// clearTimeout()/clearInterval() with `undefined` clears EVERY timer, and an unknown id throws "Unknown Timeout".
import { Realm, realmError } from './realm';
import { Runner } from './runner';

export class EspruinoTimers {
  private nextId = 1;
  private readonly table = new Map<number, { handle: NodeJS.Timeout; interval: boolean; fn: unknown; args: unknown[]; ms: number }>();

  constructor(
    private readonly realm: Realm,
    private readonly runner: Runner,
  ) {}

  private add(fn: unknown, ms: unknown, args: unknown[], interval: boolean): number {
    if (typeof fn !== 'function') throw realmError(this.realm, 'Function or String not supplied!');
    const id = this.nextId++;
    const delay = Math.max(0, Number(ms) || 0);
    const fire = (): void => {
      if (!interval) this.table.delete(id);
      this.runner.call(fn, undefined, args);
    };
    const handle = interval ? setInterval(fire, Math.max(1, delay)) : setTimeout(fire, delay);
    this.table.set(id, { handle, interval, fn, args, ms: delay });
    return id;
  }

  private clear(id: unknown, what: string): void {
    if (id === undefined) {
      for (const t of this.table.values()) clearTimeout(t.handle);
      this.table.clear();
      return;
    }
    const t = this.table.get(Number(id));
    if (!t) throw realmError(this.realm, `Unknown ${what}`);
    clearTimeout(t.handle);
    this.table.delete(Number(id));
  }

  /** The Espruino globals backed by this table. */
  globals(): Record<string, unknown> {
    return {
      setTimeout: (fn: unknown, ms?: unknown, ...args: unknown[]) => this.add(fn, ms, args, false),
      setInterval: (fn: unknown, ms?: unknown, ...args: unknown[]) => this.add(fn, ms, args, true),
      clearTimeout: (...a: unknown[]) => this.clear(a[0], 'Timeout'),
      clearInterval: (...a: unknown[]) => this.clear(a[0], 'Interval'),
      changeInterval: (id: unknown, ms: unknown) => {
        const t = this.table.get(Number(id));
        if (!t || !t.interval) throw realmError(this.realm, 'Unknown Interval');
        clearTimeout(t.handle);
        this.table.delete(Number(id));
        const again = this.add(t.fn, ms, t.args, true);
        // keep the caller's id
        const entry = this.table.get(again)!;
        this.table.delete(again);
        this.table.set(Number(id), entry);
      },
    };
  }

  /** Number of pending timers. */
  get size(): number {
    return this.table.size;
  }

  clearAll(): void {
    for (const t of this.table.values()) clearTimeout(t.handle);
    this.table.clear();
  }
}
