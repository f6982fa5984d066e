// Pairing (DOCS.md "Security: pairing and commands"): how the module's secret S reaches the add-on once, without
// MQTT. Pure, ES5, Espruino-safe; SHA-256 passed in.
//
// 1. On the module's own page (behind its login) the owner presses "Pair with Home Assistant": the module creates
//    S (32 random bytes) if it has none and opens a pairing window (10 minutes, 3 answers) showing a random code
//    of PAIR_CODE_LENGTH characters (Crockford base32, shown as XXXX-XXXX). The code never travels anywhere.
// 2. In the add-on's panel the owner presses "Pair" on that meter and types the code. The add-on sends
//    POST http://<module address>/api/pair  {"nonce": <32 hex>, "host": <the add-on's OTA host>}
//    and the module answers (while its window is open) with sealPairReply():
//    {"device_id", "secret_enc": hex(S XOR HMAC(K_p, "enc")), "tag": hex(HMAC(K_p, pairTagInput(...)))}
//    where K_p = HMAC-SHA256(code, "mep pair v1" + nonce bytes). The module records `host`: it downloads updates
//    only from there.
// 3. The add-on opens it with the code the owner typed (openPairReply): a wrong code, another module, a changed
//    host or a forged answer fail the tag, and nothing is stored. Whoever reads the exchange without the code
//    learns nothing but what brute force of the code gives (40 bits), during a 10-minute window.
// The first signed command the module accepts closes its window.
import { fromHexString, hmacSha256, latin1Bytes, sameBytes, Sha256, toHexString } from './hmac-sha256';
import { SECRET_BYTES } from './command-mac';

export const PAIR_CODE_LENGTH = 8;
export const PAIR_NONCE_BYTES = 16;
export const PAIR_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const LABEL_PAIR = 'mep pair v1';

export interface PairReply {
  device_id: string;
  secret_enc: string;
  tag: string;
}

/** The code as typed (any case, with '-' or spaces, O for 0, I/L for 1) → canonical form; null if not a code. */
export function normalizePairCode(input: string): string | null {
  let out = '';
  const up = input.toUpperCase();
  for (let i = 0; i < up.length; i++) {
    let c = up.charAt(i);
    if (c === '-' || c === ' ') continue;
    if (c === 'O') c = '0';
    else if (c === 'I' || c === 'L') c = '1';
    if (PAIR_CODE_ALPHABET.indexOf(c) < 0) return null;
    out += c;
  }
  return out.length === PAIR_CODE_LENGTH ? out : null;
}

/** A code from PAIR_CODE_LENGTH random bytes (each taken modulo 32: the alphabet has 32 characters). */
export function pairCodeFrom(random: Uint8Array): string {
  let out = '';
  for (let i = 0; i < PAIR_CODE_LENGTH; i++) out += PAIR_CODE_ALPHABET.charAt((random[i] as number) & 31);
  return out;
}

function pairKey(sha256: Sha256, code: string, nonce: Uint8Array): Uint8Array {
  const label = latin1Bytes(LABEL_PAIR);
  const msg = new Uint8Array(label.length + nonce.length);
  msg.set(label, 0);
  msg.set(nonce, label.length);
  return hmacSha256(sha256, latin1Bytes(code), msg);
}

function pairTagInput(deviceId: string, host: string, nonce: Uint8Array, secretEnc: string): Uint8Array {
  return latin1Bytes('tag\n' + deviceId + '\n' + host + '\n' + toHexString(nonce) + '\n' + secretEnc);
}

function mask(sha256: Sha256, key: Uint8Array, secret: Uint8Array): Uint8Array {
  const pad = hmacSha256(sha256, key, latin1Bytes('enc'));
  const out = new Uint8Array(SECRET_BYTES);
  for (let i = 0; i < SECRET_BYTES; i++) out[i] = (secret[i] as number) ^ (pad[i] as number);
  return out;
}

/** The module's answer to a pair request (code canonical, secret SECRET_BYTES long). */
export function sealPairReply(sha256: Sha256, code: string, nonce: Uint8Array, host: string, deviceId: string, secret: Uint8Array): PairReply {
  const key = pairKey(sha256, code, nonce);
  const secretEnc = toHexString(mask(sha256, key, secret));
  const tag = toHexString(hmacSha256(sha256, key, pairTagInput(deviceId, host, nonce, secretEnc)));
  return { device_id: deviceId, secret_enc: secretEnc, tag: tag };
}

/** The add-on's check of an answer: the secret, or null when anything does not match. */
export function openPairReply(sha256: Sha256, code: string, nonce: Uint8Array, host: string, deviceId: string, reply: PairReply): Uint8Array | null {
  if (!reply || reply.device_id !== deviceId || typeof reply.secret_enc !== 'string' || typeof reply.tag !== 'string') return null;
  const enc = fromHexString(reply.secret_enc);
  const tag = fromHexString(reply.tag);
  if (!enc || enc.length !== SECRET_BYTES || !tag) return null;
  const key = pairKey(sha256, code, nonce);
  if (!sameBytes(tag, hmacSha256(sha256, key, pairTagInput(deviceId, host, nonce, reply.secret_enc)))) return null;
  return mask(sha256, key, enc);
}
