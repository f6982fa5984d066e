// Storage over require("Storage") (espruino.md §2.2): contiguous flash files, names ≤ 28 characters, each byte written
// once (create pre-sized at offset 0, then fill at offsets). Espruino silently truncates longer names, so two long
// names could share one file: we refuse them instead. Errors thrown by the native become `false`.
import { Storage } from '../types';
import { EspruinoE, native } from './natives';

declare const E: EspruinoE;

/** Longest file name Espruino stores (src/jsflash.h: 28-byte name field). */
export const MAX_NAME_LENGTH = 28;

function validName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_NAME_LENGTH;
}

export function createStorage(): Storage {
  const flash = native('Storage');

  function tryWrite(name: string, data: string | Uint8Array, offset?: number, size?: number): boolean {
    // An empty file cannot exist in Espruino Storage: write() returns false without creating one.
    if (!validName(name) || data.length === 0) return false;
    try {
      return flash.write(name, data, offset, size) !== false;
    } catch {
      return false; // "Too much data for file size", "File already written with different data", no space
    }
  }

  return {
    read(name: string): Uint8Array | null {
      if (!validName(name)) return null;
      const buffer = flash.readArrayBuffer(name);
      return buffer === undefined ? null : new Uint8Array(buffer);
    },
    readText(name: string): string | null {
      if (!validName(name)) return null;
      const text = flash.read(name);
      return text === undefined ? null : text;
    },
    readTextAt(name: string, offset: number, length: number): string | null {
      if (!validName(name) || length < 1) return null;
      const text = flash.read(name, offset, length);
      return text === undefined ? null : text;
    },
    readAt(name: string, offset: number, length: number): Uint8Array | null {
      if (!validName(name) || length < 1) return null;
      const text = flash.read(name, offset, length);
      return text === undefined ? null : E.toUint8Array(text);
    },
    write(name: string, data: Uint8Array | string): boolean {
      return tryWrite(name, typeof data === 'string' ? data : E.toString(data));
    },
    writeAt(name: string, data: Uint8Array, offset: number, totalSize?: number): boolean {
      return tryWrite(name, E.toString(data), offset, totalSize);
    },
    erase(name: string): void {
      if (validName(name)) flash.erase(name);
    },
    list(prefix?: string): string[] {
      const names = flash.list();
      if (prefix === undefined || prefix === '') return names;
      return names.filter((name: string) => name.indexOf(prefix) === 0);
    },
    free(): number {
      return flash.getFree();
    },
  };
}
