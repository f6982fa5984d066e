// Inspects an update package exactly as the device would read it: the device parsers, fed 536-byte chunks
// (espruino.md §2.8). Node adds one check the device cannot make: gzip files must inflate to their original length,
// and inflating stops there (a gzip bomb never grows past the size its entry declares, issue 11 attack 6).
import { gunzipSync } from 'zlib';
import { BinHeader, BinParser } from '../device/src/ota/bin-parser';
import { BIN_MAGIC, hexOf, LEGACY_NOTE, magicMismatch, WWWS_MAGIC } from '../device/src/ota/format';
import { HasherFactory } from '../device/src/ota/sha256';
import { OtaError } from '../device/src/ota/stream';
import { WwwsBundleInfo, WwwsEvent } from '../device/src/ota/wwws-events';
import { WwwsParser } from '../device/src/ota/wwws-parser';

export const DEVICE_CHUNK = 536;

export type PackageKind = 'bin' | 'wwws' | 'wwws-legacy' | 'unknown';

export interface FileReport {
  name: string;
  gzip: boolean;
  storedLength: number | null;
  originalLength: number | null;
  /** Hex; null in the legacy format. */
  sha256: string | null;
  /** Device verdict: true = hash matched, false = no integrity data (legacy), null = not reached. */
  verified: boolean | null;
  length: number;
}

export interface InspectReport {
  kind: PackageKind;
  /** Human name of the format. */
  format: string;
  size: number;
  /** The parser reached its end event. */
  ok: boolean;
  /** Integrity data present and all of it matched. */
  verified: boolean;
  header?: Omit<BinHeader, 'payloadSha256'> & { payloadSha256: string };
  bundle?: WwwsBundleInfo;
  files: FileReport[];
  error?: { code: string; message: string; offset: number };
  /** Node-only checks that failed (gzip content). */
  warnings: string[];
}

export interface InspectOptions {
  chunkSize?: number;
  createHash?: HasherFactory;
}

function kindOf(bytes: Uint8Array): PackageKind {
  if (bytes.length >= 4 && magicMismatch(bytes, 0, 4, BIN_MAGIC) < 0) return 'bin';
  if (bytes.length >= 4 && magicMismatch(bytes, 0, 4, WWWS_MAGIC) < 0) return 'wwws';
  if (bytes.length > 0 && bytes[0] === 0x89) return 'unknown';
  return 'wwws-legacy';
}

function feed<E>(parser: { push(c: Uint8Array): (E | OtaError)[]; finish(): (E | OtaError)[] }, bytes: Uint8Array, chunk: number, on: (e: E | OtaError) => void): void {
  for (let at = 0; at < bytes.length; at += chunk) parser.push(bytes.subarray(at, Math.min(at + chunk, bytes.length))).forEach(on);
  parser.finish().forEach(on);
}

function inspectBin(bytes: Uint8Array, report: InspectReport, options: InspectOptions): void {
  feed<unknown>(new BinParser(options), bytes, options.chunkSize ?? DEVICE_CHUNK, (e) => {
    const ev = e as { type: string };
    if (ev.type === 'header') {
      const h = (e as { header: BinHeader }).header;
      report.header = { ...h, payloadSha256: hexOf(h.payloadSha256) };
    } else if (ev.type === 'end') report.ok = report.verified = true;
    else if (ev.type === 'error') report.error = errorOf(e as OtaError);
  });
}

function errorOf(e: OtaError): InspectReport['error'] {
  return { code: e.code, message: e.message, offset: e.offset };
}

function inspectWwws(bytes: Uint8Array, report: InspectReport, options: InspectOptions): void {
  let current: FileReport | null = null;
  let pieces: Uint8Array[] = [];
  const onEvent = (e: WwwsEvent | OtaError): void => {
    if (e.type === 'bundle') report.bundle = e.bundle;
    else if (e.type === 'file-start') {
      const f = e.file;
      current = { name: f.name, gzip: f.gzip, storedLength: f.storedLength, originalLength: f.originalLength, sha256: f.sha256 ? hexOf(f.sha256) : null, verified: null, length: 0 };
      report.files.push(current);
      pieces = [];
    } else if (e.type === 'file-data') pieces.push(Buffer.from(e.bytes));
    else if (e.type === 'file-end' && current) {
      current.verified = e.verified;
      current.length = e.length;
      if (current.gzip) checkGzip(current, Buffer.concat(pieces), report.warnings);
    } else if (e.type === 'end') {
      report.ok = true;
      report.verified = e.verified;
    } else if (e.type === 'error') report.error = errorOf(e);
  };
  feed(new WwwsParser(options), bytes, options.chunkSize ?? DEVICE_CHUNK, onEvent);
}

