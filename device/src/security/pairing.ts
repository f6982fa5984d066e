// Pairing with the add-on (issue 11; discovery/pairing.ts, DOCS.md "Security: pairing and commands"), the module's
// half, in the lazy 'sec' module (module.ts): the web pages' routes (web/pair.ts) load it for one request each.
// - GET  /api/pairing  (logged in): paired or not, the download host, and the code while a window is open;
// - POST /api/pairing  (logged in, CSRF): opens a 10-minute window for 3 answers with a fresh secret and code;
// - POST /api/unpair   (logged in, CSRF): forgets the secret (commands are then taken unsigned, as before pairing);
// - POST /api/pair     (the add-on; no session): {nonce, host} → sealPairReply(), which only the holder of the code
//   can open. The first answer stores the secret and the host (updates come only from there); later answers in the
//   same window must name the same host. Closed window: 403.
// The code and the secret are never logged; the code is shown only to a logged-in user.
import { SECRET_BYTES } from '../../../discovery/command-mac';
import { fromHexString, latin1Bytes } from '../../../discovery/hmac-sha256';
import { pairCodeFrom, PAIR_CODE_LENGTH, PAIR_NONCE_BYTES, sealPairReply } from '../../../discovery/pairing';
import { deviceIdFromMac } from '../../../discovery/topics';
import { Hal } from '../hal/types';
import { readPairing, readWindow, SECRET_FILE, WINDOW_FILE, writePairing, writeWindow } from './store';

/** What a pairing route answers: an HTTP status and its JSON body. */
export interface PairAnswer {
  status: number;
  body: { [key: string]: unknown };
}
export type PairCall = 'status' | 'open' | 'unpair' | 'answer';

const WINDOW_MS = 600000;
const WINDOW_ANSWERS = 3;
/** A host name, an IPv4 address or a bracketed IPv6 one (no spaces: it is stored space-separated). */
function isHost(s: string): boolean {
  if (s.length < 1 || s.length > 253) return false;
  for (let i = 0; i < s.length; i++) if ('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]'.indexOf(s.charAt(i)) < 0) return false;
  return true;
}

function shownCode(code: string): string {
  return code.substring(0, PAIR_CODE_LENGTH / 2) + '-' + code.substring(PAIR_CODE_LENGTH / 2);
}

const ok = (body: PairAnswer['body']): PairAnswer => ({ status: 200, body });
const fail = (status: number, error: string): PairAnswer => ({ status, body: { error } });

/** GET /api/pairing */
function pairingStatus(hal: Hal): PairAnswer {
  const p = readPairing(hal.storage);
  const now = hal.system.uptimeMs();
  const w = readWindow(hal.storage, now);
  return ok({ paired: !!p, host: p ? p.host : null, code: w ? shownCode(w.code) : null, expires_s: w ? Math.ceil((w.until - now) / 1000) : null });
}

/** A new 32-byte secret: the platform's random bytes (E.hwRand on the ESP32) hashed with what varies per board
 *  and moment, so a weak generator alone does not decide it. */
function newSecret(hal: Hal): Uint8Array {
  const r = hal.crypto.randomBytes(48);
  const extra = latin1Bytes(' ' + hal.system.uptimeMs() + ' ' + hal.clock.now() + ' ' + hal.system.freeMemory() + ' ' + hal.wifi.rssi() + ' ' + hal.wifi.mac());
  const all = new Uint8Array(r.length + extra.length);
  all.set(r, 0);
  all.set(extra, r.length);
  return hal.crypto.sha256(all).subarray(0, SECRET_BYTES);
}

/** POST /api/pairing: "Pair with Home Assistant" pressed. */
function openPairing(hal: Hal): PairAnswer {
  const code = pairCodeFrom(hal.crypto.randomBytes(PAIR_CODE_LENGTH));
  const until = hal.system.uptimeMs() + WINDOW_MS;
  if (!writeWindow(hal.storage, { code, until, left: WINDOW_ANSWERS, pending: newSecret(hal), host: '' })) return fail(500, 'the pairing could not be stored');
  return ok({ paired: !!readPairing(hal.storage), code: shownCode(code), expires_s: WINDOW_MS / 1000 });
}

/** POST /api/pair from the add-on; `text` is its body (null: too large). */
function answerPair(hal: Hal, text: string | null): PairAnswer {
  const w = readWindow(hal.storage, hal.system.uptimeMs());
  if (!w) return fail(403, 'not waiting to be paired');
  let form: { [key: string]: unknown } | null = null;
  try {
    form = text === null ? null : (JSON.parse(text) as { [key: string]: unknown });
  } catch {
    form = null;
  }
  const nonce = form && typeof form.nonce === 'string' ? fromHexString(form.nonce) : null;
  const host = form && typeof form.host === 'string' && isHost(form.host) ? form.host : '';
  if (!nonce || nonce.length !== PAIR_NONCE_BYTES || !host) return fail(400, 'expected {"nonce": 32 hex digits, "host": the download host}');
  if (w.host && w.host !== host) return fail(409, 'already answered another host: open a new pairing on the module');
  if (!w.host && !writePairing(hal.storage, w.pending, host)) return fail(500, 'the pairing could not be stored');
  w.host = host;
  w.left--;
  writeWindow(hal.storage, w);
  const id = deviceIdFromMac(hal.wifi.mac()) || 'mep_000000000000';
  return ok(sealPairReply((d) => hal.crypto.sha256(d), w.code, nonce, host, id, w.pending) as unknown as PairAnswer['body']);
}

/** The pairing routes' one entry (web/pair.ts): GET/POST /api/pairing, POST /api/unpair, POST /api/pair. */
export function pairing(hal: Hal, call: PairCall, text: string | null): PairAnswer {
  if (call === 'status') return pairingStatus(hal);
  if (call === 'open') return openPairing(hal);
  if (call === 'answer') return answerPair(hal, text);
  // Unpair: commands are taken unsigned again, as before pairing.
  hal.storage.erase(SECRET_FILE);
  hal.storage.erase(WINDOW_FILE);
  return ok({ paired: false });
}
