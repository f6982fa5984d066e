// The firmware catalog (issue 5 "Firmware"): packages shipped in the image (a read-only folder, rescanned at start)
// plus packages the user uploads, stored under the data dir as <sha256>.<kind> with a small index for their
// upload names and times. The package files are the truth: a lost or damaged index only loses those two fields.
// Every package is verified by describePackage (the `mep inspect` code) before it is listed.
import { createHash, randomBytes } from 'crypto';
import { createWriteStream, promises as fs } from 'fs';
import { join } from 'path';
import { PassThrough, Transform, TransformCallback } from 'stream';
import { pipeline } from 'stream/promises';
import { PackageKind } from '../../../discovery/contract';
import { CatalogEntry, FirmwareCatalog, PackageRejected } from '../backend';
import { EventBus } from '../bus';
import { Logger, Service } from '../service';
import { cleanFileName, describePackage } from './package-info';
import { compareVersions } from './version-order';

/** Larger than the biggest package the device formats allow (448 KiB payload + headers, format.ts). */
export const DEFAULT_MAX_UPLOAD_BYTES = 1024 * 1024;

export interface CatalogDeps {
  bus: EventBus;
  log: Logger;
  /** The add-on's data dir (/data in the add-on); uploads live in <dataDir>/firmware. */
  dataDir: string;
  /** Packages shipped with the add-on (the image's catalog folder; dist/ locally); null = none. */
  bundledDir: string | null;
  maxUploadBytes?: number;
  now?: () => number;
}

/** What the download server needs: an entry and the file holding its bytes. */
export interface PackageFiles {
  get(id: string): CatalogEntry | null;
  filePath(id: string): string | null;
}

interface IndexRecord {
  sha256: string;
  fileName: string;
  addedAt: number;
}

const STORED_NAME = /^([0-9a-f]{64})\.(bin|wwws)$/;

class UploadTooLarge extends Error {}

/** Counts and hashes bytes on their way to disk; fails once more than `limit` have passed. */
class SizeLimit extends Transform {
  bytes = 0;
  readonly hash = createHash('sha256');
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) return done(new UploadTooLarge());
    this.hash.update(chunk);
    done(null, chunk);
  }
}

export class PackageCatalog implements FirmwareCatalog, PackageFiles, Service {
  readonly name = 'ota-catalog';
  private readonly entries = new Map<string, { entry: CatalogEntry; path: string }>();
  private readonly dir: string;
  private readonly packagesDir: string;
  private readonly tmpDir: string;
  private readonly indexPath: string;
  private readonly maxUploadBytes: number;
  private readonly now: () => number;
  private indexWrite: Promise<void> = Promise.resolve();

  constructor(private readonly deps: CatalogDeps) {
    this.dir = join(deps.dataDir, 'firmware');
    this.packagesDir = join(this.dir, 'packages');
    this.tmpDir = join(this.dir, 'tmp');
    this.indexPath = join(this.dir, 'index.json');
    this.maxUploadBytes = deps.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
    this.now = deps.now ?? Date.now;
  }

  describe(): string {
    return `firmware catalog: ${this.deps.bundledDir ?? 'no bundled folder'} + uploads in ${this.dir}`;
  }

  async start(): Promise<void> {
    await fs.mkdir(this.packagesDir, { recursive: true });
    await fs.rm(this.tmpDir, { recursive: true, force: true }); // half-received uploads of a previous run
    await fs.mkdir(this.tmpDir, { recursive: true });
    this.entries.clear();
    await this.loadBundled();
    await this.loadUploaded();
    this.deps.log.info(`firmware catalog: ${this.entries.size} package(s)`);
  }

  async stop(): Promise<void> {
    await this.indexWrite;
  }

  list(): CatalogEntry[] {
    return [...this.entries.values()].map((e) => ({ ...e.entry })).sort((a, b) => a.kind.localeCompare(b.kind) || -compareVersions(a.version, b.version) || b.addedAt - a.addedAt);
  }

  get(id: string): CatalogEntry | null {
    const e = this.entries.get(id);
    return e ? { ...e.entry } : null;
  }

  filePath(id: string): string | null {
    return this.entries.get(id)?.path ?? null;
  }

  /** Highest version of the kind; equal versions: the one added last. */
  latest(kind: PackageKind): CatalogEntry | null {
    let best: CatalogEntry | null = null;
    for (const { entry } of this.entries.values()) {
      if (entry.kind !== kind) continue;
      if (!best) best = entry;
      else {
        const c = compareVersions(entry.version, best.version);
        if (c > 0 || (c === 0 && entry.addedAt > best.addedAt)) best = entry;
      }
    }
    return best ? { ...best } : null;
  }

