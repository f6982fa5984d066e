// Streaming parser/verifier of the firmware package (.bin, layout in format.ts). Events, in order:
//   header -> data* (payload pieces, views into the pushed chunk: copy or write them before the next push) -> end
// or an error at any point. `end` (from finish()) is the only "verified": the installer writes the data into a
// staging Storage file and switches to it only after `end` (espruino.md checklist "OTA and web assets").
import {
  allZero, BIN_BOARD_AT, BIN_BOARD_SIZE, BIN_BUILD_AT, BIN_BUILD_SIZE, BIN_HEADER_LENGTH, BIN_INTERP_AT, BIN_LENGTH_AT,
  BIN_MAGIC, BIN_SHA_AT, BIN_VERSION, BIN_VERSION_AT, BIN_VERSION_SIZE, HASH_LENGTH, HEADER_CHECK_LENGTH, hexOf,
  isBoardId, MAX_HEADER_LENGTH, MAX_PAYLOAD_BYTES, PREFIX_LENGTH, readText, readU32, sameBytes,
} from './format';
import { createSha256, HasherFactory, Hasher } from './sha256';
import { checkPrefix, ChunkParser, Gather, headerCheckOk, OtaError, ParserOptions, truncatedMessage } from './stream';

export interface BinHeader {
  formatVersion: number;
  headerLength: number;
  firmwareVersion: string;
  buildId: string;
  board: string;
  minInterpreter: { major: number; minor: number };
  payloadLength: number;
  payloadSha256: Uint8Array;
}

export type BinEvent =
  | { type: 'header'; header: BinHeader }
  /** `offset` is the position in the payload (0 = first payload byte). */
  | { type: 'data'; offset: number; bytes: Uint8Array }
  | { type: 'end'; verified: true; payloadLength: number };


const HEADER = 0;
const PAYLOAD = 1;
const COMPLETE = 2;

export class BinParser extends ChunkParser<BinEvent> {
  private readonly createHash: HasherFactory;
  private readonly gather: Gather;
  private state: number;
  private header: BinHeader | null;
  private hash: Hasher | null;
  private done: number;

  constructor(options?: ParserOptions) {
    super();
    this.createHash = (options && options.createHash) || createSha256;
    this.gather = new Gather(MAX_HEADER_LENGTH);
    this.gather.start(PREFIX_LENGTH);
    this.state = HEADER;
    this.header = null;
    this.hash = null;
    this.done = 0;
  }

  protected consume(chunk: Uint8Array, events: (BinEvent | OtaError)[]): void {
    let i = 0;
    while (i < chunk.length && !this.failed()) {
      if (this.state === HEADER) i = this.headerBytes(chunk, i, events);
      else if (this.state === PAYLOAD) i = this.payloadBytes(chunk, i, events);
      else {
        this.fail(events, 'trailing-data', `${chunk.length - i} byte(s) after the end of the package`, this.offset + i);
      }
    }
  }

  private headerBytes(chunk: Uint8Array, i: number, events: (BinEvent | OtaError)[]): number {
    const g = this.gather;
    const next = g.fill(chunk, i);
    const wasPrefix = g.want === PREFIX_LENGTH;
    if (wasPrefix) {
      const p = checkPrefix(g, BIN_MAGIC, BIN_VERSION, BIN_HEADER_LENGTH);
      if (p) {
        this.fail(events, p.code, p.message, p.at);
        return next;
      }
      if (!g.full()) return next;
      g.extend(g.buf[5] as number);
      return next;
    }
    if (!g.full()) return next;
    const err = this.parseHeader(g.buf, g.have);
    if (err) {
      this.fail(events, err.code, err.message, err.at);
      return next;
    }
    events.push({ type: 'header', header: this.header as BinHeader });
    this.state = PAYLOAD;
    this.hash = this.createHash();
    return next;
  }

