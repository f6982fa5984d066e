// Loads the shared protocol vectors (../shared/vectors). They are read-only inputs owned by the spec team.
import { readFileSync } from 'fs';
import { join } from 'path';

export const SHARED_DIR = join(__dirname, '..', '..', '..', 'shared');

export function loadVectors<T = any>(name: 'digest.json' | 'frames.json'): T {
  return JSON.parse(readFileSync(join(SHARED_DIR, 'vectors', name), 'utf8')) as T;
}

export function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}

export function toHexString(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
