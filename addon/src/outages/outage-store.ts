// The outage watch's state on disk (<data dir>/outages.json): per meter the log it reads (ET81 or BT74), the newest
// sequence number dealt with, the newest outage (the "Last outage" sensor) and since when it is watched, so that a
// restart of the add-on neither announces an outage twice nor misses one that happened meanwhile. Written atomically
// (persist/atomic-file.ts); a corrupt entry is dropped, never trusted (that meter starts afresh: no flood, see
// new-outages.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeviceId } from '../../../discovery/topics';
import { AtomicFileWriter } from '../persist/atomic-file';
import { Logger } from '../service';
import { Outage, OutageCursor } from './new-outages';

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const seq = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff;

function checkedOutage(v: unknown): Outage | null {
  const o = v as Partial<Outage> | null;
  if (typeof o !== 'object' || o === null) return null;
  if (!seq(o.seq) || !finite(o.startMs) || !finite(o.endMs) || !finite(o.durationS) || o.endMs < o.startMs) return null;
  return { seq: o.seq, startMs: o.startMs, endMs: o.endMs, durationS: o.durationS };
}

export function checkedCursor(v: unknown): OutageCursor | null {
  const c = v as Partial<OutageCursor> | null;
  if (typeof c !== 'object' || c === null) return null;
  if (c.source !== null && c.source !== 'ET81' && c.source !== 'BT74') return null;
  if (c.lastSeq !== null && !seq(c.lastSeq)) return null;
  if (!finite(c.watchingSince)) return null;
  const last = c.last === null ? null : checkedOutage(c.last);
  if (c.last !== null && last === null) return null;
  return { source: c.source ?? null, lastSeq: c.lastSeq ?? null, last, watchingSince: c.watchingSince };
}

export class OutageStore {
  private readonly writer: AtomicFileWriter;

  constructor(private readonly file: string, private readonly log: Logger) {
    this.writer = new AtomicFileWriter(file, (m) => log.error(`could not save the outage watch: ${m}`));
  }

  static fileIn(dataDir: string): string {
    return join(dataDir, 'outages.json');
  }

  load(): Map<string, OutageCursor> {
    const out = new Map<string, OutageCursor>();
    let parsed: { meters?: { [id: string]: unknown } } | null;
    try {
      parsed = JSON.parse(readFileSync(this.file, 'utf8')) as { meters?: { [id: string]: unknown } };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn(`${this.file} is unreadable: the outage watch starts afresh`);
      return out;
    }
    for (const [id, value] of Object.entries(parsed?.meters ?? {})) {
      const c = isDeviceId(id) ? checkedCursor(value) : null;
      if (c) out.set(id, c);
      else this.log.warn(`dropped an unreadable outage watch entry from ${this.file}`);
    }
    return out;
  }

  /** Resolves once `meters` is on disk. */
  save(meters: Map<string, OutageCursor>): Promise<void> {
    return this.writer.write(JSON.stringify({ version: 1, meters: Object.fromEntries(meters) }));
  }

  flush(): Promise<void> {
    return this.writer.settled();
  }
}
