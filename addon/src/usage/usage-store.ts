// The usage figures on disk (<data dir>/usage.json), so an add-on restart keeps this month's peaks, today's and this
// month's starting registers and the last reading (a restart then looks like a short silence: register-tracker.ts
// interpolates across it). Written at most every `delayMs` through a temp file + rename, like the retained store
// (broker/retained-store.ts); a corrupt file or entry is dropped with a warning, never trusted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AtomicFileWriter } from '../persist/atomic-file';
import { isDeviceId } from '../../../discovery/topics';
import { Logger } from '../service';
import { isTimeZone, UNITS } from './local-time';
import { MeterUsageState } from './meter-usage';
import { OpenInterval, Reading } from './register-tracker';

interface FileShape {
  version: 1;
  meters: { [deviceId: string]: MeterUsageState };
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const kwhOrNull = (v: unknown): boolean => v === null || finite(v);

function isReading(v: unknown): v is Reading {
  const r = v as Partial<Reading> | null;
  return typeof r === 'object' && r !== null && finite(r.t) && finite(r.importKwh) && kwhOrNull(r.exportKwh);
}

function isOpen(v: unknown): v is OpenInterval {
  const o = v as Partial<OpenInterval> | null;
  return typeof o === 'object' && o !== null && finite(o.start) && finite(o.importKwh) && kwhOrNull(o.exportKwh) && typeof o.estimated === 'boolean';
}

function isPeakHour(h: unknown): boolean {
  const e = h as { start?: unknown; w?: unknown; estimated?: unknown } | null;
  return typeof e === 'object' && e !== null && finite(e.start) && finite(e.w) && typeof e.estimated === 'boolean';
}

/** One meter's entry if it has the right shape, else null. */
export function checkedUsage(v: unknown): MeterUsageState | null {
  const s = v as { tracker?: { zone?: unknown; last?: unknown; open?: { [k: string]: unknown } }; peaks?: { month?: unknown; top?: unknown; days?: unknown } | null } | null;
  if (typeof s !== 'object' || s === null || typeof s.tracker !== 'object' || s.tracker === null) return null;
  const t = s.tracker;
  if (typeof t.zone !== 'string' || !isTimeZone(t.zone) || (t.last !== null && !isReading(t.last))) return null;
  if (typeof t.open !== 'object' || t.open === null) return null;
  for (const unit of UNITS) if (t.open[unit] !== null && !isOpen(t.open[unit])) return null;
  const p = s.peaks;
  if (p !== null && p !== undefined) {
    if (typeof p !== 'object' || typeof p.month !== 'string' || !/^\d{4}-\d{2}$/.test(p.month) || !Array.isArray(p.top)) return null;
    for (const h of p.top as unknown[]) if (!isPeakHour(h)) return null;
    // Peak days came later: a file without them is fine (they fill from the next hour on).
    if (p.days !== undefined) {
      if (!Array.isArray(p.days)) return null;
      for (const h of p.days as unknown[]) if (!isPeakHour(h) || !/^\d{4}-\d{2}-\d{2}$/.test(String((h as { day?: unknown }).day))) return null;
    }
  }
  return s as MeterUsageState;
}

export class UsageStore {
  private timer: NodeJS.Timeout | null = null;
  private readonly writer: AtomicFileWriter;
  private pending: (() => { [deviceId: string]: MeterUsageState }) | null = null;

  constructor(private readonly file: string, private readonly log: Logger, private readonly delayMs = 5000) {
    this.writer = new AtomicFileWriter(file, (m) => log.error(`could not save the usage figures: ${m}`));
  }

  static fileIn(dataDir: string): string {
    return join(dataDir, 'usage.json');
  }

  load(): Map<string, MeterUsageState> {
    const out = new Map<string, MeterUsageState>();
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return out;
    }
    let parsed: Partial<FileShape> | null = null;
    try {
      parsed = JSON.parse(text) as Partial<FileShape>;
    } catch {
      this.log.warn(`${this.file} is not JSON: usage figures start afresh`);
      return out;
    }
    const meters = parsed?.meters;
    if (typeof meters !== 'object' || meters === null) return out;
    let dropped = 0;
    for (const [id, value] of Object.entries(meters)) {
      const s = isDeviceId(id) ? checkedUsage(value) : null;
      if (s) out.set(id, s);
      else dropped++;
    }
    if (dropped > 0) this.log.warn(`dropped ${dropped} unreadable usage entr${dropped === 1 ? 'y' : 'ies'} from ${this.file}`);
    return out;
  }

  /** Saves what `snapshot` returns, at most every delayMs. */
  schedule(snapshot: () => { [deviceId: string]: MeterUsageState }): void {
    this.pending = snapshot;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.write();
    }, this.delayMs);
  }

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      this.write();
    }
    await this.writer.settled();
  }

  private write(): void {
    const snapshot = this.pending;
    this.pending = null;
    if (!snapshot) return;
    const shape: FileShape = { version: 1, meters: snapshot() };
    const text = JSON.stringify(shape);
    void this.writer.write(text);
  }
}
