// The update engine behind UpdateInstaller (installer-types.ts; issue 4 "Installing an update safely").
//   pass 1 (write): every byte goes into the staging file "ota.stage" (pre-sized, written at offsets in <= 512-byte
//           pieces, espruino.md §2.2/§2.8) and through the streaming parser, which rejects a wrong magic, a
//           corrupted header or a wrong board as soon as it is seen;
//   finish: size, parser verdict (SHA-256, format version), optional whole-package SHA-256 (pull), then
//     .bin  → payload copied from the stage into the inactive app slot, re-hashed there with the native SHA-256,
//             boot record switched to "installed, on trial" (boot/boot-record.ts), reboot;
//     .wwws → the files are written as the other generation, then the web pointer switches (web-files.ts).
//             Format 2: each file's bytes are copied from where pass 1 saw them in the stage and re-hashed with
//             the native SHA-256 (the JS SHA-256 runs once per byte: it is the slow part on the ESP32, §3).
//             Legacy text format (content is transformed, no hashes): pass 2 re-parses the stage, with the file
//             lengths learnt in pass 1.
// Until the final record write nothing running is touched; a power cut anywhere leaves the old state.
import { PackageKind } from '../../../discovery/contract';
import { BOOT_RECORD, BootRecord, CONFIRMED, INSTALLED, isBootLoader, otherSlot, slotFile } from '../boot/boot-record';
import { readRecord, writeRecord } from '../boot/record';
import { Clock, Crypto, Storage, System } from '../hal/types';
import { BinHeader, binIncompatibility } from './bin-parser';
import type { BinParser } from './bin-parser';
import { hexOf, MAX_BUNDLE_BYTES, MAX_FILES, MAX_PAYLOAD_BYTES, WWWS_ENTRY_LENGTH } from './format';
import { InstallOutcome, InstallProgress, UpdateInstaller } from './installer-types';
import { OtaError, ParserOptions } from './stream';
import { StagedHashes } from './staged-hash';
import { StoredWebFiles, WEB_RECORD, WebEntry, webFileName, WebRecord, readWebRecord } from './web-files';
import { WwwsEvent } from './wwws-events';
import type { WwwsParser } from './wwws-parser';

export const STAGE_FILE = 'ota.stage';
/** Optional JSON {h, l}: trial hold and limit in ms (boot-record.ts), for slow sites and the test bench. */
export const TIMING_FILE = 'ota.timing';
/** Largest package: the biggest payload or bundle plus headers (format.ts limits). */
export const MAX_PACKAGE_BYTES = Math.max(MAX_PAYLOAD_BYTES, MAX_BUNDLE_BYTES) + MAX_FILES * WWWS_ENTRY_LENGTH + 512;
/** Storage write size: under Espruino's 536-byte network chunk (espruino.md §2.8). */
const PIECE = 512;
const REBOOT_DELAY_MS = 1500;
const TRIAL_LIMIT_MS = 600000;
const HOLD_MS = 60000;
/** A pull download that receives nothing this long is treated as dropped (half-open TCP after a WiFi glitch). */
const STALL_MS = 60000;

export interface InstallerDeps {
  storage: Storage;
  clock: Clock;
  system: System;
  crypto: Crypto;
  /** Version of the running firmware. */
  firmwareVersion: string;
  web: StoredWebFiles;
  log(line: string): void;
  /** A parser for the package kind: on the device each comes from a lazy module of its own ('binp', 'wwwp';
   *  ota/module.ts), so a firmware pull never holds the web bundle parsers in RAM, nor an upload of pages the
   *  firmware's (issue 9). */
  newParser(kind: PackageKind, options?: ParserOptions): Parser;
}

export type Parser = BinParser | WwwsParser;

interface StagedFile {
  name: string;
  gzip: boolean;
  at: number;
  size: number;
  sha256: Uint8Array | null;
}

function firstError(events: ({ type: string } | OtaError)[]): OtaError | null {
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as OtaError;
    if (e.type === 'error') return e;
  }
  return null;
}

