// The reference firmware's text bundle (mep-protocol.md §16), read-only so existing update.wwws files still install:
// a line ends at LF and loses one trailing CR; a line starting with "/www_" opens the file of that name (our
// Storage name drops the slash); any other line goes to the current file followed by CRLF; lines before the first
// header are dropped. A final line without LF still counts. No lengths or hashes: reported as LEGACY_NOTE.
// Streaming with constant state: lines may be longer than any buffer (minified JS), so only the 5-byte "/www_"
// prefix and a header line (<= 30 bytes) are ever held; content passes through a per-push output buffer.
import { MAX_BUNDLE_BYTES, MAX_FILES, NAME_MAX, nameProblem, printable, WWWS_LEGACY_VERSION } from './format';
import { ChunkParser, OtaError } from './stream';
import { WwwsEvent } from './wwws-events';

type Events = (WwwsEvent | OtaError)[];

const LF = 10;
const CR = 13;
/** "/www_" */
const PREFIX = [0x2f, 0x77, 0x77, 0x77, 0x5f];
const LINE_START = 0;
const CONTENT = 1;
const HEADER = 2;

export class LegacyWwwsParser extends ChunkParser<WwwsEvent> {
  private mode: number;
  /** Bytes of PREFIX matched at the start of the current line. */
  private prefixHave: number;
  /** Header line text after the slash, and where the line starts. */
  private name: string;
  private headerAt: number;
  /** A CR ended the last chunk inside a content line: dropped if LF follows. */
  private pendingCr: boolean;
  private file: string | null;
  private fileLength: number;
  private files: number;
  private total: number;
  private seen: { [name: string]: boolean };
  /** Per-push output (content with CRLF line ends) and where the current file's piece of it starts. */
  private out: Uint8Array;
  private outLength: number;
  private pieceStart: number;

  constructor() {
    super();
    this.mode = LINE_START;
    this.prefixHave = 0;
    this.name = '';
    this.headerAt = 0;
    this.pendingCr = false;
    this.file = null;
    this.fileLength = 0;
    this.files = 0;
    this.total = 0;
    this.seen = {};
    this.out = new Uint8Array(0);
    this.outLength = 0;
    this.pieceStart = 0;
  }

  protected consume(chunk: Uint8Array, events: Events): void {
    if (this.offset === 0 && chunk.length > 0) {
      events.push({ type: 'bundle', bundle: { version: WWWS_LEGACY_VERSION, integrity: false, fileCount: null, storedBytes: null } });
    }
    // Output never exceeds input + CR per LF + replayed prefix/pending CR.
    this.out = new Uint8Array(2 * chunk.length + PREFIX.length + 2);
    this.outLength = 0;
    this.pieceStart = 0;
    let i = 0;
    while (i < chunk.length && !this.failed()) {
      if (this.mode === LINE_START) i = this.lineStart(chunk, i, events);
      else if (this.mode === HEADER) i = this.headerByte(chunk, i, events);
      else i = this.content(chunk, i, events);
    }
    if (!this.failed()) this.flush(events);
  }

  private lineStart(chunk: Uint8Array, i: number, events: Events): number {
    if (chunk[i] === PREFIX[this.prefixHave]) {
      if (this.prefixHave === 0) this.headerAt = this.offset + i;
      this.prefixHave++;
      if (this.prefixHave === PREFIX.length) {
        this.mode = HEADER;
        this.name = 'www_';
        this.prefixHave = 0;
      }
      return i + 1;
    }
    this.mode = CONTENT;
    this.replayPrefix(events, this.offset + i);
    return i;
  }

  /** A line that began like "/www_" but is content: its matched bytes go to the file after all. */
  private replayPrefix(events: Events, at: number): void {
    const n = this.prefixHave;
    this.prefixHave = 0;
    for (let k = 0; k < n; k++) this.emit(PREFIX[k] as number, events, at);
  }

