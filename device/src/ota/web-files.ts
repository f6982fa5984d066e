// The installed web bundle (issue 4): files live in Storage as "w<generation>_<name>" (generation 'a' or 'b'), and a
// web pointer record (boot/record.ts, files "web.0"/"web.1") names the live generation and its file table. An
// install writes the other generation, then switches the pointer in one record write, so a power cut leaves either
// the old or the new bundle complete. Without a pointer, files installed the reference way ("www_<name>",
// mep-protocol.md §16) are served as they are.
import { readRecord, Sequenced } from '../boot/record';
import { Storage } from '../hal/types';
import { WebFile, WebFiles } from './installer-types';

export const WEB_RECORD = 'web.';
const LEGACY_PREFIX = 'www_';

/** One file: name without the "www_" prefix, stored length, 1 = gzip. */
export type WebEntry = [string, number, number];

export interface WebRecord extends Sequenced {
  /** Live generation: 'a' or 'b'. */
  g: string;
  /** Bundle version. */
  v: string;
  f: WebEntry[];
}

export function webFileName(generation: string, name: string): string {
  return 'w' + generation + '_' + name;
}

export function readWebRecord(storage: Storage): WebRecord | null {
  const found = readRecord<WebRecord>((n) => storage.readText(n), WEB_RECORD);
  return found ? found.record : null;
}

export class StoredWebFiles implements WebFiles {
  private readonly storage: Storage;
  private record: WebRecord | null | undefined;

  constructor(storage: Storage) {
    this.storage = storage;
  }

  /** Forget the cached pointer (after an install). */
  reload(): void {
    this.record = undefined;
  }

  private current(): WebRecord | null {
    if (this.record === undefined) this.record = readWebRecord(this.storage);
    return this.record;
  }

  lookup(path: string): WebFile | null {
    if (path.charAt(0) !== '/' || path.length < 2) return null;
    const name = path.substr(1);
    const r = this.current();
    if (!r) {
      const data = this.storage.read(LEGACY_PREFIX + name);
      return data ? { storageName: LEGACY_PREFIX + name, length: data.length, gzip: false } : null;
    }
    for (let i = 0; i < r.f.length; i++) {
      const e = r.f[i] as WebEntry;
      if (e[0] === name) return { storageName: webFileName(r.g, name), length: e[1], gzip: e[2] === 1 };
    }
    return null;
  }

  version(): string | null {
    const r = this.current();
    return r ? r.v : null;
  }
}
