// The embedded broker's retained messages on disk: debounced, atomic (temp file + rename), command topics never
// written, a corrupt file read as empty instead of stopping the add-on.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseRetainedFile, RetainedStore } from '../../../addon/src/broker/retained-store';
import { Logger } from '../../../addon/src/service';

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mep-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('records, deletes on an empty payload, skips command topics, and loads back', async () => {
  const file = RetainedStore.fileIn(dir);
  const store = new RetainedStore(file, quiet, 20);
  store.record('homeassistant/device/mep_240ac4123456/config', Buffer.from('{"dev":{}}'), 1);
  store.record('mep/mep_240ac4123456/availability', Buffer.from('online'), 1);
  store.record('mep/mep_240ac4123456/cmd/config', Buffer.from('{"meter":{"key":"ABCDEFGHIJKLMNOPQRST"}}'), 1);
  store.record('tmp/x', Buffer.from([0, 255, 1]), 0);
  store.record('tmp/x', Buffer.alloc(0), 0);
  expect(existsSync(file)).toBe(false); // debounced
  await store.flush();
  expect(readFileSync(file, 'utf8')).not.toContain('cmd');
  const loaded = new RetainedStore(file, quiet).load();
  expect(loaded.map((m) => [m.topic, m.payload.toString(), m.qos])).toEqual([
    ['homeassistant/device/mep_240ac4123456/config', '{"dev":{}}', 1],
    ['mep/mep_240ac4123456/availability', 'online', 1],
  ]);
  expect(readdirSync(dir)).toEqual(['retained.json']); // no temp file left behind
});

test('many changes within the debounce window are one write with the last values', async () => {
  const file = RetainedStore.fileIn(dir);
  const store = new RetainedStore(file, quiet, 50);
  for (let i = 0; i < 500; i++) store.record('mep/mep_240ac4123456/update', Buffer.from(String(i)), 1);
  await new Promise((r) => setTimeout(r, 150));
  await store.flush();
  expect(new RetainedStore(file, quiet).load().map((m) => m.payload.toString())).toEqual(['499']);
});

test('a corrupt or hostile file gives what is readable, never throws', () => {
  const file = join(dir, 'retained.json');
  writeFileSync(file, '{"version":1,"messages":[{"topic":"a","payload":"b2s=","qos":1},{"topic":5},{"topic":"x/cmd/config","payload":"eA=="}]}');
  expect(new RetainedStore(file, quiet).load().map((m) => m.topic)).toEqual(['a']);
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
      const messages = parseRetainedFile(text);
      for (const m of messages) expect(typeof m.topic === 'string' && Buffer.isBuffer(m.payload)).toBe(true);
    }),
  );
});
