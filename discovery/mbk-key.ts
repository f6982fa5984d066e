// The customer's MBK (MEP Basic Key) → the 16-byte digest key (spec §4.1). Accepted forms: 16–20 printable ASCII
// characters, or 32–40 hex digits that encode such characters (Austrian utilities hand the key out that way).
// Only the first 16 characters are used. Messages never contain the key or any part of it.
// Lives in discovery/ because the device (device/src/meter/key.ts re-exports it) and the add-on panel must validate
// the key with the same code, and the add-on may import only discovery/ (architecture C4).

export type MbkResult =
  | { ok: true; digestKey: Uint8Array; form: 'ascii' | 'hex'; warnings: string[] }
  | { ok: false; code: 'empty' | 'not-configured' | 'length' | 'charset' | 'hex'; message: string };

/** The reference firmware's "no key configured" placeholder (spec §4.1); it never talks to the meter with it. */
const PLACEHOLDER_KEY = '00000000000000000000';

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function printableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

function allHex(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isHexDigit(text.charCodeAt(i))) return false;
  return true;
}

function hexToText(hex: string): string {
  let s = '';
  for (let i = 0; i < hex.length; i += 2) s += String.fromCharCode(parseInt(hex.substr(i, 2), 16));
  return s;
}

function fromAscii(text: string, form: 'ascii' | 'hex'): MbkResult {
  if (text.length < 16 || text.length > 20) {
    return { ok: false, code: 'length', message: `the MBK key must be 16 to 20 characters (got ${text.length})` };
  }
  if (!printableAscii(text)) {
    return {
      ok: false,
      code: 'charset',
      message: 'the MBK key may only contain printable ASCII characters (letters, digits, punctuation)',
    };
  }
  if (text === PLACEHOLDER_KEY) {
    return { ok: false, code: 'not-configured', message: 'the MBK key is the all-zero placeholder: enter the key from your utility' };
  }
  const warnings: string[] = [];
  if (text.charAt(0) === ' ' || text.charAt(text.length - 1) === ' ') {
    warnings.push('the MBK key starts or ends with a space; check that it was copied exactly');
  }
  const key = new Uint8Array(16);
  for (let i = 0; i < 16; i++) key[i] = text.charCodeAt(i);
  return { ok: true, digestKey: key, form, warnings };
}

/** Validates an MBK as typed by a user and returns the digest key (first 16 characters as bytes). */
export function parseMbk(input: string): MbkResult {
  if (typeof input !== 'string' || input.length === 0) {
    return { ok: false, code: 'empty', message: 'no MBK key given' };
  }
  if (input.length > 20) {
    if (input.length >= 32 && input.length <= 40 && input.length % 2 === 0 && allHex(input)) {
      return fromAscii(hexToText(input), 'hex');
    }
    if (allHex(input)) {
      return {
        ok: false,
        code: 'hex',
        message: `a hex-form MBK key must have an even number of digits, 32 to 40 (got ${input.length})`,
      };
    }
    return { ok: false, code: 'length', message: `the MBK key must be 16 to 20 characters (got ${input.length})` };
  }
  return fromAscii(input, 'ascii');
}

/** Digest key from raw key bytes, for the compatibility cases of spec §4.1 (short keys: vectors V041–V044). */
export function digestKeyFromText(text: string): Uint8Array {
  const n = text.length < 16 ? text.length : 16;
  const key = new Uint8Array(n);
  for (let i = 0; i < n; i++) key[i] = text.charCodeAt(i) & 0xff;
  return key;
}
