// Signed commands on the module (issue 11; DOCS.md "Security: pairing and commands"), as the lazy module 'sec'
// (device/src/lazy, device/build/modules.ts): the MQTT service loads it for each command it receives and each result
// it sends, and releases it at once, so the HMAC, AES-CTR and parsing code costs no RAM in between.
//
// A module without a secret (not paired) takes commands as before: openCommand() hands the payload back unchanged and
// sealResult() the result. A paired module executes a command only when verifyCommand() (discovery/command-mac.ts)
// accepts it: signed with the secret's K_mac for this very topic, with a counter above the last one accepted. The
// counter floor is stored (FLOOR_BLOCK ahead) BEFORE the command runs. Refusals are answered `unsigned`, `bad-mac`
// or `stale-counter` (with counter_floor); encrypted fields of a config command (`x_enc`) are decrypted here; an
// update must name the host the module was paired with. Its results carry the same signature (topic cmd/result).
import { commandMac, ctrXor, deriveKey, ENC_KEY_BYTES, ENC_SUFFIX, LABEL_ENC, LABEL_MAC, parseSigned, REFUSED_STALE, signedHeader, splitEncryptedField, verifyCommand } from '../../../discovery/command-mac';
import { CommandResult, CONFIG_SECRET_FIELDS } from '../../../discovery/contract';
import { latin1Bytes } from '../../../discovery/hmac-sha256';
import { Crypto, Storage } from '../hal/types';
import { pairing } from './pairing';
import { FLOOR_BLOCK, FLOOR_FILE, readFloor, readPairing, WINDOW_FILE } from './store';

export interface SecHal {
  storage: Storage;
  crypto: Crypto;
}

export interface Opened {
  /** What to execute: the payload as before (PRESS or the command's JSON), secret fields decrypted; '' if refused. */
  text: string;
  /** The command's counter, which its result is signed with (1 for an unsigned one). */
  counter: number;
  /** The last counter accepted, for the caller to keep until the next command (-1 when not read yet). */
  last: number;
  /** The answer to publish instead of executing anything. */
  refused: CommandResult | null;
}

type Obj = { [key: string]: unknown };
type Name = CommandResult['command'];

/** The command's id, for the refusal to answer it (taken from an unverified body only to be echoed). */
function idOf(body: string): string | null {
  try {
    const o = JSON.parse(body) as Obj;
    return o && typeof o.id === 'string' && (o.id as string).length <= 64 ? (o.id as string) : null;
  } catch {
    return null;
  }
}

function refuse(command: Name, body: string, counter: number, last: number, error: string, floor?: number): Opened {
  const r: CommandResult = { id: idOf(body), command, ok: false, error };
  if (floor !== undefined) r.counter_floor = floor;
  return { text: '', counter, last, refused: r };
}

/** Bytes → text, ASCII only (the device's rule for commands); null otherwise. */
function asciiText(bytes: Uint8Array): string | null {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    if (c < 0x20 || c > 0x7e) return null;
    s += String.fromCharCode(c);
  }
  return s;
}

/** Replaces every `x_enc` of CONFIG_SECRET_FIELDS by `x`; the name of the first field that does not decrypt, or ''. */
function decryptFields(crypto: Crypto, encKey: Uint8Array, cmd: Obj): string {
  for (let i = 0; i < CONFIG_SECRET_FIELDS.length; i++) {
    const path = (CONFIG_SECRET_FIELDS[i] as string).split('.');
    const group = cmd[path[0] as string] as Obj | undefined;
    const name = (path[1] as string) + ENC_SUFFIX;
    if (!group || typeof group !== 'object' || group[name] === undefined) continue;
    const parts = typeof group[name] === 'string' ? splitEncryptedField(group[name] as string) : null;
    const aes = crypto.aes;
    const plain = parts && aes ? asciiText(ctrXor((b) => aes(encKey, b), parts.iv, parts.data)) : null;
    if (plain === null) return path[0] + '.' + name;
    group[path[1] as string] = plain;
    delete group[name];
  }
  return '';
}

/** The host part of an http:// URL (lower case, without port), or null. */
function urlHost(url: unknown): string | null {
  if (typeof url !== 'string' || url.substr(0, 7) !== 'http://') return null;
  let hostPort = url.substring(7).split('/')[0] as string;
  hostPort = hostPort.split('?')[0] as string;
  if (hostPort.indexOf('@') >= 0) return null;
  const host = hostPort.charAt(0) === '[' ? hostPort.substring(0, hostPort.indexOf(']') + 1) : (hostPort.split(':')[0] as string);
  return host.toLowerCase();
}

/** The module's check of one command (topic `<base>/cmd/<command>`, payload as ASCII text); `last` is the last
 *  counter accepted since boot, -1 before the first (the stored floor is read then). */
export function openCommand(hal: SecHal, topic: string, command: Name, payload: string, last: number): Opened {
  const pairing = readPairing(hal.storage);
  if (!pairing) return { text: payload, counter: 1, last, refused: null };
  const sha = (d: Uint8Array) => hal.crypto.sha256(d);
  const floor = readFloor(hal.storage);
  if (last < 0) last = floor;
  const v = verifyCommand(sha, deriveKey(sha, pairing.secret, LABEL_MAC), topic, payload, last);
  if (!v.ok) {
    const parts = parseSigned(payload);
    return refuse(command, parts ? payload.substring(parts.bodyAt) : payload, v.error === REFUSED_STALE && parts ? parts.counter : 1, last, v.error, v.error === REFUSED_STALE ? last : undefined);
  }
  // Authentic and fresh: the counter is stored before anything runs, so a reboot cannot make it acceptable again.
  if (v.counter >= floor && !hal.storage.write(FLOOR_FILE, String(v.counter + FLOOR_BLOCK))) {
    return refuse(command, v.body, v.counter, last, 'the command counter could not be stored');
  }
  last = v.counter;
  // The first signed command accepted closes a pairing window (discovery/pairing.ts).
  if (hal.storage.readText(WINDOW_FILE) !== null) hal.storage.erase(WINDOW_FILE);
  let text = v.body;
  if (command === 'config' || command === 'update') {
    let cmd: Obj | null = null;
    try {
      cmd = JSON.parse(text) as Obj;
    } catch {
      cmd = null;
    }
    if (cmd && typeof cmd === 'object' && command === 'config') {
      const bad = decryptFields(hal.crypto, deriveKey(sha, pairing.secret, LABEL_ENC).subarray(0, ENC_KEY_BYTES), cmd);
      if (bad) return refuse(command, text, v.counter, last, `${bad} cannot be decrypted`);
      text = JSON.stringify(cmd);
    } else if (cmd && typeof cmd === 'object' && pairing.host) {
      if (urlHost(cmd.url) !== pairing.host.toLowerCase()) return refuse(command, text, v.counter, last, 'updates come only from the paired add-on\'s host');
    }
  }
  return { text, counter: v.counter, last, refused: null };
}

/** A result as the add-on expects it from this module: signed when paired (the counter of the command it answers,
 *  or 1), as before otherwise. */
export function sealResult(hal: SecHal, topic: string, json: string, counter: number): string {
  const pairing = readPairing(hal.storage);
  if (!pairing) return json;
  const sha = (d: Uint8Array) => hal.crypto.sha256(d);
  return signedHeader(counter, commandMac(sha, deriveKey(sha, pairing.secret, LABEL_MAC), topic, counter, latin1Bytes(json))) + json;
}

export { pairing };

export type SecModule = { openCommand: typeof openCommand; sealResult: typeof sealResult; pairing: typeof pairing };