function checkGzip(file: FileReport, stored: Buffer, warnings: string[]): void {
  const declared = file.originalLength ?? 0;
  try {
    // One byte more than declared is enough to tell "inflates to more than it says" without inflating all of it.
    const n = gunzipSync(stored, { maxOutputLength: declared + 1 }).length;
    if (n !== declared) warnings.push(`${file.name}: inflates to ${n} bytes, the entry says ${declared}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') warnings.push(`${file.name}: inflates to more than the ${declared} bytes its entry says`);
    else warnings.push(`${file.name}: flagged gzip but does not inflate (${(err as Error).message})`);
  }
}

const FORMAT_NAMES: Record<PackageKind, string> = {
  bin: 'MEP firmware package (.bin), format 1',
  wwws: 'MEP web bundle (.wwws), format 2',
  'wwws-legacy': `MEP web bundle (.wwws), ${LEGACY_NOTE}`,
  unknown: 'not a MEP package',
};

export function inspectPackage(bytes: Uint8Array, options: InspectOptions = {}): InspectReport {
  let kind = kindOf(bytes);
  const report: InspectReport = { kind, format: FORMAT_NAMES[kind], size: bytes.length, ok: false, verified: false, files: [], warnings: [] };
  if (kind === 'bin') inspectBin(bytes, report, options);
  else if (kind === 'unknown') report.error = { code: 'bad-magic', message: 'starts like a binary package but the magic is neither .bin nor .wwws', offset: 0 };
  else inspectWwws(bytes, report, options);
  if (kind === 'wwws-legacy' && report.error && report.error.code === 'no-files') {
    kind = 'unknown';
    report.error.message = 'not a MEP package: no .bin/.wwws magic and no "/www_" header line';
  }
  report.kind = kind;
  report.format = FORMAT_NAMES[kind];
  return report;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function verdictOf(v: boolean | null): string {
  return v === null ? '-' : v ? 'ok' : 'none';
}

/** Human-readable report; the last line is the verdict. */
export function formatReport(label: string, r: InspectReport): string {
  const lines = [`${label}: ${r.format}, ${r.size} bytes`];
  if (r.header) {
    const h = r.header;
    lines.push(`  firmware version  ${h.firmwareVersion}`, `  build id          ${h.buildId || '-'}`, `  board             ${h.board}`);
    lines.push(`  min interpreter   ${h.minInterpreter.major}v${h.minInterpreter.minor}`, `  header            ${h.headerLength} bytes, check ok`);
    lines.push(`  payload           ${h.payloadLength} bytes, sha256 ${h.payloadSha256} ${r.ok ? 'ok' : '-'}`);
  }
  if (r.bundle && r.bundle.integrity) lines.push(`  files             ${r.bundle.fileCount}, ${r.bundle.storedBytes} stored bytes`);
  if (r.files.length > 0) {
    lines.push(`  ${pad('name', 28)}${pad('gzip', 6)}${pad('stored', 9)}${pad('original', 10)}${pad('sha256', 66)}verified`);
    for (const f of r.files) {
      const stored = f.storedLength ?? f.length;
      const original = f.originalLength ?? f.length;
      lines.push(`  ${pad(f.name, 28)}${pad(f.gzip ? 'yes' : 'no', 6)}${pad(String(stored), 9)}${pad(String(original), 10)}${pad(f.sha256 ?? '-', 66)}${verdictOf(f.verified)}`);
    }
  }
  if (r.bundle && r.bundle.integrity) lines.push(`  bundle checksum   ${r.ok ? 'ok' : '-'}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  if (r.error) lines.push(`  error at offset ${r.error.offset}: ${r.error.message}`);
  lines.push(r.error || r.warnings.length > 0 ? 'NOT VERIFIED' : r.verified ? 'verified' : `ok, not verified (${LEGACY_NOTE})`);
  return lines.join('\n');
}
