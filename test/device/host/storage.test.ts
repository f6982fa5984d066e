// The host's Storage has Espruino's semantics (espruino.md §2.2, src/jsflash.c): 28-character names (longer ones
// silently truncated), write-once bytes, pre-sized files filled at offsets, 896 KB with headers and trash, getFree,
// list(regex), erase, byte-string reads; persisted to a directory when asked; the same inside the device, where the
// HAL refuses long names instead.
import { readdirSync } from 'fs';
import { HostStorage, STORAGE_BYTES } from '../../../device/sim/host';
import { SETTINGS_FILE } from '../../../device/src/settings/schema';
import { boot, bootScript, fixtureBundle, tempDir } from './helpers';

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);
const text = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

describe('HostStorage', () => {
  test('names longer than 28 characters are silently truncated', () => {
    const s = new HostStorage();
    const long = 'abcdefghijklmnopqrstuvwxyz0123456789';
    s.write(long, text('one'));
    expect(s.list()).toEqual([long.slice(0, 28)]);
    expect(s.read(long.slice(0, 28) + 'different tail')).toEqual(text('one'));
  });

  test('write replaces a file; identical content is a no-op', () => {
    const s = new HostStorage();
    s.write('a', text('first'));
    s.write('a', text('second!'));
    expect(s.read('a')).toEqual(text('second!'));
    const trash = s.getStats().trashBytes;
    expect(s.write('a', text('second!'))).toBe(true);
    expect(s.getStats().trashBytes).toBe(trash);
  });

  test('pre-sized files: unwritten bytes read as 0xFF, each byte can be written once', () => {
    const s = new HostStorage();
    expect(s.write('f', bytes(1, 2), 0, 6)).toBe(true);
    expect(s.read('f')).toEqual(bytes(1, 2, 255, 255, 255, 255));
    expect(s.write('f', bytes(3, 4), 2)).toBe(true);
    expect(() => s.write('f', bytes(9), 3)).toThrow('File already written with different data');
    expect(() => s.write('f', bytes(3), 2)).toThrow('File already written with different data'); // even the same byte
    expect(() => s.write('f', bytes(5, 6, 7), 4)).toThrow('Too much data for file size');
    expect(s.write('f', bytes(5, 6), 4)).toBe(true);
    expect(s.read('f')).toEqual(bytes(1, 2, 3, 4, 5, 6));
    expect(s.read('f', 2, 3)).toEqual(bytes(3, 4, 5));
  });

  test('offset writes to a missing file fail; empty data writes nothing', () => {
    const s = new HostStorage();
    expect(() => s.write('none', bytes(1), 4)).toThrow('Unable to find or create file');
    expect(s.write('empty', bytes())).toBe(false);
    expect(s.list()).toEqual([]);
    expect(s.read('empty')).toBeUndefined();
  });

  test('writing at offset 0 again recreates the file', () => {
    const s = new HostStorage();
    s.write('f', bytes(1), 0, 3);
    s.write('f', bytes(2), 1);
    s.write('f', bytes(7), 0, 3);
    expect(s.read('f')).toEqual(bytes(7, 255, 255));
  });

  test('896 KB in total: 32-byte headers, sizes rounded to 4, trash until compaction', () => {
    const s = new HostStorage();
    expect(s.getFree()).toBe(STORAGE_BYTES);
    s.write('a', new Uint8Array(10));
    expect(s.getFree()).toBe(STORAGE_BYTES - 32 - 12);
    s.erase('a');
    expect(s.getFree()).toBe(STORAGE_BYTES - 44); // erased files are trash
    expect(s.getStats()).toMatchObject({ fileCount: 0, trashCount: 1, trashBytes: 44 });
    // A file that does not fit in the free space triggers compaction.
    expect(s.write('big', new Uint8Array(STORAGE_BYTES - 32))).toBe(true);
    expect(s.getFree()).toBe(0);
    expect(() => s.write('more', bytes(1))).toThrow('Unable to find or create file');
    s.erase('big');
    s.compact();
    expect(s.getFree()).toBe(STORAGE_BYTES);
    expect(() => s.write('huge', new Uint8Array(STORAGE_BYTES))).toThrow('Unable to find or create file');
  });

  test('persists to a directory, including half-written pre-sized files', () => {
    const dir = tempDir('storage');
    const s = new HostStorage(dir);
    s.write('.boot0', text('load()'));
    s.write('ota.new', bytes(1, 2), 0, 4);
    s.write('gone', text('x'));
    s.erase('gone');
    const again = new HostStorage(dir);
    expect(again.list()).toEqual(['.boot0', 'ota.new']);
    expect(again.read('ota.new')).toEqual(bytes(1, 2, 255, 255));
    expect(() => again.write('ota.new', bytes(9), 1)).toThrow('File already written with different data');
    expect(again.write('ota.new', bytes(3, 4), 2)).toBe(true);
    expect(new HostStorage(dir).read('ota.new')).toEqual(bytes(1, 2, 3, 4));
    expect(again.getStats().trashBytes).toBe(new HostStorage(dir).getStats().trashBytes);
    expect(readdirSync(dir).sort()).toEqual(['2e626f6f7430.bin', '6f74612e6e6577.bin', 'index.json']);
  });
});

