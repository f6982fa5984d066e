// The pairing state in Storage (issue 11; DOCS.md "Security: pairing and commands"), in small files of their own,
// never in the settings JSON (which the pages, the log and `mep` show redacted): the 32-byte secret S with the host
// updates may come from, the counter floor of signed commands, and an open pairing window. Nothing here logs, and
// no error names a value. Used by the lazy 'sec' module (module.ts) and the web module's pairing routes
// (web/pair.ts), never by the resident core.
import { SECRET_BYTES } from '../../../discovery/command-mac';
import { fromHexString, toHexString } from '../../../discovery/hmac-sha256';
import { Storage } from '../hal/types';

/** "<S as 64 hex digits> <download host>" (the host may be empty: a secret written by `mep upload`). */
export const SECRET_FILE = 'mep.sec';
/** The counter floor: no signed command at or below it is accepted (decimal). */
export const FLOOR_FILE = 'mep.ctr';
/** An open pairing window: "<code> <until, uptime ms> <answers left> <pending S hex> <host fixed by the first
 *  answer, or ->". Erased at every boot (app.ts), when it expires, and by the first signed command accepted. */
export const WINDOW_FILE = 'mep.pairw';
/** The floor is stored this far above an accepted counter (like the meter SEQ): the add-on's counters are its clock
 *  in ms, so commands within a minute of each other cost no Storage write. */
export const FLOOR_BLOCK = 60000;

export interface Pairing {
  secret: Uint8Array;
  host: string;
}

export function readPairing(storage: Storage): Pairing | null {
  const text = storage.readText(SECRET_FILE);
  if (!text) return null;
  const sp = text.indexOf(' ');
  const secret = fromHexString(sp < 0 ? text : text.substring(0, sp));
  if (!secret || secret.length !== SECRET_BYTES) return null;
  return { secret, host: sp < 0 ? '' : text.substring(sp + 1) };
}

export function writePairing(storage: Storage, secret: Uint8Array, host: string): boolean {
  return storage.write(SECRET_FILE, toHexString(secret) + ' ' + host);
}

export function readFloor(storage: Storage): number {
  const text = storage.readText(FLOOR_FILE);
  const n = text ? parseInt(text, 10) : 0;
  return n > 0 ? n : 0;
}

export interface PairWindow {
  code: string;
  until: number;
  left: number;
  pending: Uint8Array;
  /** '' until the first answer fixes it. */
  host: string;
}

/** The open window, or null (none, damaged or expired: then it is erased). */
export function readWindow(storage: Storage, uptimeMs: number): PairWindow | null {
  const text = storage.readText(WINDOW_FILE);
  if (!text) return null;
  const f = text.split(' ');
  const pending = fromHexString(f[3] || '');
  const w: PairWindow | null = f.length === 5 && pending && pending.length === SECRET_BYTES
    ? { code: f[0] as string, until: parseInt(f[1] as string, 10), left: parseInt(f[2] as string, 10), pending, host: f[4] === '-' ? '' : (f[4] as string) }
    : null;
  if (!w || !(w.until > uptimeMs) || !(w.left > 0)) {
    storage.erase(WINDOW_FILE);
    return null;
  }
  return w;
}

export function writeWindow(storage: Storage, w: PairWindow): boolean {
  return storage.write(WINDOW_FILE, w.code + ' ' + w.until + ' ' + w.left + ' ' + toHexString(w.pending) + ' ' + (w.host || '-'));
}
