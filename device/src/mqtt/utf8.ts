// UTF-8 for MQTT strings (MQTT 3.1.1 §1.5.3) without TextEncoder/TextDecoder/Buffer, which Espruino lacks.
// Device strings are ASCII (lint bans non-ASCII literals), so on the ESP32 this is a byte copy; in Node (tests, the
// host build) JavaScript strings are UTF-16 and get real UTF-8, with lone surrogates as U+FFFD like Buffer does.

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Bytes `s` takes as UTF-8. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(s.charCodeAt(i + 1))) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Writes `s` as UTF-8 into `out` at `at`; returns the offset after it. `out` must have utf8Length(s) bytes free. */
export function writeUtf8(s: string, out: Uint8Array, at: number): number {
  let p = at;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[p++] = c;
      continue;
    }
    if (c < 0x800) {
      out[p++] = 0xc0 | (c >> 6);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = s.charCodeAt(i + 1);
        if (c <= 0xdbff && isLowSurrogate(next)) {
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          i++;
          out[p++] = 0xf0 | (c >> 18);
          out[p++] = 0x80 | ((c >> 12) & 0x3f);
        } else c = 0xfffd;
      }
      if (c < 0x10000) out[p++] = 0xe0 | (c >> 12);
      out[p++] = 0x80 | ((c >> 6) & 0x3f);
    }
    out[p++] = 0x80 | (c & 0x3f);
  }
  return p;
}

/** `s` as a new UTF-8 byte array. */
export function utf8Encode(s: string): Uint8Array {
  const out = new Uint8Array(utf8Length(s));
  writeUtf8(s, out, 0);
  return out;
}

/** Length of the UTF-8 sequence a lead byte starts; 0 for a byte that cannot start one. */
function leadInfo(b: number): number {
  if (b >= 0xc2 && b <= 0xdf) return 2;
  if (b >= 0xe0 && b <= 0xef) return 3;
  if (b >= 0xf0 && b <= 0xf4) return 4;
  return 0;
}

/** Decodes one sequence at `i` into a code point; -1 when invalid (the caller emits U+FFFD per invalid byte). */
function codePointAt(bytes: Uint8Array, i: number, end: number): number {
  const b = bytes[i] as number;
  const n = leadInfo(b);
  if (n === 0 || i + n > end) return -1;
  let cp = b & (0x7f >> n);
  for (let k = 1; k < n; k++) {
    const x = bytes[i + k] as number;
    if ((x & 0xc0) !== 0x80) return -1;
    cp = (cp << 6) | (x & 0x3f);
  }
  // Overlong forms, surrogates and values past U+10FFFF are invalid (RFC 3629 §3).
  if ((n === 3 && cp < 0x800) || (n === 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff)) {
    return -1;
  }
  return cp;
}

/**
 * Bytes [start, end) as a string. Code units are collected in small arrays and turned into strings 128 at a time
 * (String.fromCharCode.apply takes at most 256 arguments on Espruino, espruino.md §1.2), never byte by byte.
 */
export function utf8Decode(bytes: Uint8Array, start?: number, end?: number): string {
  const stop = end === undefined ? bytes.length : end;
  const parts: string[] = [];
  let units: number[] = [];
  let i = start || 0;
  while (i < stop) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      units.push(b);
      i++;
    } else {
      const cp = codePointAt(bytes, i, stop);
      if (cp < 0) {
        units.push(0xfffd);
        i++;
      } else {
        i += cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (cp < 0x10000) units.push(cp);
        else units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
      }
    }
    if (units.length >= 128) {
      parts.push(String.fromCharCode.apply(null, units));
      units = [];
    }
  }
  if (units.length > 0) parts.push(String.fromCharCode.apply(null, units));
  return parts.length === 1 ? (parts[0] as string) : parts.join('');
}
