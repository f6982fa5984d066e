// Espruino Storage with its real semantics (espruino.md §2.2; src/jsflash.c jsfWriteFile), optionally persisted
// to a directory so it survives host restarts:
//   * names longer than 28 characters are silently truncated;
//   * write(name, data) replaces the file; write(name, data, 0, size) creates a pre-sized file (unwritten bytes read
//     as 0xFF); write(name, data, offset) fills it, but only where the flash is still erased (all 0xFF), else
//     "File already written with different data"; past the end: "Too much data for file size"; at an offset of a
//     file that does not exist: "Unable to find or create file"; empty data writes nothing and returns false;
//   * 896 KB in total; each file costs a 32-byte header plus its size rounded up to 4; erased and replaced files
//     stay as trash until a compaction, which runs by itself when a new file does not fit;
//   * getFree() is the space after the last file (trash not counted).
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'fs';
import { join } from 'path';

export const STORAGE_BYTES = 896 * 1024;
export const NAME_LENGTH = 28;
const HEADER_BYTES = 32;
const align = (n: number): number => (n + 3) & ~3;

export class StorageError extends Error {}

interface StoredFile {
  name: string;
  data: Uint8Array;
}

export class HostStorage {
  private files: StoredFile[] = [];
  private trash = 0;
  private trashCount = 0;

  /** `dir`: persist here (created if missing; existing contents are loaded). */
  constructor(readonly dir?: string) {
    if (dir) this.load(dir);
  }

  /** Espruino's name handling: anything longer than 28 characters is cut, silently. */
  static normalizeName(name: string): string {
    return String(name).slice(0, NAME_LENGTH);
  }

  private find(name: string): StoredFile | undefined {
    return this.files.find((f) => f.name === name);
  }

  private used(): number {
    return this.files.reduce((n, f) => n + HEADER_BYTES + align(f.data.length), 0) + this.trash;
  }

  getFree(): number {
    return Math.max(0, STORAGE_BYTES - this.used());
  }

  getStats(): { totalBytes: number; freeBytes: number; fileBytes: number; fileCount: number; trashBytes: number; trashCount: number } {
    const fileBytes = this.used() - this.trash;
    return { totalBytes: STORAGE_BYTES, freeBytes: this.getFree(), fileBytes, fileCount: this.files.length, trashBytes: this.trash, trashCount: this.trashCount };
  }

  private discard(file: StoredFile): void {
    this.files = this.files.filter((f) => f !== file);
    this.trash += HEADER_BYTES + align(file.data.length);
    this.trashCount++;
    this.removeFile(file.name);
  }

  compact(): void {
    this.trash = 0;
    this.trashCount = 0;
    this.saveIndex();
  }

  private create(name: string, size: number): StoredFile {
    const cost = HEADER_BYTES + align(size);
    if (cost > this.getFree() && this.trash > 0) this.compact();
    if (cost > this.getFree()) throw new StorageError('Unable to find or create file');
    const file = { name, data: new Uint8Array(size).fill(0xff) };
    this.files.push(file);
    this.saveIndex();
    this.saveData(file);
    return file;
  }

  /** Storage.write(name, data, offset, size). Throws StorageError with Espruino's messages. */
  write(rawName: string, data: Uint8Array, offset = 0, size = 0): boolean {
    const name = HostStorage.normalizeName(rawName);
    if (data.length === 0) return false;
    const total = size || data.length;
    let file = this.find(name);
    if (offset === 0) {
      const erasedAt0 = file !== undefined && file.data.length === total && file.data.every((b) => b === 0xff);
      if (!file || !erasedAt0) {
        if (file && file.data.length === total && data.length === total && equal(file.data, data)) return true;
        if (file) this.discard(file);
        file = this.create(name, total);
      }
    }
    if (!file) throw new StorageError('Unable to find or create file');
    if (offset + data.length > file.data.length) throw new StorageError('Too much data for file size');
    for (let i = 0; i < data.length; i++) {
      if (file.data[offset + i] !== 0xff) throw new StorageError('File already written with different data');
    }
    file.data.set(data, offset);
    this.saveData(file, offset, data.length);
    return true;
  }

  read(rawName: string, offset = 0, length?: number): Uint8Array | undefined {
    const file = this.find(HostStorage.normalizeName(rawName));
    if (!file) return undefined;
    const end = length === undefined ? file.data.length : Math.min(file.data.length, offset + length);
    return file.data.slice(Math.min(offset, file.data.length), end);
  }

  erase(rawName: string): void {
    const file = this.find(HostStorage.normalizeName(rawName));
    if (file) this.discard(file);
    this.saveIndex();
  }

  eraseAll(): void {
    for (const f of this.files) this.removeFile(f.name);
    this.files = [];
    this.trash = 0;
    this.trashCount = 0;
    this.saveIndex();
  }

  /** Names in storage order. */
  list(): string[] {
    return this.files.map((f) => f.name);
  }

  // ------------------------------------------------------------ persistence: index.json + one .bin per file
  private fileName(name: string): string {
    return Buffer.from(name, 'latin1').toString('hex') + '.bin';
  }

  private load(dir: string): void {
    // Storage holds the settings with the WiFi password, the MBK key and the login hash (issue 11 attack 6): the
    // folder and every file are readable by this user only, also when an older run created them with looser rights.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (process.platform !== 'win32') chmodSync(dir, 0o700);
    const indexPath = join(dir, 'index.json');
    if (!existsSync(indexPath)) return;
    const index = JSON.parse(readFileSync(indexPath, 'utf8')) as { trash: number; trashCount: number; files: { name: string; size: number }[] };
    this.trash = index.trash;
    this.trashCount = index.trashCount;
    for (const f of index.files) {
      const path = join(dir, this.fileName(f.name));
      const data = new Uint8Array(f.size).fill(0xff);
      if (existsSync(path)) data.set(new Uint8Array(readFileSync(path)).subarray(0, f.size));
      this.files.push({ name: f.name, data });
    }
  }

  private saveIndex(): void {
    if (!this.dir) return;
    const index = { trash: this.trash, trashCount: this.trashCount, files: this.files.map((f) => ({ name: f.name, size: f.data.length })) };
    writeFileSync(join(this.dir, 'index.json'), JSON.stringify(index, null, 1), { mode: 0o600 });
  }

  private saveData(file: StoredFile, offset = 0, length = file.data.length): void {
    if (!this.dir) return;
    const path = join(this.dir, this.fileName(file.name));
    if (offset === 0 && length === file.data.length) {
      writeFileSync(path, file.data, { mode: 0o600 });
      return;
    }
    const fd = openSync(path, existsSync(path) ? 'r+' : 'w', 0o600);
    try {
      writeSync(fd, file.data, offset, length, offset);
    } finally {
      closeSync(fd);
    }
  }

  private removeFile(name: string): void {
    if (this.dir) rmSync(join(this.dir, this.fileName(name)), { force: true });
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
