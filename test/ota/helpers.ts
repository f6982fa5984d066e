// Shared by the OTA format tests: feeding parsers in chunkings, collecting what they emit (and checking the event
// contract of device/src/ota/stream.ts on every run), a §16 producer and reference consumer for the legacy text
// format, and a raw .wwws builder that can write fields the packer refuses.
import { createHash } from 'crypto';
import { BinHeader, BinParser } from '../../device/src/ota/bin-parser';
import { HasherFactory } from '../../device/src/ota/sha256';
import { OtaError } from '../../device/src/ota/stream';
import { WwwsBundleInfo, WwwsEvent, WwwsFile } from '../../device/src/ota/wwws-events';
import { WwwsParser } from '../../device/src/ota/wwws-parser';

/** Node's SHA-256 behind the parsers' Hasher interface (fast property runs; the JS one is tested against it). */
export const nodeHash: HasherFactory = () => {
  const h = createHash('sha256');
  return {
    update: (d: Uint8Array, s?: number, e?: number) => void h.update(d.subarray(s ?? 0, e ?? d.length)),
    digest: () => new Uint8Array(h.digest()),
  };
};

/** Splits bytes into chunks whose sizes cycle through `sizes` (a 0 gives an empty chunk). */
export function chunksOf(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  let k = 0;
  while (at < bytes.length) {
    const n = sizes[k++ % sizes.length]!;
    out.push(bytes.subarray(at, Math.min(at + n, bytes.length)));
    at += n;
  }
  return out;
}

type Event = { type: string };
interface Parser {
  push(c: Uint8Array): Event[];
  finish(): Event[];
}

/** Feeds every chunk then finish(); checks: nothing after an error or end, at most one of them, and it comes last. */
export function run(parser: Parser, chunks: Uint8Array[]): Event[] {
  const events: Event[] = [];
  for (const c of chunks) events.push(...parser.push(c));
  events.push(...parser.finish());
  const terminal = events.filter((e) => e.type === 'error' || e.type === 'end');
  if (terminal.length !== 1 || events[events.length - 1] !== terminal[0]) {
    throw new Error(`event contract broken: ${events.map((e) => e.type).join(',')}`);
  }
  // Afterwards: finish() is silent; push() is silent after an error, a `misuse` error after an end.
  const late = [...parser.finish(), ...parser.push(new Uint8Array([1, 2, 3])), ...parser.finish()];
  const misuse = terminal[0]!.type === 'end' && late.length === 1 && (late[0] as OtaError).code === 'misuse';
  if (late.length > 0 && !misuse) throw new Error(`events after the end: ${JSON.stringify(late)}`);
  return events;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

export interface BinResult {
  header?: BinHeader;
  payload: Uint8Array;
  error?: OtaError;
  ended: boolean;
  maxPiece: number;
}

export function parseBin(bytes: Uint8Array, sizes: number[] = [536], createHash: HasherFactory = nodeHash): BinResult {
  const events = run(new BinParser({ createHash }), chunksOf(bytes, sizes)) as any[];
  const data = events.filter((e) => e.type === 'data');
  let at = 0;
  for (const d of data) {
    if (d.offset !== at) throw new Error(`data offset ${d.offset}, expected ${at}`);
    at += d.bytes.length;
  }
  return {
    header: events.find((e) => e.type === 'header')?.header,
    payload: concat(data.map((d) => d.bytes)),
    error: events.find((e) => e.type === 'error'),
    ended: events.some((e) => e.type === 'end'),
    maxPiece: Math.max(0, ...data.map((d) => d.bytes.length)),
  };
}

export interface ParsedFile {
  file: WwwsFile;
  data: Uint8Array;
  verified?: boolean;
  length?: number;
}

export interface WwwsResult {
  bundle?: WwwsBundleInfo;
  files: ParsedFile[];
  end?: Extract<WwwsEvent, { type: 'end' }>;
  error?: OtaError;
  maxPiece: number;
}

export function parseWwws(bytes: Uint8Array, sizes: number[] = [536], createHash: HasherFactory = nodeHash): WwwsResult {
  const events = run(new WwwsParser({ createHash }), chunksOf(bytes, sizes)) as (WwwsEvent | OtaError)[];
  const result: WwwsResult = { files: [], maxPiece: 0 };
  let pieces: Uint8Array[] = [];
  let current: ParsedFile | undefined;
  for (const e of events) {
    if (e.type === 'bundle') result.bundle = e.bundle;
    else if (e.type === 'file-start') {
      current = { file: e.file, data: new Uint8Array(0) };
      result.files.push(current);
      pieces = [];
    } else if (e.type === 'file-data') {
      if (!current || e.name !== current.file.name) throw new Error('file-data outside its file');
      const have = pieces.reduce((n, p) => n + p.length, 0);
      if (e.offset !== have) throw new Error(`${e.name}: data offset ${e.offset}, expected ${have}`);
      pieces.push(Uint8Array.from(e.bytes));
      result.maxPiece = Math.max(result.maxPiece, e.bytes.length);
    } else if (e.type === 'file-end') {
      if (!current || e.name !== current.file.name) throw new Error('file-end outside its file');
      current.data = concat(pieces);
      current.verified = e.verified;
      current.length = e.length;
      if (e.length !== current.data.length) throw new Error(`${e.name}: file-end length ${e.length}, got ${current.data.length} bytes`);
    } else if (e.type === 'end') result.end = e;
    else result.error = e;
  }
  return result;
}

// ---- legacy text format (mep-protocol.md §16) ----

/** The reference producer (Generate_wwws.cmd): per file "/" + name CRLF, the bytes, CRLF. Names keep "www_". */
export function legacyBundle(files: { name: string; data: string | Uint8Array }[], leading = ''): Uint8Array {
  const parts: Buffer[] = [Buffer.from(leading, 'latin1')];
  for (const f of files) parts.push(Buffer.from(`/${f.name}\r\n`, 'latin1'), Buffer.from(f.data as string, 'latin1'), Buffer.from('\r\n'));
  return concat(parts);
}

/** The reference consumer on a whole file (§16 consumer steps 3-4): the model the streaming parser must match. */
export function legacyModel(bytes: Uint8Array): { name: string; data: string }[] {
  const text = Buffer.from(bytes).toString('latin1');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop(); // EOF right after a LF is not another line
  const files: { name: string; data: string }[] = [];
  for (let line of lines) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.startsWith('/www_')) files.push({ name: line.slice(1), data: '' });
    else if (files.length > 0) files[files.length - 1]!.data += line + '\r\n';
  }
  return files;
}

