// JSON text by hand, safe on Espruino: numbers only through toFixed (espruino.md §1.4: Number->string and
// JSON.stringify print 0.1+0.2 badly), strings ASCII-only (8-bit strings, no UTF-8: §1.2, §1.4).

const HEX = '0123456789abcdef';
/** HA rejects states longer than 255 characters (mqtt/util.py check_state_too_long). */
export const MAX_STRING = 255;

function needsEscape(c: number): boolean {
  return c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c;
}

/** `s` as a JSON string literal: quotes, backslashes and control characters escaped, every non-ASCII character
 *  (UTF-16 unit on Node, byte on Espruino) replaced by '?', cut to `max` characters (default MAX_STRING). */
export function jsonString(s: string, max?: number): string {
  const limit = max === undefined ? MAX_STRING : max;
  const text = s.length > limit ? s.substring(0, limit) : s;
  let clean = true;
  for (let i = 0; i < text.length; i++) {
    if (needsEscape(text.charCodeAt(i))) {
      clean = false;
      break;
    }
  }
  if (clean) return '"' + text + '"';
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!needsEscape(c)) out += text.charAt(i);
    else if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\u00' + HEX.charAt(c >> 4) + HEX.charAt(c & 15);
    else out += '?';
  }
  return out + '"';
}

/** `v` with `decimals` decimals, as JSON. Caller guarantees isFinite(v). "-0.000" becomes "0.000". */
export function jsonFixed(v: number, decimals: number): string {
  const s = v.toFixed(decimals);
  if (s.charAt(0) !== '-') return s;
  for (let i = 1; i < s.length; i++) {
    const ch = s.charAt(i);
    if (ch !== '0' && ch !== '.') return s;
  }
  return s.substring(1);
}

/** `"key":value` where `json` is already JSON text. Keys are our own ASCII identifiers (not escaped). */
export function prop(key: string, json: string): string {
  return '"' + key + '":' + json;
}

/** `"key":"value"` with the value escaped. */
export function propString(key: string, value: string): string {
  return prop(key, jsonString(value));
}

/** An object from `"k":v` parts. */
export function object(parts: string[]): string {
  return '{' + parts.join(',') + '}';
}

/** True for ISO 8601 date-times with seconds and a zone, e.g. 2026-11-25T10:00:00Z or ...+01:00 (what HA's
 *  timestamp sensors need, ha-sensor-units.json "timestamp"). Checked by position: no regexes (espruino.md §1.3). */
export function isIsoTimestamp(s: string): boolean {
  if (s.length < 20 || s.length > 35) return false;
  const shape = 'dddd-dd-ddTdd:dd:dd';
  for (let i = 0; i < shape.length; i++) {
    const want = shape.charAt(i);
    const c = s.charCodeAt(i);
    if (want === 'd' ? c < 0x30 || c > 0x39 : s.charAt(i) !== want) return false;
  }
  let i = shape.length;
  if (s.charAt(i) === '.') {
    i++;
    const start = i;
    while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
    if (i === start) return false;
  }
  const zone = s.substring(i);
  if (zone === 'Z') return true;
  if (zone.length !== 6 || (zone.charAt(0) !== '+' && zone.charAt(0) !== '-') || zone.charAt(3) !== ':') return false;
  const digits = zone.charAt(1) + zone.charAt(2) + zone.charAt(4) + zone.charAt(5);
  for (let k = 0; k < 4; k++) {
    const c = digits.charCodeAt(k);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}
