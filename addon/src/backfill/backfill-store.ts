// The backfill's state on disk (<data dir>/backfill.json): per meter the hours filled so far, the last run and its
// message (the panel's meter view), the hour before which the meter's memory holds nothing any more (never asked
// again), and the frozen hours the meter confirmed (not asked again). Written atomically (persist/atomic-file.ts);
// a corrupt entry is dropped, never trusted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AtomicFileWriter } from '../persist/atomic-file';
import { isDeviceId } from '../../../discovery/topics';
import { Logger } from '../service';

export interface BackfillState {
  filledHours: number;
  lastRun: number | null;
  message: string;
  /** Hours before this (epoch ms) are older than the meter's load profile: given up. */
  notBefore: number | null;
  /** Frozen hours (plan.ts frozenHours) the meter's profile confirmed: not read again (within the lookback). */
  verified?: number[];
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function checkedBackfill(v: unknown): BackfillState | null {
  const s = v as Partial<BackfillState> | null;
  if (typeof s !== 'object' || s === null) return null;
  if (!finite(s.filledHours) || s.filledHours < 0 || typeof s.message !== 'string') return null;
  if (s.lastRun !== null && !finite(s.lastRun)) return null;
  if (s.notBefore !== null && !finite(s.notBefore)) return null;
  const out: BackfillState = { filledHours: s.filledHours, lastRun: s.lastRun ?? null, message: s.message, notBefore: s.notBefore ?? null };
  if (s.verified !== undefined) {
    if (!Array.isArray(s.verified) || !s.verified.every(finite)) return null;
    out.verified = s.verified;
  }
  return out;
}

export class BackfillStore {
  private readonly writer: AtomicFileWriter;

  constructor(private readonly file: string, private readonly log: Logger) {
    this.writer = new AtomicFileWriter(file, (m) => log.error(`could not save the backfill state: ${m}`));
  }

  static fileIn(dataDir: string): string {
    return join(dataDir, 'backfill.json');
  }

  load(): Map<string, BackfillState> {
    const out = new Map<string, BackfillState>();
    let parsed: { meters?: { [id: string]: unknown } } | null;
    try {
      parsed = JSON.parse(readFileSync(this.file, 'utf8')) as { meters?: { [id: string]: unknown } };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn(`${this.file} is unreadable: the backfill starts afresh`);
      return out;
    }
    for (const [id, value] of Object.entries(parsed?.meters ?? {})) {
      const s = isDeviceId(id) ? checkedBackfill(value) : null;
      if (s) out.set(id, s);
      else this.log.warn(`dropped an unreadable backfill entry from ${this.file}`);
    }
    return out;
  }

  /** Resolves when every save asked for so far is on disk. */
  flush(): Promise<void> {
    return this.writer.settled();
  }

  save(meters: Map<string, BackfillState>): Promise<void> {
    const text = JSON.stringify({ version: 1, meters: Object.fromEntries(meters) });
    return this.writer.write(text);
  }
}
