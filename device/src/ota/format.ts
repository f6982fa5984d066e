// The two update package formats, documented once here (C14) and shared by the device parsers and the Node packer
// (ota/pack.ts). All integers are big-endian. Text fields are ASCII, NUL-padded on the right.
//
// .bin = firmware package, format 1 (espruino.md §2.11: our own package, not an ESP-IDF image)
//   off size field
//     0    4  magic 89 4D 45 42 ("\x89MEB"; 0x89 never starts ASCII/UTF-8 text, so no legacy .wwws matches)
//     4    1  format version = 1 (a parser rejects versions it does not know)
//     5    1  header length = 96. A compatible revision may append fields (up to 255 bytes); fields never move,
//             and the header check is always the LAST 4 bytes of the header.
//     6    1  flags = 0 (reserved)
//     7    1  reserved = 0
//     8   16  firmware version, printable ASCII (e.g. "0.1.0")
//    24   16  build id, printable ASCII (dist/firmware.json buildId, e.g. "c70265b98530")
//    40   12  board, [a-z0-9_-]: "auto" (any board), "esp32", "esp32c3" (device/src/hal/espruino/board.ts)
//    52    1  minimum interpreter major  } 2v29 = 2, 29 (the bundle relies on 2v29 behaviour, espruino.md §1.2)
//    53    1  minimum interpreter minor  }
//    54    2  reserved = 0
//    56    4  payload length (1 .. MAX_PAYLOAD_BYTES)
//    60   32  SHA-256 of the payload (= dist/firmware.json sha256)
//    92    4  header check: first 4 bytes of SHA-256(header bytes 0 .. headerLength-4)
//    96    .  payload: the minified application (dist/firmware.js), exactly `payload length` bytes, then EOF
//
// .wwws = web bundle, format 2 (format 1 = the reference's text format, mep-protocol.md §16, parsed read-only)
//   bundle header, 16 bytes
//     0    4  magic 89 4D 45 57 ("\x89MEW")
//     4    1  format version = 2
//     5    1  header length = 16 (same growth rule as .bin)
//     6    2  file count (1 .. MAX_FILES)
//     8    4  total stored bytes of all files (the installer checks free Storage before writing anything)
//    12    4  header check: first 4 bytes of SHA-256(header bytes 0 .. headerLength-4)
//   then per file, `file count` times: a 72-byte entry followed by its stored bytes
//     0   28  Storage name: "www_" + 1..23 of [A-Za-z0-9._-] (<= 27 chars: StorageFile limit, espruino.md §2.2)
//    28    1  flags: bit 0 = gzip (stored bytes are gzip, served with Content-Encoding: gzip); others 0
//    29    3  reserved = 0
//    32    4  stored length (the bytes that follow this entry)
//    36    4  original length (= stored length unless gzip)
//    40   32  SHA-256 of the stored bytes
//   trailer, 32 bytes: SHA-256 of every byte before it (header, entries and data); then EOF
//
// The "www_" prefix marks bundle-owned Storage files (as in the reference, §16): an install may erase www_* without
// touching settings or the app. The header checks catch a corrupted header before anything is written; the
// payload/file/bundle hashes decide. Nothing is trustworthy until the parser's final `end` event.

export const BIN_MAGIC = [0x89, 0x4d, 0x45, 0x42];
export const BIN_VERSION = 1;
export const BIN_HEADER_LENGTH = 96;
export const BIN_VERSION_AT = 8;
export const BIN_VERSION_SIZE = 16;
export const BIN_BUILD_AT = 24;
export const BIN_BUILD_SIZE = 16;
export const BIN_BOARD_AT = 40;
export const BIN_BOARD_SIZE = 12;
export const BIN_INTERP_AT = 52;
export const BIN_LENGTH_AT = 56;
export const BIN_SHA_AT = 60;

export const WWWS_MAGIC = [0x89, 0x4d, 0x45, 0x57];
export const WWWS_VERSION = 2;
/** The reference's text format (§16) has no header; we call it version 1. */
export const WWWS_LEGACY_VERSION = 1;
export const WWWS_HEADER_LENGTH = 16;
export const WWWS_COUNT_AT = 6;
export const WWWS_TOTAL_AT = 8;
export const WWWS_ENTRY_LENGTH = 72;
export const WWWS_NAME_SIZE = 28;
export const WWWS_FLAGS_AT = 28;
export const WWWS_STORED_AT = 32;
export const WWWS_ORIGINAL_AT = 36;
export const WWWS_SHA_AT = 40;
export const WWWS_FLAG_GZIP = 1;