/** Bytes [from, to) of the stage: by range where Storage offers it (a view more than 64 KB into a buffer is
 *  impossible on Espruino: hal/types.ts readAt), else a view of the whole stage. */
function stagePiece(storage: Storage, staged: Uint8Array, from: number, to: number): Uint8Array {
  if (to <= from) return new Uint8Array(0);
  if (storage.readAt) return storage.readAt(STAGE_FILE, from, to - from) || new Uint8Array(0);
  return staged.subarray(from, to);
}

/** Copies stage bytes [from, from + size) into `name` in pieces; the first piece creates the file with `size`. */
function copyFromStage(storage: Storage, staged: Uint8Array, name: string, from: number, size: number): boolean {
  for (let i = 0; i < size; i += PIECE) {
    const piece = stagePiece(storage, staged, from + i, from + Math.min(size, i + PIECE));
    if (!storage.writeAt(name, piece, i, i === 0 ? size : undefined)) return false;
  }
  return true;
}

/** Writes `data` into `name` at `offset` in pieces; the first piece at offset 0 creates the file with `total`. */
function writePieces(storage: Storage, name: string, data: Uint8Array, offset: number, total: number): boolean {
  for (let i = 0; i < data.length; i += PIECE) {
    const at = offset + i;
    if (!storage.writeAt(name, data.subarray(i, Math.min(data.length, i + PIECE)), at, at === 0 ? total : undefined)) return false;
  }
  return true;
}

export class Installer implements UpdateInstaller {
  private readonly d: InstallerDeps;
  private active = false;
  private total = 0;
  private received = 0;
  private kind: PackageKind | null = null;
  private head: number[] = [];
  private parser: Parser | null = null;
  private header: BinHeader | null = null;
  /** Web files seen in pass 1: where their stored bytes start in the package (-1 unknown), length, hash. */
  private files: StagedFile[] = [];
  /** Bytes pushed into the parser so far (the package offset of the next push). */
  private fed = 0;
  private readonly hashes: StagedHashes;
  private expected: { sha256: string; version: string; id: string | null } | null = null;

  constructor(deps: InstallerDeps) {
    this.d = deps;
    const st = deps.storage;
    this.hashes = new StagedHashes((offset, length) => deps.crypto.sha256((st.readTextAt ? st.readTextAt(STAGE_FILE, offset, length) : null) || ''));
    // A stage or a half-written web generation left by a power cut is never resumed: nothing refers to them.
    deps.storage.erase(STAGE_FILE);
    const live = readWebRecord(deps.storage);
    if (!live || live.g !== 'a') this.eraseGeneration('a');
    if (!live || live.g !== 'b') this.eraseGeneration('b');
  }

  /** Pull updates: what the whole package must hash to, the version it carries, the command to report. */
  expect(sha256: string, version: string, id: string | null): void {
    this.expected = { sha256: sha256.toLowerCase(), version, id };
  }

  begin(total: number, source: 'upload' | 'pull'): string | null {
    if (this.active) return 'another update is being installed';
    if (!(total >= 1 && total <= MAX_PACKAGE_BYTES && Math.floor(total) === total)) {
      return `package size ${total} out of range 1..${MAX_PACKAGE_BYTES}`;
    }
    const boot = this.bootRecord();
    if (boot && boot.t !== CONFIRMED) return 'the running firmware is still on trial; try again once it is confirmed';
    this.d.storage.erase(STAGE_FILE);
    this.active = true;
    this.total = total;
    this.received = 0;
    this.kind = null;
    this.head = [];
    this.parser = null;
    this.header = null;
    this.files = [];
    this.fed = 0;
    if (source === 'upload') this.expected = null;
    this.d.log(`update: receiving ${total} bytes (${source})`);
    return null;
  }

