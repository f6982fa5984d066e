// `npm run build` artefacts of the update engine (device/build/artefacts.ts): firmware.bin wraps exactly the built
// bundle with its version and build id, boot.js is the checked loader, update.wwws packs a web folder (gzip where
// it helps). Each is verified with the device's own streaming parsers.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { buildArtefacts } from '../../../device/build/artefacts';
import { buildFirmware } from '../../../device/build/build';
import { isBootLoader } from '../../../device/src/boot/boot-record';
import { BinEvent, BinParser } from '../../../device/src/ota/bin-parser';
import { OtaError } from '../../../device/src/ota/stream';
import { WwwsEvent } from '../../../device/src/ota/wwws-events';
import { WwwsParser } from '../../../device/src/ota/wwws-parser';

test('firmware.bin, boot.js and update.wwws next to the bundle, each verifying', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mep-artefacts-'));
  const www = join(dir, 'www');
  mkdirSync(www);
  writeFileSync(join(www, 'index.html'), '<!doctype html><p>' + 'dashboard '.repeat(300) + '</p>');
  writeFileSync(join(www, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  const fw = await buildFirmware({ out: join(dir, 'firmware.js'), budgetBytes: Infinity });
  const a = await buildArtefacts(fw, www);

  const bin = new BinParser();
  const events = [...bin.push(new Uint8Array(readFileSync(a.bin.out))), ...bin.finish()] as (BinEvent | OtaError)[];
  expect(events.filter((e) => e.type === 'error')).toEqual([]);
  const header = events.find((e) => e.type === 'header') as Extract<BinEvent, { type: 'header' }>;
  expect(header.header).toMatchObject({ firmwareVersion: fw.version, buildId: fw.buildId, board: 'auto', payloadLength: fw.bytes });
  expect(readFileSync(a.bin.out).subarray(header.header.headerLength).equals(readFileSync(fw.out))).toBe(true);

  // The installer recognises the loader in .bootcde, and never mistakes the app bundle for it.
  expect(isBootLoader(readFileSync(a.boot.out, 'latin1'))).toBe(true);
  expect(isBootLoader(readFileSync(fw.out, 'latin1'))).toBe(false);
  expect(a.boot.bytes).toBeLessThan(3072);

  expect(a.wwws).not.toBeNull();
  const w = new WwwsParser();
  const we = [...w.push(new Uint8Array(readFileSync(a.wwws!.out))), ...w.finish()] as (WwwsEvent | OtaError)[];
  expect(we.filter((e) => e.type === 'error')).toEqual([]);
  const files = we.filter((e): e is Extract<WwwsEvent, { type: 'file-start' }> => e.type === 'file-start').map((e) => [e.file.name, e.file.gzip]);
  expect(files).toEqual([['www_index.html', true], ['www_logo.png', false]]);
  expect(we[we.length - 1]).toMatchObject({ type: 'end', verified: true, files: 2 });
}, 60000);
