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

export function createLogger(sink: LogSink, namespace: string, level: Level): Logger {
  const max = ORDER[level] as number;
  const out = (l: Level, message: string) => {
    if ((ORDER[l] as number) <= max) sink(`[${namespace}] ${l}: ${message}`);
  };
  return {
    error: (m: string) => out('error', m),
    warn: (m: string) => out('warn', m),
    info: (m: string) => out('info', m),
    debug: (m: () => string) => {
      if (max >= 3) out('debug', m());
    },
  };
}
