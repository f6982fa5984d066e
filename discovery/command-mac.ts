// Authenticated commands (issue 11; DOCS.md "Security: pairing and commands"): the wire layout both sides share.
// Pure, ES5, Espruino-safe; the SHA-256 is passed in (hmac-sha256.ts).
//
// Keys. A paired module and the add-on share a random 32-byte secret S. From it:
//   K_mac  = HMAC-SHA256(S, "mep cmd mac v1")                      signs commands
//   K_enc  = first 16 bytes of HMAC-SHA256(S, "mep cmd enc v1")    AES-128-CTR key of secret fields in cmd/config
//   broker password = first 32 hex digits of HMAC-SHA256(S, "mep mqtt password v1")   (embedded broker login)
//
// A signed command is the MQTT payload
//   "MEP1 " <counter> " " <mac: 64 lower-case hex> "\n" <body>
// where <body> is the command's JSON exactly as before (contract.ts), <counter> a decimal integer without leading
// zeros (1 … 2^53-1), and
//   mac = HMAC-SHA256(K_mac, "MEP1\n" <topic> "\n" <counter> "\n" <body bytes>)
// so a command cannot be moved to another topic (another module, another command), changed, or replayed.
// Counters: the add-on sends strictly increasing counters (milliseconds since 1970, bumped past the last one sent;
// it persists a floor an hour ahead, so a restart or a clock set back never reuses one). The module accepts a
// command only if its counter is greater than the last one it accepted (`counterAccepted`); it stores that value
// (it may store a higher floor in blocks, like the meter SEQ, BEFORE executing) and refuses anything else with
// cmd/result error "stale-counter" and `counter_floor` = the floor it holds, on which the add-on resends once
// above it.
//
// Secret fields of cmd/config (contract.ts CONFIG_SECRET_FIELDS, e.g. meter.key) travel encrypted: the field
// `<name>` is replaced by `<name>_enc` = hex(IV, 16 random bytes) + hex(AES-128-CTR(K_enc, IV, UTF-8 value)),
// the counter block being the whole IV incremented big-endian (node:crypto aes-128-ctr). Espruino's CTR mode ignores
// the IV (espruino.md §2.5), so the module builds the key stream from AES-ECB blocks with ctrXor() below.
import { fromHexString, hmacSha256, latin1Bytes, sameBytes, Sha256, toHexString } from './hmac-sha256';

export const MAC_VERSION = 'MEP1';
export const MAC_HEX_LENGTH = 64;
export const SECRET_BYTES = 32;
export const ENC_KEY_BYTES = 16;
export const IV_BYTES = 16;
/** Largest counter: 2^53 - 1 (exact in a JS number on both sides). */
export const MAX_COUNTER = 9007199254740991;
/** Suffix of an encrypted secret field of cmd/config (`key` → `key_enc`). */
export const ENC_SUFFIX = '_enc';

export const LABEL_MAC = 'mep cmd mac v1';
export const LABEL_ENC = 'mep cmd enc v1';
export const LABEL_MQTT = 'mep mqtt password v1';

/** cmd/result `error` of a refused command (never executed). */
export const REFUSED_UNSIGNED = 'unsigned';
export const REFUSED_BAD_MAC = 'bad-mac';
export const REFUSED_STALE = 'stale-counter';
export const REFUSED_NOT_PAIRED = 'not-paired';

export interface CommandKeys {
  mac: Uint8Array;
  enc: Uint8Array;
}

export function deriveKey(sha256: Sha256, secret: Uint8Array, label: string): Uint8Array {
  return hmacSha256(sha256, secret, latin1Bytes(label));
}

export function commandKeys(sha256: Sha256, secret: Uint8Array): CommandKeys {
  return { mac: deriveKey(sha256, secret, LABEL_MAC), enc: deriveKey(sha256, secret, LABEL_ENC).subarray(0, ENC_KEY_BYTES) };
}

/** The embedded broker's password of a paired module (both sides derive it; it never travels in clear). */
export function brokerPassword(sha256: Sha256, secret: Uint8Array): string {
  return toHexString(deriveKey(sha256, secret, LABEL_MQTT)).substr(0, 32);
}

/** True for the decimal form of a counter this layout allows. */
export function isCounterText(text: string): boolean {
  if (text.length < 1 || text.length > 16 || text.charAt(0) === '0') return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return Number(text) <= MAX_COUNTER;
}