  write(chunk: Uint8Array): string | null {
    if (!this.active) return 'no update is being installed';
    if (chunk.length === 0) return null;
    if (this.received + chunk.length > this.total) return this.fail(`the package is longer than the announced ${this.total} bytes`);
    if (!writePieces(this.d.storage, STAGE_FILE, chunk, this.received, this.total)) {
      return this.fail(`not enough free Storage to stage ${this.total} bytes`);
    }
    this.received += chunk.length;
    if (this.parser) return this.feed(this.parser, chunk, false);
    // The format is known from the first 4 bytes (format.ts magics).
    let used = 0;
    while (used < chunk.length && this.head.length < 4) this.head.push(chunk[used++] as number);
    if (this.head.length < 4) return null;
    return this.startParser() || this.feed(this.parser as unknown as Parser, chunk.subarray(used), false);
  }

  finish(done: (outcome: InstallOutcome) => void): void {
    if (!this.active) {
      done({ ok: false, error: 'no update is being installed' });
      return;
    }
    if (this.received < this.total) {
      done({ ok: false, error: this.fail(`the package is truncated: ${this.received} of ${this.total} bytes arrived`) });
      return;
    }
    let error: string | null = null;
    if (!this.parser) error = this.startParser();
    if (!error) error = this.feed(this.parser as unknown as Parser, new Uint8Array(0), true);
    if (!error && this.expected) error = this.checkWholeHash();
    if (error) {
      done({ ok: false, kind: this.kind || undefined, error });
      return;
    }
    if (this.kind === 'bin') this.activateBin(done);
    else this.installWeb(done);
  }

  abort(reason: string): void {
    if (!this.active) return;
    this.d.log(`update aborted: ${reason}`);
    this.cleanup();
  }

  progress(): InstallProgress | null {
    return this.active ? { kind: this.kind, received: this.received, total: this.total } : null;
  }

  // ------------------------------------------------------------------------------------------------ pass 1
  /** Picks the parser from the first bytes and feeds them to it. */
  private startParser(): string | null {
    const h = this.head;
    // Native hashing of staged regions when Storage can hand out slices (the Espruino HAL), else the JS SHA-256.
    const options = this.d.storage.readTextAt ? { createHash: this.hashes.factory() } : {};
    const binary = h[0] === 0x89;
    if (binary && h[1] === 0x4d && h[2] === 0x45 && h[3] === 0x42) {
      if (!isBootLoader(this.d.storage.readText('.bootcde'))) {
        return this.fail('this device has no update boot loader: upload dist/boot.js as .bootcde and the firmware as app.a once over USB');
      }
      this.kind = 'bin';
      this.parser = this.d.newParser('bin', options);
    } else {
      this.kind = 'wwws';
      this.parser = this.d.newParser('wwws', options);
    }
    return this.feed(this.parser, new Uint8Array(h), false);
  }

