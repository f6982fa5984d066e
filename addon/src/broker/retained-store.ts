// The embedded broker's retained messages on disk, so discovery, availability and update states survive an
// add-on restart (issue 5). One JSON file under the data dir, rewritten at most every `debounceMs` through a temp
// file + rename (a crash leaves the old or the new file, never half of one). Retained messages on command topics
// are never written: a config command can carry the MBK key (contract.ts ConfigCommand).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AtomicFileWriter } from '../persist/atomic-file';
import { Logger } from '../service';
import { RETAINED_QUOTA } from './retained-quota';

export interface RetainedMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
}

interface FileShape {
  version: 1;
  messages: { topic: string; payload: string; qos: number }[];
}

/** Upper bounds of what is kept (a misbehaving client must not fill the disk): the broker's whole-store quota
 *  (retained-quota.ts; the per-module quota is applied by the broker before anything reaches this store). */
export const RETAINED_LIMITS = RETAINED_QUOTA.total;

export function isSecretBearingTopic(topic: string): boolean {
  return topic.split('/').indexOf('cmd') >= 0;
}

/** Parses the file's text; unreadable entries are skipped, a corrupt file gives []. */
export function parseRetainedFile(text: string): RetainedMessage[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  const messages = (parsed as Partial<FileShape> | null)?.messages;
  if (!Array.isArray(messages)) return [];
  const out: RetainedMessage[] = [];
  for (const m of messages as unknown[]) {
    const e = m as { topic?: unknown; payload?: unknown; qos?: unknown };
    if (typeof e.topic !== 'string' || e.topic === '' || typeof e.payload !== 'string') continue;
    const qos = e.qos === 1 || e.qos === 2 ? e.qos : 0;
    const payload = Buffer.from(e.payload, 'base64');
    if (payload.length === 0 || isSecretBearingTopic(e.topic)) continue;
    out.push({ topic: e.topic, payload, qos });
  }
  return out;
}

export class RetainedStore {
  private readonly messages = new Map<string, RetainedMessage>();
  private bytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly writer: AtomicFileWriter;

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
    private readonly debounceMs = 1000,
  ) {
    this.writer = new AtomicFileWriter(file, (m) => logger.error(`could not save retained messages: ${m}`));
  }

  static fileIn(dataDir: string): string {
    return join(dataDir, 'retained.json');
  }

  /** The stored messages (read once at start-up). */
  load(): RetainedMessage[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    const loaded = parseRetainedFile(text);
    let dropped = 0;
    for (const m of loaded) {
      // A file written before the quota existed (issue 11: 44.7 MB) is cut back to it, not loaded whole.
      if (this.messages.size >= RETAINED_LIMITS.messages || this.bytes + m.payload.length + m.topic.length > RETAINED_LIMITS.bytes) dropped++;
      else this.remember(m);
    }
    if (dropped > 0) {
      this.logger.warn(`dropped ${dropped} retained message(s) over the store's quota`);
      this.schedule();
    }
    this.logger.info(`restored ${this.messages.size} retained message(s)`);
    return [...this.messages.values()];
  }

  /** What the broker stored: an empty payload deletes (MQTT 3.1.1 §3.3.1.3). */
  record(topic: string, payload: Buffer, qos: 0 | 1 | 2): void {
    if (isSecretBearingTopic(topic)) return;
    const old = this.messages.get(topic);
    if (old) {
      this.bytes -= old.payload.length + topic.length;
      this.messages.delete(topic);
    }
    if (payload.length > 0) {
      if (this.messages.size >= RETAINED_LIMITS.messages || this.bytes + payload.length > RETAINED_LIMITS.bytes) {
        this.logger.warn(`retained message on ${topic} not persisted: store full`);
      } else {
        this.remember({ topic, payload: Buffer.from(payload), qos });
      }
    }
    this.schedule();
  }

  /** Writes pending changes now (broker shutdown). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      this.write();
    }
    await this.writer.settled();
  }

  private remember(m: RetainedMessage): void {
    this.messages.set(m.topic, m);
    this.bytes += m.payload.length + m.topic.length;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.write();
    }, this.debounceMs);
  }

  private write(): void {
    const shape: FileShape = {
      version: 1,
      messages: [...this.messages.values()].map((m) => ({ topic: m.topic, payload: m.payload.toString('base64'), qos: m.qos })),
    };
    const text = JSON.stringify(shape);
    void this.writer.write(text);
  }
}