/** The bytes the MAC covers. `body` is the payload after the header line, as bytes. */
export function macInput(topic: string, counter: number, body: Uint8Array): Uint8Array {
  const head = latin1Bytes(MAC_VERSION + '\n' + topic + '\n' + counter + '\n');
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

export function commandMac(sha256: Sha256, macKey: Uint8Array, topic: string, counter: number, body: Uint8Array): Uint8Array {
  return hmacSha256(sha256, macKey, macInput(topic, counter, body));
}

/** The header line the payload starts with (the body follows it). */
export function signedHeader(counter: number, mac: Uint8Array): string {
  return MAC_VERSION + ' ' + counter + ' ' + toHexString(mac) + '\n';
}

export interface SignedParts {
  counter: number;
  mac: Uint8Array;
  /** Index of the body's first character in the payload. */
  bodyAt: number;
}

/** Splits a received payload (a string of bytes); null when it is not a signed command. */
export function parseSigned(payload: string): SignedParts | null {
  const nl = payload.indexOf('\n');
  if (nl < 0 || nl > 5 + 16 + 1 + MAC_HEX_LENGTH) return null;
  const head = payload.substring(0, nl).split(' ');
  if (head.length !== 3 || head[0] !== MAC_VERSION) return null;
  const counterText = head[1] as string;
  const macText = head[2] as string;
  if (!isCounterText(counterText) || macText.length !== MAC_HEX_LENGTH) return null;
  const mac = fromHexString(macText);
  if (!mac) return null;
  return { counter: Number(counterText), mac: mac, bodyAt: nl + 1 };
}

/** The module's rule: a counter is accepted only above the last accepted one (or the floor stored after a reboot). */
export function counterAccepted(counter: number, lastAccepted: number): boolean {
  return counter > lastAccepted && counter <= MAX_COUNTER;
}

/** The add-on's rule: the next counter is the clock in ms, or one past the last one if the clock is behind. */
export function nextCounter(lastSent: number, nowMs: number): number {
  const t = Math.floor(nowMs);
  return t > lastSent ? t : lastSent + 1;
}

export type VerifyResult = { ok: true; counter: number; body: string } | { ok: false; error: string };

/** The module's check of a received command (payload as a byte string, as Espruino's MQTT hands it over): the body
 *  to execute and the counter to store (before executing), or the cmd/result error to answer with. */
export function verifyCommand(sha256: Sha256, macKey: Uint8Array, topic: string, payload: string, lastAccepted: number): VerifyResult {
  const parts = parseSigned(payload);
  if (!parts) return { ok: false, error: REFUSED_UNSIGNED };
  const body = payload.substring(parts.bodyAt);
  if (!sameBytes(parts.mac, commandMac(sha256, macKey, topic, parts.counter, latin1Bytes(body)))) return { ok: false, error: REFUSED_BAD_MAC };
  if (!counterAccepted(parts.counter, lastAccepted)) return { ok: false, error: REFUSED_STALE };
  return { ok: true, counter: parts.counter, body: body };
}

/** One AES block encryption (16 bytes in, 16 out) with the key bound in: on Espruino
 *  `function (b) { return new Uint8Array(require('crypto').AES.encrypt(b, key, { mode: 'ECB' })); }`. */
export type AesBlock = (block: Uint8Array) => Uint8Array;

/** AES-CTR (encrypts and decrypts): data XOR AES(IV), AES(IV+1), … with the whole IV as a big-endian counter. */
export function ctrXor(aes: AesBlock, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  const counter = new Uint8Array(IV_BYTES);
  counter.set(iv.subarray(0, IV_BYTES), 0);
  for (let at = 0; at < data.length; at += IV_BYTES) {
    const stream = aes(counter);
    for (let i = 0; i < IV_BYTES && at + i < data.length; i++) out[at + i] = (data[at + i] as number) ^ (stream[i] as number);
    for (let j = IV_BYTES - 1; j >= 0; j--) {
      counter[j] = ((counter[j] as number) + 1) & 0xff;
      if (counter[j] !== 0) break;
    }
  }
  return out;
}

/** An `x_enc` value split into IV and ciphertext; null when it is not one. */
export function splitEncryptedField(value: string): { iv: Uint8Array; data: Uint8Array } | null {
  if (value.length < IV_BYTES * 2) return null;
  const bytes = fromHexString(value);
  if (!bytes) return null;
  return { iv: bytes.subarray(0, IV_BYTES), data: bytes.subarray(IV_BYTES) };
}