  /** Runs bytes through the parser; returns the first problem, after aborting the install. */
  private feed(parser: Parser, bytes: Uint8Array, end: boolean): string | null {
    const base = this.fed;
    this.fed += end ? 0 : bytes.length;
    this.hashes.pushing(bytes, base);
    const events = (end ? parser.finish() : parser.push(bytes)) as ({ type: string } | OtaError)[];
    // Not kept until the next chunk: both would be in RAM when it arrives (~40 JsVars each).
    this.hashes.pushing(null, 0);
    const error = firstError(events);
    if (error) return this.fail(`${this.kind === 'bin' ? 'firmware' : 'web bundle'} package rejected: ${error.message}`);
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as WwwsEvent | { type: 'header'; header: BinHeader };
      if (e.type === 'header') {
        const why = binIncompatibility(e.header, this.d.system.board(), this.d.system.interpreterVersion());
        if (why) return this.fail(`firmware package rejected: ${why}`);
        this.header = e.header;
      } else if (e.type === 'file-start') {
        this.files.push({ name: e.file.name, gzip: e.file.gzip, at: -1, size: e.file.storedLength || 0, sha256: e.file.sha256 });
      } else if (e.type === 'file-data' && e.offset === 0 && e.bytes.buffer === bytes.buffer) {
        (this.files[this.files.length - 1] as StagedFile).at = base + e.bytes.byteOffset - bytes.byteOffset;
      } else if (e.type === 'file-end') (this.files[this.files.length - 1] as StagedFile).size = e.length;
    }
    return null;
  }

  private checkWholeHash(): string | null {
    const expected = (this.expected as { sha256: string }).sha256;
    // Hashing the Storage string lets the native SHA-256 read flash directly (espruino.md §2.2, §2.5): no RAM copy.
    const actual = hexOf(this.d.crypto.sha256(this.d.storage.readText(STAGE_FILE) || ''));
    return actual === expected ? null : this.fail(`package SHA-256 is ${actual}, the update command says ${expected}`);
  }

  // --------------------------------------------------------------------------------------------- activate
  private bootRecord(): BootRecord | null {
    const found = readRecord<BootRecord>((n) => this.d.storage.readText(n), BOOT_RECORD);
    return found ? found.record : null;
  }

  /** Trial hold (h), trial limit (l) and download stall limit (s), ms; TIMING_FILE overrides them (tests). */
  timing(): { h: number; l: number; s: number } {
    const t = { h: HOLD_MS, l: TRIAL_LIMIT_MS, s: STALL_MS };
    const text = this.d.storage.readText(TIMING_FILE);
    if (!text) return t;
    try {
      const o = JSON.parse(text) as { h?: unknown; l?: unknown; s?: unknown };
      if (typeof o.h === 'number' && o.h > 0) t.h = o.h;
      if (typeof o.l === 'number' && o.l > 0) t.l = o.l;
      if (typeof o.s === 'number' && o.s > 0) t.s = o.s;
    } catch {
      // keep the defaults
    }
    return t;
  }

  private activateBin(done: (outcome: InstallOutcome) => void): void {
    const s = this.d.storage;
    const header = this.header as BinHeader;
    const record = this.bootRecord();
    // Without a record the loader runs "app.a" if it exists (loader.ts).
    const running = record ? record.c : s.read(slotFile('a')) ? 'a' : 'b';
    const target = otherSlot(running);
    const file = slotFile(target);
    s.erase(file);
    const staged = s.readAt ? new Uint8Array(0) : s.read(STAGE_FILE) || new Uint8Array(0);
    for (let at = 0; at < header.payloadLength; at += PIECE) {
      const end = Math.min(header.payloadLength, at + PIECE);
      if (!s.writeAt(file, stagePiece(s, staged, header.headerLength + at, header.headerLength + end), at, at === 0 ? header.payloadLength : undefined)) {
        s.erase(file);
        done({ ok: false, kind: 'bin', error: this.fail('not enough free Storage for the new firmware') });
        return;
      }
      this.d.system.kickWatchdog();
    }
    const written = this.d.crypto.sha256(s.readText(file) || '');
    if (hexOf(written) !== hexOf(header.payloadSha256)) {
      s.erase(file);
      done({ ok: false, kind: 'bin', error: this.fail('the new firmware did not read back intact from Storage') });
      return;
    }
    const t = this.timing();
    const next: BootRecord = {
      s: 0, c: target, p: running, t: INSTALLED, v: header.firmwareVersion, pv: record ? record.v : this.d.firmwareVersion, h: t.h, l: t.l,
    };
    if (this.expected && this.expected.id) next.id = this.expected.id;
    if (!writeRecord((n) => s.readText(n), (n, x) => s.write(n, x), BOOT_RECORD, next)) {
      done({ ok: false, kind: 'bin', error: this.fail('the boot record could not be written') });
      return;
    }
    this.cleanup();
    this.d.log(`update: firmware ${next.v} installed in slot ${target}, rebooting on trial`);
    done({ ok: true, kind: 'bin', version: next.v, reboot: true });
    this.d.clock.setTimeout(() => this.d.system.reboot(), REBOOT_DELAY_MS);
  }

  private installWeb(done: (outcome: InstallOutcome) => void): void {
    const s = this.d.storage;
    const live = readWebRecord(s);
    const gen = live && live.g === 'a' ? 'b' : 'a';
    this.eraseGeneration(gen);
    let direct = true;
    for (let i = 0; i < this.files.length; i++) {
      const f = this.files[i] as StagedFile;
      if (!f.sha256 || (f.at < 0 && f.size > 0)) direct = false;
    }
    const failed = direct ? this.copyWebFiles(gen) : this.reparseWebFiles(gen);
    if (failed) {
      this.eraseGeneration(gen);
      done({ ok: false, kind: 'wwws', error: this.fail(failed) });
      return;
    }
    const entries: WebEntry[] = [];
    for (let i = 0; i < this.files.length; i++) {
      const f = this.files[i] as StagedFile;
      entries.push([f.name.substr(4), f.size, f.gzip ? 1 : 0]);
    }
    const version = this.expected ? this.expected.version : hexOf(this.d.crypto.sha256(s.readText(STAGE_FILE) || '')).substr(0, 12);
    const record: WebRecord = { s: 0, g: gen, v: version, f: entries };
    if (!writeRecord((n) => s.readText(n), (n, x) => s.write(n, x), WEB_RECORD, record)) {
      this.eraseGeneration(gen);
      done({ ok: false, kind: 'wwws', error: this.fail('the web pointer could not be written') });
      return;
    }
    this.d.web.reload();
    this.eraseGeneration(gen === 'a' ? 'b' : 'a');
    this.cleanup();
    this.d.log(`update: web bundle ${version} installed (${entries.length} files)`);
    done({ ok: true, kind: 'wwws', version });
  }

  /** Format 2: copy each file's verified bytes out of the stage, then check them in flash with the native hash. */
  private copyWebFiles(gen: string): string | null {
    const s = this.d.storage;
    const staged = s.readAt ? new Uint8Array(0) : s.read(STAGE_FILE) || new Uint8Array(0);
    for (let i = 0; i < this.files.length; i++) {
      const f = this.files[i] as StagedFile;
      if (f.size === 0) continue;
      const name = webFileName(gen, f.name.substr(4));
      if (!copyFromStage(s, staged, name, f.at, f.size)) return 'not enough free Storage for the web files';
      if (hexOf(this.d.crypto.sha256(s.readText(name) || '')) !== hexOf(f.sha256 as Uint8Array)) return `web file ${f.name} did not read back intact from Storage`;
      this.d.system.kickWatchdog();
    }
    return null;
  }

  /** Legacy text format: parse the stage again, writing the content with the lengths learnt in pass 1. */
  private reparseWebFiles(gen: string): string | null {
    const s = this.d.storage;
    const staged = s.read(STAGE_FILE) || new Uint8Array(0);
    const parser = this.d.newParser('wwws') as WwwsParser; // legacy text: no hashes to compute
    let index = -1;
    let size = 0;
    for (let at = 0; at <= staged.length; at += PIECE) {
      const piece = at < staged.length ? stagePiece(s, staged, at, Math.min(staged.length, at + PIECE)) : null;
      const events = (piece ? parser.push(piece) : parser.finish()) as (WwwsEvent | OtaError)[];
      for (let i = 0; i < events.length; i++) {
        const e = events[i] as WwwsEvent | OtaError;
        if (e.type === 'error') return `web bundle changed in Storage: ${e.message}`;
        if (e.type === 'file-start') size = (this.files[++index] as StagedFile).size;
        else if (e.type === 'file-data' && e.bytes.length > 0) {
          if (!writePieces(s, webFileName(gen, e.name.substr(4)), e.bytes, e.offset, size)) return 'not enough free Storage for the web files';
        }
      }
      this.d.system.kickWatchdog();
    }
    return null;
  }

  private eraseGeneration(gen: string): void {
    const names = this.d.storage.list(webFileName(gen, ''));
    for (let i = 0; i < names.length; i++) this.d.storage.erase(names[i] as string);
  }

  private fail(message: string): string {
    this.d.log(`update failed: ${message}`);
    this.cleanup();
    return message;
  }

  private cleanup(): void {
    this.active = false;
    this.parser = null;
    this.d.storage.erase(STAGE_FILE);
  }
}