/** Bytes before the format version (magic) and before the header length byte. */
export const PREFIX_LENGTH = 6;
export const HASH_LENGTH = 32;
export const HEADER_CHECK_LENGTH = 4;
export const MAX_HEADER_LENGTH = 255;

/** Storage is 896 KB (espruino.md §2.2); an update is staged next to what it replaces, so it gets at most half. */
export const MAX_PAYLOAD_BYTES = 448 * 1024;
/** Limit of a whole web bundle's stored bytes, and so of one file (same reasoning). */
export const MAX_BUNDLE_BYTES = 448 * 1024;
export const MAX_FILES = 64;
/** Sanity bound for a gzip file's original length. */
export const MAX_ORIGINAL_BYTES = 16 * 1024 * 1024;
/** A gzip file may declare at most this many times its stored length (web files compress 3-10x; issue 11: a
 *  15.7 KB .wwws that inflated to 16 MB was accepted). */
export const MAX_GZIP_RATIO = 64;

export const NAME_PREFIX = 'www_';
export const NAME_MAX = 27;
export const LEGACY_NOTE = 'legacy text format, no integrity data';

/** Default minimum interpreter: 2v29 (espruino.md §0). */
export const DEFAULT_MIN_INTERPRETER = { major: 2, minor: 29 };

export function readU32(b: Uint8Array, i: number): number {
  return (((b[i] as number) << 24) | ((b[i + 1] as number) << 16) | ((b[i + 2] as number) << 8) | (b[i + 3] as number)) >>> 0;
}

export function readU16(b: Uint8Array, i: number): number {
  return ((b[i] as number) << 8) | (b[i + 1] as number);
}

/** Index of the first byte where b[at..] differs from `magic` (only over the bytes present), or -1. */
export function magicMismatch(b: Uint8Array, at: number, have: number, magic: number[]): number {
  for (let k = 0; k < magic.length && k < have; k++) if (b[at + k] !== magic[k]) return k;
  return -1;
}

function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 95 || c === 45;
}

/** ASCII rendering for messages: anything outside 0x20..0x7e becomes \xNN. */
export function printable(text: string): string {
  let s = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    s += c >= 0x20 && c < 0x7f ? text.charAt(i) : '\\x' + (c < 16 ? '0' : '') + c.toString(16);
  }
  return s;
}

/** Why `name` cannot be a bundle file's Storage name, or null when it can. */
export function nameProblem(name: string): string | null {
  if (name.length > NAME_MAX) return `name "${printable(name)}" is longer than ${NAME_MAX} characters`;
  if (name.length <= NAME_PREFIX.length || name.substr(0, NAME_PREFIX.length) !== NAME_PREFIX) {
    return `name "${printable(name)}" does not start with "${NAME_PREFIX}" plus at least one character`;
  }
  for (let i = 0; i < name.length; i++) {
    if (!isNameChar(name.charCodeAt(i))) return `name "${printable(name)}" has a character outside A-Z a-z 0-9 . _ -`;
  }
  return null;
}

/** A NUL-padded text field: its text, or null when it holds a byte outside 0x20..0x7e or text after the padding. */
export function readText(b: Uint8Array, at: number, size: number): string | null {
  let s = '';
  let ended = false;
  for (let k = 0; k < size; k++) {
    const c = b[at + k] as number;
    if (c === 0) ended = true;
    else if (ended || c < 0x20 || c > 0x7e) return null;
    else s += String.fromCharCode(c);
  }
  return s;
}

/** True when b[at..at+size) are all zero. */
export function allZero(b: Uint8Array, at: number, size: number): boolean {
  for (let k = 0; k < size; k++) if (b[at + k] !== 0) return false;
  return true;
}

/** True when the board field is well-formed: 1..12 of [a-z0-9_-]. */
export function isBoardId(board: string): boolean {
  if (board.length < 1 || board.length > BIN_BOARD_SIZE) return false;
  for (let i = 0; i < board.length; i++) {
    const c = board.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 122) || c === 95 || c === 45)) return false;
  }
  return true;
}

export function hexOf(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    s += (b < 16 ? '0' : '') + b.toString(16);
  }
  return s;
}

export function sameBytes(a: Uint8Array, aAt: number, b: Uint8Array, length: number): boolean {
  for (let k = 0; k < length; k++) if (a[aAt + k] !== b[k]) return false;
  return true;
}
