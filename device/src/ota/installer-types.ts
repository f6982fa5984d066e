// The seam between the device's web server (web/, uploads) and MQTT pull updates on one side and the update engine
// (ota/: staging, verification, slots, boot loader) on the other. Both sides code against these interfaces only.
import { PackageKind } from '../../../discovery/contract';

export interface InstallProgress {
  /** Known once the package's magic has been read. */
  kind: PackageKind | null;
  received: number;
  total: number;
}

export interface InstallOutcome {
  ok: boolean;
  kind?: PackageKind;
  /** Version the package carries. */
  version?: string;
  /** Clear, user-facing reason when !ok (never contains a secret). */
  error?: string;
  /** A .bin was staged and activated on trial: the caller answers its client, then the engine reboots. */
  reboot?: boolean;
}

/** One package install at a time, streamed chunk by chunk into a staging file in Storage (never the whole package
 *  in RAM); nothing running is touched until finish() has verified everything. */
export interface UpdateInstaller {
  /** Starts staging `total` bytes. Returns an error text if refused (another install running, not enough free
   *  Storage, size out of range). */
  begin(total: number, source: 'upload' | 'pull'): string | null;
  /** The next chunk, in order. Returns an error text if the package is already known bad (wrong magic, wrong
   *  board, too long); the install is then aborted and its staging erased. */
  write(chunk: Uint8Array): string | null;
  /** All bytes written: verify and activate. `done` is called exactly once. */
  finish(done: (outcome: InstallOutcome) => void): void;
  /** Drops a running install (connection lost); erases staging. */
  abort(reason: string): void;
  /** null when no install is running. */
  progress(): InstallProgress | null;
}

/** Files of the installed web bundle (.wwws), as the web server serves them. */
export interface WebFile {
  /** Storage file name holding the bytes. */
  storageName: string;
  length: number;
  /** Stored gzip-compressed: serve with Content-Encoding: gzip. */
  gzip: boolean;
}

export interface WebFiles {
  /** A path such as "/index.html" → its file, or null. */
  lookup(path: string): WebFile | null;
  /** Version of the installed bundle, null when none is installed. */
  version(): string | null;
}