  private parseHeader(b: Uint8Array, length: number): { code: 'header-check' | 'bad-header' | 'too-large'; message: string; at: number } | null {
    if (!headerCheckOk(b, length, this.createHash)) {
      return { code: 'header-check', message: 'header check failed: the header is corrupted', at: length - HEADER_CHECK_LENGTH };
    }
    if (!allZero(b, 6, 2) || !allZero(b, 54, 2)) return { code: 'bad-header', message: 'reserved header bytes are not zero', at: 6 };
    const version = readText(b, BIN_VERSION_AT, BIN_VERSION_SIZE);
    if (!version) return { code: 'bad-header', message: 'firmware version is empty or not printable ASCII', at: BIN_VERSION_AT };
    const buildId = readText(b, BIN_BUILD_AT, BIN_BUILD_SIZE);
    if (buildId === null) return { code: 'bad-header', message: 'build id is not printable ASCII', at: BIN_BUILD_AT };
    const board = readText(b, BIN_BOARD_AT, BIN_BOARD_SIZE);
    if (board === null || !isBoardId(board)) return { code: 'bad-header', message: 'board is not 1-12 of a-z 0-9 _ -', at: BIN_BOARD_AT };
    const payloadLength = readU32(b, BIN_LENGTH_AT);
    if (payloadLength === 0 || payloadLength > MAX_PAYLOAD_BYTES) {
      return { code: 'too-large', message: `payload length ${payloadLength} out of range 1..${MAX_PAYLOAD_BYTES}`, at: BIN_LENGTH_AT };
    }
    this.header = {
      formatVersion: b[4] as number,
      headerLength: length,
      firmwareVersion: version,
      buildId,
      board,
      minInterpreter: { major: b[BIN_INTERP_AT] as number, minor: b[BIN_INTERP_AT + 1] as number },
      payloadLength,
      // A copy: the gather buffer is reused. Espruino 2v29: typed-array .slice() returns a plain Array (shared/espruino/README.md, known difference (a)).
      payloadSha256: new Uint8Array(b.subarray(BIN_SHA_AT, BIN_SHA_AT + HASH_LENGTH)),
    };
    return null;
  }

  private payloadBytes(chunk: Uint8Array, i: number, events: (BinEvent | OtaError)[]): number {
    const header = this.header as BinHeader;
    const n = Math.min(header.payloadLength - this.done, chunk.length - i);
    (this.hash as Hasher).update(chunk, i, i + n);
    events.push({ type: 'data', offset: this.done, bytes: chunk.subarray(i, i + n) });
    this.done += n;
    if (this.done === header.payloadLength) {
      const actual = (this.hash as Hasher).digest();
      if (!sameBytes(actual, 0, header.payloadSha256, HASH_LENGTH)) {
        this.fail(events, 'hash-mismatch', `payload SHA-256 is ${hexOf(actual)}, the header says ${hexOf(header.payloadSha256)}`, header.headerLength);
        return i + n;
      }
      this.state = COMPLETE;
    }
    return i + n;
  }

  protected complete(events: (BinEvent | OtaError)[]): void {
    if (this.state === COMPLETE) {
      events.push({ type: 'end', verified: true, payloadLength: this.done });
      return;
    }
    if (this.state === HEADER) {
      const g = this.gather;
      const want = g.want === PREFIX_LENGTH ? BIN_HEADER_LENGTH : g.want;
      this.fail(events, 'truncated', truncatedMessage('the header', g.have, want), this.offset);
      return;
    }
    this.fail(events, 'truncated', truncatedMessage('the payload', this.done, (this.header as BinHeader).payloadLength), this.offset);
  }
}

/** Why this package cannot run on this device, or null. `interpreterBoard`/`interpreterVersion` as Espruino reports
 *  them (process.env.BOARD, e.g. "ESP32"; process.version, e.g. "2v29.277"). Board rule as selectBoard (board.ts). */
export function binIncompatibility(header: BinHeader, interpreterBoard: string, interpreterVersion: string): string | null {
  if (header.board !== 'auto' && header.board !== 'esp32' && header.board !== 'esp32c3') return `unknown board "${header.board}"`;
  const c3 = interpreterBoard.indexOf('C3') >= 0;
  if ((header.board === 'esp32' && c3) || (header.board === 'esp32c3' && !c3)) {
    return `package is built for board ${header.board}, this device is ${interpreterBoard}`;
  }
  const v = interpreterVersion.indexOf('v');
  const major = parseInt(interpreterVersion.substr(0, v), 10);
  const minor = parseInt(interpreterVersion.substr(v + 1), 10);
  const need = header.minInterpreter;
  if (v < 0 || isNaN(major) || isNaN(minor) || major < need.major || (major === need.major && minor < need.minor)) {
    return `package needs interpreter ${need.major}v${need.minor} or newer, this device runs ${interpreterVersion}`;
  }
  return null;
}
