// Every entry into firmware code goes through here, like Espruino's idle loop running one event at a time
// (espruino.md §1.1). Each call runs under a V8 time limit so that a busy loop is caught: with the watchdog enabled
// that is a watchdog reset, without it the host halts the device. An exception that escapes a callback goes to
// process.on('uncaughtException') handlers, else is printed, as Espruino does; the device keeps running.
import * as vm from 'vm';
import { Fn, Realm } from './realm';

const SLOT = '\u0000hostCall';
const CALL = new vm.Script(`this[${JSON.stringify(SLOT)}]()`, { filename: 'espruino-host-call' });

export interface RunnerHooks {
  /** Time limit for one call, ms. */
  limitMs(): number;
  /** A call ran past the limit (V8 has stopped it). */
  onTimeout(): void;
  /** An exception escaped a call. */
  onUncaught(error: unknown): void;
  /** After every call and its promise jobs (microtaskMode 'afterEvaluate'): report unhandled rejections. */
  afterCall(): void;
}

export class Runner {
  private depth = 0;
  private dead = false;

  constructor(
    private readonly realm: Realm,
    private readonly hooks: RunnerHooks,
  ) {
    Object.defineProperty(realm.global, SLOT, { value: null, writable: true, enumerable: false, configurable: true });
  }

  get alive(): boolean {
    return !this.dead;
  }

  kill(): void {
    this.dead = true;
  }

  /** Runs source text (the bundle) in the context under the time limit. */
  evaluate(code: string, filename: string): void {
    this.enter(() => vm.runInContext(code, this.realm.context, { filename, timeout: this.hooks.limitMs() }));
  }

  /** Calls a firmware function now. Nested calls (firmware → host → firmware) run directly. */
  call(fn: unknown, thisArg: unknown, args: unknown[]): void {
    if (this.dead || typeof fn !== 'function') return;
    if (this.depth > 0) {
      (fn as Fn).apply(thisArg, args);
      return;
    }
    this.enter(() => {
      this.realm.global[SLOT] = () => (fn as Fn).apply(thisArg, args);
      try {
        CALL.runInContext(this.realm.context, { timeout: this.hooks.limitMs() });
      } finally {
        this.realm.global[SLOT] = null;
      }
    });
  }

  /** Calls a firmware function from the host's event loop (the way Espruino queues events). */
  post(fn: unknown, thisArg: unknown, args: unknown[]): void {
    this.defer(() => this.call(fn, thisArg, args));
  }

  /** Runs host code on the event loop, in order, unless the device has died meanwhile. */
  defer(task: () => void): void {
    if (this.dead) return;
    setImmediate(() => {
      if (!this.dead) task();
    });
  }

  private enter(run: () => void): void {
    let failed = false;
    let error: unknown;
    this.depth++;
    try {
      run();
    } catch (err) {
      failed = true;
      error = err;
    } finally {
      this.depth--;
    }
    if (this.depth === 0 && !this.dead) this.hooks.afterCall();
    if (!failed) return;
    if ((error as { code?: string } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') this.hooks.onTimeout();
    else if (!this.dead) this.hooks.onUncaught(error);
  }
}