  private headerByte(chunk: Uint8Array, i: number, events: Events): number {
    const c = chunk[i] as number;
    if (c !== LF) {
      // NAME_MAX plus one CR that may still be stripped.
      if (this.name.length > NAME_MAX) {
        this.fail(events, 'bad-name', `header line "/${printable(this.name)}..." is longer than ${NAME_MAX} characters`, this.offset + i);
      } else this.name += String.fromCharCode(c);
      return i + 1;
    }
    let name = this.name;
    if (name.charCodeAt(name.length - 1) === CR) name = name.substr(0, name.length - 1);
    this.openFile(name, events, this.headerAt);
    this.mode = LINE_START;
    return i + 1;
  }

  private openFile(name: string, events: Events, at: number): void {
    this.closeFile(events);
    const problem = nameProblem(name);
    if (problem) return this.fail(events, 'bad-name', problem, at);
    if (this.seen[name]) return this.fail(events, 'duplicate-name', `file "${name}" appears twice`, at);
    if (this.files === MAX_FILES) return this.fail(events, 'too-large', `more than ${MAX_FILES} files`, at);
    this.seen[name] = true;
    this.files++;
    this.file = name;
    this.fileLength = 0;
    events.push({ type: 'file-start', file: { name, gzip: false, storedLength: null, originalLength: null, sha256: null } });
  }

  private closeFile(events: Events): void {
    if (this.file === null) return;
    this.flush(events);
    events.push({ type: 'file-end', name: this.file, length: this.fileLength, verified: false });
    this.file = null;
  }

  /** Content up to the next LF (or the chunk's end). */
  private content(chunk: Uint8Array, i: number, events: Events): number {
    const lf = chunk.indexOf(LF, i);
    const end = lf < 0 ? chunk.length : lf;
    if (this.pendingCr && (i < end || lf < 0)) this.emit(CR, events, this.offset + i);
    this.pendingCr = false;
    let stop = end;
    if (end > i && chunk[end - 1] === CR) {
      stop = end - 1;
      if (lf < 0) this.pendingCr = true;
    }
    this.emitSpan(chunk, i, stop, events);
    if (lf < 0) return chunk.length;
    this.endLine(events, this.offset + lf);
    return lf + 1;
  }

  private endLine(events: Events, at: number): void {
    this.emit(CR, events, at);
    this.emit(LF, events, at);
    this.mode = LINE_START;
  }

  private emit(byte: number, events: Events, at: number): void {
    if (this.file === null || this.failed() || !this.room(1, events, at)) return;
    this.out[this.outLength++] = byte;
  }

  private emitSpan(chunk: Uint8Array, start: number, stop: number, events: Events): void {
    if (this.file === null || stop <= start || !this.room(stop - start, events, this.offset + start)) return;
    this.out.set(chunk.subarray(start, stop), this.outLength);
    this.outLength += stop - start;
  }

  /** Counts n more bytes for the current file against the limits (format.ts). */
  private room(n: number, events: Events, at: number): boolean {
    this.fileLength += n;
    this.total += n;
    if (this.total <= MAX_BUNDLE_BYTES) return true;
    this.fail(events, 'too-large', `the files hold more than ${MAX_BUNDLE_BYTES} bytes`, at);
    return false;
  }

  /** Emits the current file's piece of this push's output. */
  private flush(events: Events): void {
    if (this.file !== null && this.outLength > this.pieceStart) {
      const bytes = this.out.subarray(this.pieceStart, this.outLength);
      events.push({ type: 'file-data', name: this.file, offset: this.fileLength - bytes.length, bytes });
    }
    this.pieceStart = this.outLength;
  }

  protected complete(events: Events): void {
    this.out = new Uint8Array(PREFIX.length + 2);
    this.outLength = 0;
    this.pieceStart = 0;
    const at = this.offset;
    if (this.mode === HEADER) {
      let name = this.name;
      if (name.charCodeAt(name.length - 1) === CR) name = name.substr(0, name.length - 1);
      this.openFile(name, events, this.headerAt);
    } else if (this.mode === CONTENT || this.prefixHave > 0) {
      // A final line without LF: written like any other line (its one trailing CR already held back).
      this.replayPrefix(events, at);
      this.pendingCr = false;
      this.endLine(events, at);
    }
    if (this.failed()) return;
    this.closeFile(events);
    if (this.files === 0) return this.fail(events, 'no-files', 'no "/www_" header line: not a web bundle', at);
    events.push({ type: 'end', verified: false, files: this.files, storedBytes: this.total });
  }
}