  async add(fileName: string, body: NodeJS.ReadableStream): Promise<CatalogEntry> {
    const name = cleanFileName(fileName);
    const tmp = join(this.tmpDir, `upload-${randomBytes(8).toString('hex')}`);
    const limit = new SizeLimit(this.maxUploadBytes);
    // The body is piped through a PassThrough so that a refusal stops reading without destroying the caller's
    // stream: an HTTP handler can still answer with the reason.
    const source = new PassThrough();
    const onSourceError = (err: Error): void => void source.destroy(err);
    body.once('error', onSourceError);
    body.pipe(source);
    try {
      await pipeline(source, limit, createWriteStream(tmp, { flags: 'wx' }));
      const info = describePackage(await fs.readFile(tmp), name);
      const known = this.entries.get(info.sha256);
      if (known) return { ...known.entry }; // same bytes already listed: nothing to store
      const path = join(this.packagesDir, `${info.sha256}.${info.kind}`);
      await fs.rename(tmp, path);
      const entry: CatalogEntry = { id: info.sha256, ...info, fileName: name, source: 'uploaded', addedAt: this.now() };
      this.entries.set(entry.id, { entry, path });
      await this.saveIndex();
      this.deps.log.info(`firmware catalog: added ${entry.kind} ${entry.version} (${name}, ${entry.size} bytes)`);
      this.deps.bus.emit('catalogChanged', {});
      return { ...entry };
    } catch (err) {
      if (err instanceof UploadTooLarge) throw new PackageRejected(`${name} is larger than ${this.maxUploadBytes} bytes, more than any update package can be`);
      if (err instanceof PackageRejected) throw err;
      throw new PackageRejected(`${name} was not stored: the upload did not complete (${(err as Error).message})`);
    } finally {
      body.unpipe(source);
      body.removeListener('error', onSourceError);
      body.resume(); // drain what is left of a refused upload
      await fs.rm(tmp, { force: true });
    }
  }

  async remove(id: string): Promise<boolean> {
    const e = this.entries.get(id);
    if (!e || e.entry.source !== 'uploaded') return false;
    this.entries.delete(id);
    await this.saveIndex();
    await fs.rm(e.path, { force: true });
    this.deps.log.info(`firmware catalog: removed ${e.entry.kind} ${e.entry.version} (${e.entry.fileName})`);
    this.deps.bus.emit('catalogChanged', {});
    return true;
  }

  private async loadBundled(): Promise<void> {
    const dir = this.deps.bundledDir;
    if (!dir) return;
    let names: string[];
    try {
      names = (await fs.readdir(dir)).filter((n) => /\.(bin|wwws)$/.test(n)).sort();
    } catch {
      this.deps.log.warn(`firmware catalog: bundled folder ${dir} cannot be read`);
      return;
    }
    for (const n of names) {
      const path = join(dir, n);
      try {
        const bytes = await fs.readFile(path);
        const info = describePackage(bytes, n);
        const stat = await fs.stat(path);
        this.entries.set(info.sha256, { entry: { id: info.sha256, ...info, fileName: n, source: 'bundled', addedAt: stat.mtimeMs }, path });
      } catch (err) {
        this.deps.log.warn(`firmware catalog: bundled ${n} skipped: ${(err as Error).message}`);
      }
    }
  }

  private async readIndex(): Promise<Map<string, IndexRecord>> {
    const records = new Map<string, IndexRecord>();
    let text: string;
    try {
      text = await fs.readFile(this.indexPath, 'utf8');
    } catch {
      return records;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (!Array.isArray(parsed)) throw new Error('not a list');
      for (const r of parsed as Partial<IndexRecord>[]) {
        if (r && typeof r.sha256 === 'string' && typeof r.fileName === 'string' && typeof r.addedAt === 'number') {
          records.set(r.sha256, { sha256: r.sha256, fileName: cleanFileName(r.fileName), addedAt: r.addedAt });
        }
      }
    } catch (err) {
      this.deps.log.warn(`firmware catalog: index unreadable (${(err as Error).message}); uploaded packages keep their bytes, names are rebuilt`);
    }
    return records;
  }

  private async loadUploaded(): Promise<void> {
    const index = await this.readIndex();
    for (const n of (await fs.readdir(this.packagesDir)).sort()) {
      const m = STORED_NAME.exec(n);
      if (!m) continue;
      const path = join(this.packagesDir, n);
      try {
        const record = index.get(m[1] as string);
        const stat = await fs.stat(path);
        const info = describePackage(await fs.readFile(path), record?.fileName ?? n);
        if (info.sha256 !== m[1] || info.kind !== m[2]) throw new PackageRejected('its bytes no longer match its name');
        if (this.entries.has(info.sha256)) continue; // also shipped with the image
        const entry: CatalogEntry = { id: info.sha256, ...info, fileName: record?.fileName ?? n, source: 'uploaded', addedAt: record?.addedAt ?? stat.mtimeMs };
        this.entries.set(entry.id, { entry, path });
      } catch (err) {
        this.deps.log.warn(`firmware catalog: stored ${n} skipped: ${(err as Error).message}`);
      }
    }
  }

  /** Writes the index atomically (temp file + rename), one write at a time. */
  private saveIndex(): Promise<void> {
    const records: IndexRecord[] = [...this.entries.values()]
      .filter((e) => e.entry.source === 'uploaded')
      .map((e) => ({ sha256: e.entry.sha256, fileName: e.entry.fileName, addedAt: e.entry.addedAt }));
    const text = JSON.stringify(records, null, 1);
    const write = async (): Promise<void> => {
      const tmp = `${this.indexPath}.tmp`;
      await fs.writeFile(tmp, text);
      await fs.rename(tmp, this.indexPath);
    };
    this.indexWrite = this.indexWrite.then(write, write);
    return this.indexWrite;
  }
}
