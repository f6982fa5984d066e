// Byte ↔ text for MQTT payloads on the device: ASCII only (non-ASCII bytes become '?'; Espruino strings are 8-bit).

export function asciiFromBytes(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    s += c < 0x80 ? String.fromCharCode(c) : '?';
  }
  return s;
}

export function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) >= 0x80) return false;
  return true;
}