describe('require("Storage") inside the device', () => {
  test('byte strings, ArrayBuffers and JSON of the context; errors are the context\'s Error', async () => {
    const host = await bootScript(`
      var S = require('Storage');
      S.write('s', 'h\\xe9llo');
      S.write('bin', new Uint8Array([0, 255, 7]));
      S.writeJSON('j', { a: [1, 2] });
      S.write('pre', 'ab', 0, 4);
      var err = null;
      try { S.write('pre', 'zz', 1); } catch (e) { err = (e instanceof Error) + ' ' + e.message; }
      var result = {
        s: S.read('s'), len: S.read('s').length, part: S.read('s', 1, 2),
        ab: S.readArrayBuffer('bin') instanceof ArrayBuffer, bin: [].slice.call(new Uint8Array(S.readArrayBuffer('bin'))),
        j: S.readJSON('j').a[1], missing: S.read('nope'), missingJSON: S.readJSON('nope', true),
        err: err, list: S.list(/^[sj]/).join(), free: S.getFree() < ${STORAGE_BYTES}
      };
    `);
    expect(host.evaluate('JSON.stringify(result)')).toBe(
      // Espruino's JSON.stringify escapes bytes from 0x7F as \u00XX (test/espruino/semantics.test.ts).
      JSON.stringify({ s: 'h\u00e9llo', len: 5, part: '\u00e9l', ab: true, bin: [0, 255, 7], j: 2, err: 'true File already written with different data', list: 's,j', free: true }).replace(/\u00e9/g, '\\u00E9'),
    );
    expect(host.storage.read('s')).toEqual(bytes(0x68, 0xe9, 0x6c, 0x6c, 0x6f));
  });

  test('the HAL refuses names over 28 characters instead of truncating; pre-sized writes through writeAt', async () => {
    const lines: string[] = [];
    await boot({ bundlePath: await fixtureBundle('hal-storage-probe'), log: (l) => lines.push(l) });
    const r = JSON.parse(lines.find((l) => l.startsWith('{'))!);
    expect(r).toMatchObject({
      writeLong: false,
      readLong: null,
      write28: true,
      read28: 'ok',
      create: true,
      fill: true,
      again: false,
      tooMuch: false,
      chunks: [1, 2, 3, 4],
      empty: false,
      missing: null,
      list: ['chunks'],
    });
    expect(r.free).toBeLessThan(STORAGE_BYTES);
  });

  test('settings from the options are in Storage before the first boot', async () => {
    const host = await bootScript(`var settings = require('Storage').readJSON(${JSON.stringify(SETTINGS_FILE)});`, {
      settings: { mqtt: { host: 'broker.local', port: 1883 }, meter: { key: 'ABCDEFGHIJKLMNOP' } },
    });
    expect(host.evaluate('settings.mqtt.host + ":" + settings.mqtt.port + " " + settings.meter.key')).toBe('broker.local:1883 ABCDEFGHIJKLMNOP');
  });
});
