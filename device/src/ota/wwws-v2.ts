// Streaming parser/verifier of web bundle format 2 (layout in format.ts). Memory is constant: one 255-byte field
// buffer, two running hashes and the names seen so far (<= MAX_FILES, to refuse duplicates).
import {
  allZero, HASH_LENGTH, HEADER_CHECK_LENGTH, hexOf, MAX_BUNDLE_BYTES, MAX_FILES, MAX_HEADER_LENGTH, MAX_GZIP_RATIO, MAX_ORIGINAL_BYTES,
  nameProblem, PREFIX_LENGTH, printable, readText, readU16, readU32, sameBytes, WWWS_COUNT_AT, WWWS_ENTRY_LENGTH,
  WWWS_FLAG_GZIP, WWWS_FLAGS_AT, WWWS_HEADER_LENGTH, WWWS_MAGIC, WWWS_NAME_SIZE, WWWS_ORIGINAL_AT, WWWS_SHA_AT,
  WWWS_STORED_AT, WWWS_TOTAL_AT, WWWS_VERSION,
} from './format';
import { createSha256, Hasher, HasherFactory } from './sha256';
import { checkPrefix, ChunkParser, Gather, headerCheckOk, OtaError, OtaErrorCode, ParserOptions, truncatedMessage } from './stream';
import { WwwsEvent, WwwsFile } from './wwws-events';

const HEADER = 0;
const ENTRY = 1;
const DATA = 2;
const TRAILER = 3;
const COMPLETE = 4;

type Events = (WwwsEvent | OtaError)[];
interface Problem {
  code: OtaErrorCode;
  message: string;
  at: number;
}

export class WwwsV2Parser extends ChunkParser<WwwsEvent> {
  private readonly createHash: HasherFactory;
  private readonly gather: Gather;
  private readonly bundleHash: Hasher;
  private fileHash: Hasher | null;
  private state: number;
  /** Absolute offset where the field in `gather` starts. */
  private fieldAt: number;
  private fileCount: number;
  private declared: number;
  private stored: number;
  private filesDone: number;
  private file: WwwsFile | null;
  private fileDone: number;
  private seen: { [name: string]: boolean };

  constructor(options?: ParserOptions) {
    super();
    this.createHash = (options && options.createHash) || createSha256;
    this.gather = new Gather(MAX_HEADER_LENGTH);
    this.gather.start(PREFIX_LENGTH);
    this.bundleHash = this.createHash();
    this.fileHash = null;
    this.state = HEADER;
    this.fieldAt = 0;
    this.fileCount = 0;
    this.declared = 0;
    this.stored = 0;
    this.filesDone = 0;
    this.file = null;
    this.fileDone = 0;
    this.seen = {};
  }

  protected consume(chunk: Uint8Array, events: Events): void {
    let i = 0;
    while (i < chunk.length && !this.failed()) {
      const s = this.state;
      if (s === DATA) {
        i = this.dataBytes(chunk, i, events);
        continue;
      }
      if (s === COMPLETE) {
        this.fail(events, 'trailing-data', `${chunk.length - i} byte(s) after the bundle checksum`, this.offset + i);
        return;
      }
      const next = this.gather.fill(chunk, i);
      if (s !== TRAILER) this.bundleHash.update(chunk, i, next);
      const p = s === HEADER ? this.headerField(events) : this.gather.full() ? (s === ENTRY ? this.entry(events) : this.trailer()) : null;
      if (p) this.fail(events, p.code, p.message, p.at);
      i = next;
    }
  }

  private startField(size: number, at: number): void {
    this.gather.start(size);
    this.fieldAt = at;
  }

  private headerField(events: Events): Problem | null {
    const g = this.gather;
    if (g.want === PREFIX_LENGTH) {
      const p = checkPrefix(g, WWWS_MAGIC, WWWS_VERSION, WWWS_HEADER_LENGTH);
      if (p || !g.full()) return p ? { code: p.code, message: p.message, at: p.at } : null;
      g.extend(g.buf[5] as number);
      return null;
    }
    if (!g.full()) return null;
    const b = g.buf;
    if (!headerCheckOk(b, g.have, this.createHash)) {
      return { code: 'header-check', message: 'header check failed: the bundle header is corrupted', at: g.have - HEADER_CHECK_LENGTH };
    }
    this.fileCount = readU16(b, WWWS_COUNT_AT);
    this.declared = readU32(b, WWWS_TOTAL_AT);
    if (this.fileCount === 0) return { code: 'no-files', message: 'the bundle has no files', at: WWWS_COUNT_AT };
    if (this.fileCount > MAX_FILES) return { code: 'too-large', message: `${this.fileCount} files, at most ${MAX_FILES}`, at: WWWS_COUNT_AT };
    if (this.declared > MAX_BUNDLE_BYTES) {
      return { code: 'too-large', message: `bundle declares ${this.declared} stored bytes, at most ${MAX_BUNDLE_BYTES}`, at: WWWS_TOTAL_AT };
    }
    events.push({ type: 'bundle', bundle: { version: WWWS_VERSION, integrity: true, fileCount: this.fileCount, storedBytes: this.declared } });
    this.state = ENTRY;
    this.startField(WWWS_ENTRY_LENGTH, g.have);
    return null;
  }

