// Login passwords, stored only as salted PBKDF2-HMAC-SHA256 hashes (issue 4 "Login"): "p2$<iterations>$<salt hex>$
// <hash hex>" in settings.login.passwordHash. The iteration count is stored with the hash so it can be raised later.
import { Crypto } from '../hal/types';
import { fromHex, toHex } from '../meter/bytes';
import { utf8Encode } from '../mqtt/utf8';

/** 2000 iterations: mbedtls on an ESP32 at 240 MHz does one HMAC-SHA256 in roughly 20-40 µs, so a login costs
 *  ~0.1 s of blocked interpreter (the watchdog allows 30 s; MQTT keepalive is unaffected). Together with the login
 *  back-off (throttle.ts) that is the balance a 10k-JsVar device can afford; a desktop would use 100x more. */
export const PBKDF2_ITERATIONS = 2000;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

export function hashPassword(crypto: Crypto, password: string): string {
  const salt = crypto.randomBytes(SALT_BYTES);
  const key = crypto.pbkdf2(utf8Encode(password), salt, PBKDF2_ITERATIONS, KEY_BYTES);
  return `p2$${PBKDF2_ITERATIONS}$${toHex(salt)}$${toHex(key)}`;
}

/** Compares all bytes whatever the first difference (no timing hint about how much of the hash matched). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length && i < b.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

export function verifyPassword(crypto: Crypto, password: string, stored: string): boolean {
  const parts = stored.split('$');
  if (parts.length !== 4 || parts[0] !== 'p2') return false;
  const iterations = parseInt(parts[1] as string, 10);
  const salt = fromHex(parts[2] as string);
  const hash = fromHex(parts[3] as string);
  if (!(iterations >= 1 && iterations <= 100000) || !salt || !hash || hash.length === 0) return false;
  return sameBytes(crypto.pbkdf2(utf8Encode(password), salt, iterations, hash.length), hash);
}
