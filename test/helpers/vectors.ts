// Loads the protocol vectors: verbatim copies of ../shared/vectors (owned by the spec team) in test/fixtures/vectors,
// so the tests run in a clone without ../shared (provenance: test/fixtures/README.md).
import { readFileSync } from 'fs';
import { join } from 'path';

export const FIXTURES_DIR = join(__dirname, '..', 'fixtures');

export function loadVectors<T = any>(name: 'digest.json' | 'frames.json' | 'guide-examples.json'): T {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, 'vectors', name), 'utf8')) as T;
}

export function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}

export function toHexString(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
