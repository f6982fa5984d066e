// Node-side packers for the two update formats, from the same constants the device parsers use
// (device/src/ota/format.ts documents the layouts). Deterministic: same inputs, same bytes.
import { createHash } from 'crypto';
import { readdirSync, readFileSync, statSync } from 'fs';
import { extname, join } from 'path';
import { gzipSync } from 'zlib';
import {
  BIN_BOARD_AT, BIN_BOARD_SIZE, BIN_BUILD_AT, BIN_BUILD_SIZE, BIN_HEADER_LENGTH, BIN_INTERP_AT, BIN_LENGTH_AT, BIN_MAGIC,
  BIN_SHA_AT, BIN_VERSION, BIN_VERSION_AT, BIN_VERSION_SIZE, DEFAULT_MIN_INTERPRETER, HEADER_CHECK_LENGTH,
  isBoardId, MAX_BUNDLE_BYTES, MAX_FILES, MAX_PAYLOAD_BYTES, NAME_PREFIX, nameProblem, WWWS_COUNT_AT,
  WWWS_ENTRY_LENGTH, WWWS_FLAG_GZIP, WWWS_FLAGS_AT, WWWS_HEADER_LENGTH, WWWS_MAGIC, WWWS_NAME_SIZE, WWWS_ORIGINAL_AT, WWWS_SHA_AT,
  WWWS_STORED_AT, WWWS_TOTAL_AT, WWWS_VERSION,
} from '../device/src/ota/format';

/** Input that cannot become a valid package (the message says which field and why). */
export class PackError extends Error {}

export interface BinPackOptions {
  firmwareVersion: string;
  buildId: string;
  /** "auto", "esp32" or "esp32c3" (device/src/hal/espruino/board.ts). */
  board: string;
  /** Default 2v29. */
  minInterpreter?: { major: number; minor: number };
}

export interface WwwsInput {
  /** Storage name, "www_..." (<= 27 characters). */
  name: string;
  data: Uint8Array;
  /** Store gzip-compressed (kept only when smaller). */
  gzip?: boolean;
}

/** Extensions worth compressing with --gzip (text formats and icons). */
export const GZIP_EXTENSIONS = ['.html', '.htm', '.css', '.js', '.mjs', '.json', '.svg', '.txt', '.xml', '.map', '.ico', '.webmanifest'];

function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

function putU32(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 24) & 0xff;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

function putText(b: Uint8Array, at: number, size: number, text: string, what: string): void {
  if (text.length > size) throw new PackError(`${what} "${text}" is longer than ${size} characters`);
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c < 0x20 || c > 0x7e) throw new PackError(`${what} "${text}" is not printable ASCII`);
    b[at + k] = c;
  }
}

/** Fills the header's magic/version/length bytes and its check (the last 4 bytes, format.ts). */
function sealHeader(h: Uint8Array, magic: number[], version: number): void {
  h.set(magic, 0);
  h[4] = version;
  h[5] = h.length;
  h.set(sha256(h.subarray(0, h.length - HEADER_CHECK_LENGTH)).subarray(0, HEADER_CHECK_LENGTH), h.length - HEADER_CHECK_LENGTH);
}

/** Firmware package: 96-byte header + the bundle (format.ts). */
export function packBin(payload: Uint8Array, options: BinPackOptions): Uint8Array {
  if (payload.length === 0 || payload.length > MAX_PAYLOAD_BYTES) {
    throw new PackError(`the bundle is ${payload.length} bytes; a package holds 1 to ${MAX_PAYLOAD_BYTES}`);
  }
  if (options.firmwareVersion === '') throw new PackError('the firmware version is empty');
  if (!isBoardId(options.board)) throw new PackError(`board "${options.board}" is not 1-12 of a-z 0-9 _ -`);
  const interp = options.minInterpreter ?? DEFAULT_MIN_INTERPRETER;
  const h = new Uint8Array(BIN_HEADER_LENGTH);
  putText(h, BIN_VERSION_AT, BIN_VERSION_SIZE, options.firmwareVersion, 'firmware version');
  putText(h, BIN_BUILD_AT, BIN_BUILD_SIZE, options.buildId, 'build id');
  putText(h, BIN_BOARD_AT, BIN_BOARD_SIZE, options.board, 'board');
  h[BIN_INTERP_AT] = interp.major;
  h[BIN_INTERP_AT + 1] = interp.minor;
  putU32(h, BIN_LENGTH_AT, payload.length);
  h.set(sha256(payload), BIN_SHA_AT);
  sealHeader(h, BIN_MAGIC, BIN_VERSION);
  return Buffer.concat([h, payload]);
}

