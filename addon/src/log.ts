// The add-on's log: one line per message on stdout (the add-on log tab, home-assistant.md §1.4), filtered by the
// configured level. Callers redact secrets; this adds no formatting beyond time, level and source.
import { LogLevel } from './options/types';
import { Logger } from './service';

const RANK: { [level in LogLevel]: number } = { debug: 0, info: 1, warning: 2, error: 3 };

export type LogSink = (line: string) => void;

export function createLogger(level: LogLevel, source: string, sink: LogSink = (line) => process.stdout.write(line + '\n')): Logger {
  const write = (at: LogLevel, message: string): void => {
    if (RANK[at] < RANK[level]) return;
    sink(`${new Date().toISOString()} ${at.toUpperCase()} [${source}] ${message}`);
  };
  return {
    debug: (m) => write('debug', m),
    info: (m) => write('info', m),
    warn: (m) => write('warning', m),
    error: (m) => write('error', m),
  };
}
