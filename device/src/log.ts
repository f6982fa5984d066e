// Levelled, namespaced logger for the firmware (architecture C9). Debug messages are thunks, built only when on.
// Nothing secret is ever passed here: callers log redacted settings and never keys or passwords.

export type Level = 'error' | 'warn' | 'info' | 'debug';
const ORDER: { [level: string]: number } = { error: 0, warn: 1, info: 2, debug: 3 };

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: () => string): void;
}

export interface LogSink {
  (line: string): void;
}

/** One class, so the methods exist once on its prototype: every closure-based logger instance cost ~45 Espruino JsVars
 *  (each function ~7, espruino.md §3), an instance of this costs its three fields. */
class NamespacedLogger implements Logger {
  constructor(
    private readonly sink: LogSink,
    private readonly namespace: string,
    private readonly max: number,
  ) {}

  private out(l: Level, message: string): void {
    if ((ORDER[l] as number) <= this.max) this.sink(`[${this.namespace}] ${l}: ${message}`);
  }

  error(m: string): void {
    this.out('error', m);
  }

  warn(m: string): void {
    this.out('warn', m);
  }

  info(m: string): void {
    this.out('info', m);
  }

  debug(m: () => string): void {
    if (this.max >= 3) this.out('debug', m());
  }
}

export function createLogger(sink: LogSink, namespace: string, level: Level): Logger {
  return new NamespacedLogger(sink, namespace, ORDER[level] as number);
}