/** What one file becomes in the bundle. */
export interface PackedFile {
  name: string;
  gzip: boolean;
  stored: Uint8Array;
  originalLength: number;
}

function prepare(file: WwwsInput): PackedFile {
  const problem = nameProblem(file.name);
  if (problem) throw new PackError(problem);
  if (file.gzip) {
    const z = gzipSync(file.data, { level: 9 });
    if (z.length < file.data.length) return { name: file.name, gzip: true, stored: z, originalLength: file.data.length };
  }
  return { name: file.name, gzip: false, stored: file.data, originalLength: file.data.length };
}

/** Web bundle format 2, files sorted by name (format.ts). */
export function packWwws(files: WwwsInput[]): Uint8Array {
  if (files.length === 0) throw new PackError('no files to pack');
  if (files.length > MAX_FILES) throw new PackError(`${files.length} files; a bundle holds at most ${MAX_FILES}`);
  const packed = files.map(prepare).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let k = 1; k < packed.length; k++) {
    if (packed[k]!.name === packed[k - 1]!.name) throw new PackError(`file "${packed[k]!.name}" appears twice`);
  }
  const total = packed.reduce((sum, f) => sum + f.stored.length, 0);
  if (total > MAX_BUNDLE_BYTES) throw new PackError(`the files hold ${total} bytes (stored); a bundle holds at most ${MAX_BUNDLE_BYTES}`);
  const header = new Uint8Array(WWWS_HEADER_LENGTH);
  header[WWWS_COUNT_AT] = packed.length >> 8;
  header[WWWS_COUNT_AT + 1] = packed.length & 0xff;
  putU32(header, WWWS_TOTAL_AT, total);
  sealHeader(header, WWWS_MAGIC, WWWS_VERSION);
  const parts: Uint8Array[] = [header];
  for (const f of packed) {
    const e = new Uint8Array(WWWS_ENTRY_LENGTH);
    putText(e, 0, WWWS_NAME_SIZE, f.name, 'name');
    e[WWWS_FLAGS_AT] = f.gzip ? WWWS_FLAG_GZIP : 0;
    putU32(e, WWWS_STORED_AT, f.stored.length);
    putU32(e, WWWS_ORIGINAL_AT, f.originalLength);
    e.set(sha256(f.stored), WWWS_SHA_AT);
    parts.push(e, f.stored);
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, sha256(body)]);
}

/** Storage name of a file in a web folder: "www_" is added unless the name has it (reference folders do). */
export function storageNameFor(fileName: string): string {
  return fileName.startsWith(NAME_PREFIX) ? fileName : NAME_PREFIX + fileName;
}

/** The top-level files of `dir` (dotfiles skipped; Storage is flat, so subfolders are refused). */
export function wwwsFilesFromDir(dir: string, options: { gzip: boolean }): WwwsInput[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    throw new PackError(`cannot read folder ${dir}: ${(err as NodeJS.ErrnoException).code}`);
  }
  const files: WwwsInput[] = [];
  for (const n of names) {
    if (n.startsWith('.')) continue;
    const path = join(dir, n);
    if (statSync(path).isDirectory()) throw new PackError(`${path} is a folder: Storage is flat, put every file at the top of ${dir}`);
    const gzip = options.gzip && GZIP_EXTENSIONS.includes(extname(n).toLowerCase());
    files.push({ name: storageNameFor(n), data: readFileSync(path), gzip });
  }
  if (files.length === 0) throw new PackError(`${dir} has no files`);
  return files;
}