// ---- raw .wwws builder (fields as given, checks and hashes computed) ----

export interface RawEntry {
  name: string | Uint8Array;
  flags?: number;
  reserved?: number[];
  data: Uint8Array;
  stored?: number;
  original?: number;
  sha256?: Uint8Array;
}

const sha = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}

/** A format-2 bundle with a correct header check and trailer over whatever fields are given. */
export function rawWwws(entries: RawEntry[], opts: { count?: number; total?: number; version?: number } = {}): Uint8Array {
  const total = opts.total ?? entries.reduce((n, e) => n + (e.stored ?? e.data.length), 0);
  const count = opts.count ?? entries.length;
  const header = Buffer.concat([Buffer.from([0x89, 0x4d, 0x45, 0x57, opts.version ?? 2, 16, count >> 8, count & 0xff]), u32(total)]);
  const parts: Buffer[] = [header, sha(header).subarray(0, 4)];
  for (const e of entries) {
    const name = Buffer.alloc(28);
    Buffer.from(e.name).copy(name);
    const flags = Buffer.from([e.flags ?? 0, ...(e.reserved ?? [0, 0, 0])]);
    parts.push(name, flags, u32(e.stored ?? e.data.length), u32(e.original ?? e.data.length), Buffer.from(e.sha256 ?? sha(e.data)), Buffer.from(e.data));
  }
  const body = Buffer.concat(parts);
  return concat([body, sha(body)]);
}

/** Rewrites a .bin header field and re-seals the header check, so only the field's own validation can object. */
export function resealBin(bin: Uint8Array, edit: (header: Buffer) => void): Uint8Array {
  const out = Buffer.from(bin);
  const h = out.subarray(0, out[5]!);
  edit(h);
  sha(h.subarray(0, h.length - 4)).copy(h, h.length - 4, 0, 4);
  return new Uint8Array(out);
}
