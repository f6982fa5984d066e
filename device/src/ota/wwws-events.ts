// Events of the web bundle parsers (wwws-parser.ts). In order:
//   bundle -> (file-start -> file-data* -> file-end)+ -> end      or an error at any point.
// file-data bytes are views into the pushed chunk (or a per-push buffer): write them before the next push.
// Format 2 verifies every file (file-end.verified) and the whole bundle (end.verified); the legacy text format
// (mep-protocol.md §16) has no integrity data, so there both are false. Install only after `end`.

export interface WwwsFile {
  /** Storage name, "www_..." (format.ts). */
  name: string;
  /** Stored bytes are gzip: serve them with Content-Encoding: gzip. */
  gzip: boolean;
  /** null in the legacy format (lengths are known only at file-end). */
  storedLength: number | null;
  originalLength: number | null;
  /** SHA-256 of the stored bytes; null in the legacy format. */
  sha256: Uint8Array | null;
}

export interface WwwsBundleInfo {
  /** 2, or 1 for the legacy text format. */
  version: number;
  /** false for the legacy text format: no hashes, no lengths. */
  integrity: boolean;
  fileCount: number | null;
  storedBytes: number | null;
}

export type WwwsEvent =
  | { type: 'bundle'; bundle: WwwsBundleInfo }
  | { type: 'file-start'; file: WwwsFile }
  /** `offset` is the position within the file. */
  | { type: 'file-data'; name: string; offset: number; bytes: Uint8Array }
  | { type: 'file-end'; name: string; length: number; verified: boolean }
  | { type: 'end'; verified: boolean; files: number; storedBytes: number };