  private entry(events: Events): Problem | null {
    const b = this.gather.buf;
    const at = this.fieldAt;
    const name = readText(b, 0, WWWS_NAME_SIZE);
    if (name === null) return { code: 'bad-name', message: 'file name is not NUL-padded printable ASCII', at };
    const problem = nameProblem(name);
    if (problem) return { code: 'bad-name', message: problem, at };
    if (this.seen[name]) return { code: 'duplicate-name', message: `file "${name}" appears twice`, at };
    const flags = b[WWWS_FLAGS_AT] as number;
    if ((flags & ~WWWS_FLAG_GZIP) !== 0 || !allZero(b, WWWS_FLAGS_AT + 1, 3)) {
      return { code: 'bad-entry', message: `${name}: unknown flags 0x${hexOf(b.subarray(WWWS_FLAGS_AT, WWWS_FLAGS_AT + 4))}`, at: at + WWWS_FLAGS_AT };
    }
    const gzip = (flags & WWWS_FLAG_GZIP) !== 0;
    const storedLength = readU32(b, WWWS_STORED_AT);
    const originalLength = readU32(b, WWWS_ORIGINAL_AT);
    const left = this.declared - this.stored;
    if (storedLength > left) {
      return { code: 'too-large', message: `${name}: stored length ${storedLength} exceeds the ${left} byte(s) the bundle header leaves`, at: at + WWWS_STORED_AT };
    }
    if (gzip ? originalLength > MAX_ORIGINAL_BYTES || originalLength > storedLength * MAX_GZIP_RATIO : originalLength !== storedLength) {
      const why = gzip ? `over ${MAX_ORIGINAL_BYTES} or ${MAX_GZIP_RATIO} times its stored length` : `differs from stored length ${storedLength} (not gzip)`;
      return { code: 'bad-entry', message: `${name}: original length ${originalLength} ${why}`, at: at + WWWS_ORIGINAL_AT };
    }
    this.seen[name] = true;
    // A copy: the gather buffer is reused for the next entry. Espruino 2v29: typed-array .slice() returns a plain Array (shared/espruino/README.md, known difference (a)).
    this.file = { name, gzip, storedLength, originalLength, sha256: new Uint8Array(b.subarray(WWWS_SHA_AT, WWWS_SHA_AT + HASH_LENGTH)) };
    this.fileHash = this.createHash();
    this.fileDone = 0;
    this.stored += storedLength;
    this.state = DATA;
    events.push({ type: 'file-start', file: this.file });
    return storedLength === 0 ? this.endFile(events, at + WWWS_ENTRY_LENGTH) : null;
  }

  private dataBytes(chunk: Uint8Array, i: number, events: Events): number {
    const file = this.file as WwwsFile;
    const n = Math.min((file.storedLength as number) - this.fileDone, chunk.length - i);
    (this.fileHash as Hasher).update(chunk, i, i + n);
    this.bundleHash.update(chunk, i, i + n);
    events.push({ type: 'file-data', name: file.name, offset: this.fileDone, bytes: chunk.subarray(i, i + n) });
    this.fileDone += n;
    if (this.fileDone === file.storedLength) {
      const p = this.endFile(events, this.offset + i + n);
      if (p) this.fail(events, p.code, p.message, p.at);
    }
    return i + n;
  }

  /** The current file's bytes are complete; `end` is the absolute offset after them. */
  private endFile(events: Events, end: number): Problem | null {
    const file = this.file as WwwsFile;
    const actual = (this.fileHash as Hasher).digest();
    if (!sameBytes(actual, 0, file.sha256 as Uint8Array, HASH_LENGTH)) {
      const at = end - this.fileDone;
      return { code: 'hash-mismatch', message: `${file.name}: SHA-256 of the stored bytes is ${hexOf(actual)}, the entry says ${hexOf(file.sha256 as Uint8Array)}`, at };
    }
    events.push({ type: 'file-end', name: file.name, length: this.fileDone, verified: true });
    this.filesDone++;
    this.file = null;
    if (this.filesDone < this.fileCount) {
      this.state = ENTRY;
      this.startField(WWWS_ENTRY_LENGTH, end);
      return null;
    }
    if (this.stored !== this.declared) {
      return { code: 'bad-entry', message: `files hold ${this.stored} stored bytes, the bundle header declares ${this.declared}`, at: WWWS_TOTAL_AT };
    }
    this.state = TRAILER;
    this.startField(HASH_LENGTH, end);
    return null;
  }

  private trailer(): Problem | null {
    const actual = this.bundleHash.digest();
    const b = this.gather.buf;
    if (!sameBytes(b, 0, actual, HASH_LENGTH)) {
      return { code: 'hash-mismatch', message: `bundle SHA-256 is ${hexOf(actual)}, the trailer says ${hexOf(b.subarray(0, HASH_LENGTH))}`, at: this.fieldAt };
    }
    this.state = COMPLETE;
    return null;
  }

  protected complete(events: Events): void {
    if (this.state === COMPLETE) {
      events.push({ type: 'end', verified: true, files: this.filesDone, storedBytes: this.stored });
      return;
    }
    const g = this.gather;
    const end = this.offset;
    if (this.state === HEADER) {
      this.fail(events, 'truncated', truncatedMessage('the bundle header', g.have, g.want === PREFIX_LENGTH ? WWWS_HEADER_LENGTH : g.want), end);
    } else if (this.state === ENTRY) {
      this.fail(events, 'truncated', truncatedMessage(`the entry of file ${this.filesDone + 1} of ${this.fileCount}`, g.have, g.want), end);
    } else if (this.state === DATA) {
      const file = this.file as WwwsFile;
      this.fail(events, 'truncated', truncatedMessage(`file ${printable(file.name)}`, this.fileDone, file.storedLength as number), end);
    } else {
      this.fail(events, 'truncated', truncatedMessage('the bundle checksum', g.have, g.want), end);
    }
  }
}
