// The installer (device/src/ota/installer.ts) over Storage with Espruino's semantics: packages are staged and
// verified before anything running is touched; a .bin lands in the inactive slot with the boot record on trial; a
// .wwws becomes a new file generation behind the web pointer. Bad bytes of any kind: a clear error, nothing lost.
import fc from 'fast-check';
import { packBin, packWwws } from '../../../ota/pack';
import { BOOTED, BootRecord, INSTALLED } from '../../../device/src/boot/boot-record';
import { readRecord, writeRecord } from '../../../device/src/boot/record';
import { STAGE_FILE } from '../../../device/src/ota/installer';
import { WwwsParser } from '../../../device/src/ota/wwws-parser';
import { install, nodeCrypto, rig, snapshot } from './harness';

const APP = Buffer.from('(function(){console.log("firmware 0.2.0");})();'.repeat(40));
const BIN = packBin(APP, { firmwareVersion: '0.2.0', buildId: 'test', board: 'auto' });
const PAGE = Buffer.from('<!doctype html><title>Dash</title><p>' + 'reading '.repeat(200) + '</p>');
const WWWS = packWwws([
  { name: 'www_index.html', data: PAGE, gzip: true },
  { name: 'www_app.js', data: Buffer.from('console.log(1)') },
]);

function bootRecord(r: ReturnType<typeof rig>): BootRecord | null {
  return readRecord<BootRecord>((n) => r.storage.readText(n), 'boot.')?.record ?? null;
}

describe('.bin firmware package', () => {
  test('is copied into the inactive slot, the boot record goes on trial, and the device reboots', () => {
    const r = rig();
    const out = install(r.installer, BIN);
    expect(out).toMatchObject({ ok: true, kind: 'bin', version: '0.2.0', reboot: true });
    expect(Buffer.from(r.flash.read('app.b')!)).toEqual(APP);
    expect(Buffer.from(r.flash.read('app.a')!).toString()).toBe('/* firmware 0.1.0 */');
    expect(bootRecord(r)).toMatchObject({ c: 'b', p: 'a', t: INSTALLED, v: '0.2.0', pv: '0.1.0' });
    expect(r.flash.list()).not.toContain(STAGE_FILE);
    expect(r.system.reboots).toBe(0);
    r.clock.advance(2000);
    expect(r.system.reboots).toBe(1);
  });

  test('the payload hash is computed natively over the staged bytes (no JS SHA-256 loop per byte on the ESP32)', () => {
    const sha = jest.spyOn(nodeCrypto, 'sha256');
    try {
      expect(install(rig().installer, BIN).ok).toBe(true);
      // One native hash of the staged payload region (the parser's check), one of the slot after the copy.
      expect(sha.mock.calls.map((c) => c[0].length)).toEqual([APP.length, APP.length]);
    } finally {
      sha.mockRestore();
    }
  });

  test('the next install goes to the other slot, never over the running one', () => {
    const r = rig();
    writeRecord((n) => r.storage.readText(n), (n, t) => r.storage.write(n, t), 'boot.', { s: 0, c: 'b', p: 'a', t: 0, v: '0.2.0', pv: '0.1.0' });
    r.flash.write('app.b', new Uint8Array(APP));
    const v3 = packBin(Buffer.from('console.log("0.3.0")'), { firmwareVersion: '0.3.0', buildId: 'x', board: 'esp32' });
    expect(install(r.installer, v3)).toMatchObject({ ok: true, version: '0.3.0' });
    expect(Buffer.from(r.flash.read('app.b')!)).toEqual(APP);
    expect(Buffer.from(r.flash.read('app.a')!).toString()).toBe('console.log("0.3.0")');
    expect(bootRecord(r)).toMatchObject({ c: 'a', p: 'b', t: INSTALLED, v: '0.3.0', pv: '0.2.0' });
  });

  test('a corrupted payload is rejected with the SHA-256 named; Storage is exactly as before', () => {
    const r = rig();
    const before = snapshot(r.flash);
    const bad = Buffer.from(BIN);
    bad[500] = bad[500]! ^ 0x01;
    const out = install(r.installer, bad);
    expect(out.ok).toBe(false);
    expect(out.error).toMatch(/SHA-256/);
    expect(snapshot(r.flash)).toEqual(before);
    r.clock.advance(5000);
    expect(r.system.reboots).toBe(0);
  });

  test('a truncated upload is rejected at finish as truncated; Storage is exactly as before', () => {
    const r = rig();
    const before = snapshot(r.flash);
    const out = install(r.installer, BIN.subarray(0, 1000), 536, BIN.length);
    expect(out).toMatchObject({ ok: false, stage: 'finish' });
    expect(out.error).toMatch(/truncated: 1000 of \d+ bytes/);
    expect(snapshot(r.flash)).toEqual(before);
  });

  test('a package for another board is refused as soon as its header has arrived', () => {
    const r = rig({ board: 'ESP32' });
    const before = snapshot(r.flash);
    const c3 = packBin(APP, { firmwareVersion: '0.2.0', buildId: 'x', board: 'esp32c3' });
    r.installer.begin(c3.length, 'upload');
    expect(r.installer.write(c3.subarray(0, 50))).toBeNull();
    expect(r.installer.write(c3.subarray(50, 200))).toMatch(/built for board esp32c3, this device is ESP32/);
    expect(snapshot(r.flash)).toEqual(before);
    expect(r.installer.progress()).toBeNull();
  });

  test('a device without our boot loader refuses firmware packages (nothing would boot them)', () => {
    const r = rig();
    r.flash.erase('.bootcde');
    expect(install(r.installer, BIN).error).toMatch(/no update boot loader: upload dist\/boot.js as .bootcde/);
    // The old layout: the app itself uploaded as .bootcde (its code mentions the loader's name only in pieces).
    r.flash.write('.bootcde', new Uint8Array(Buffer.from(`var parts=${JSON.stringify(['mep', 'boot', 'loader'])};` + 'x'.repeat(9000))));
    expect(install(r.installer, BIN).error).toMatch(/no update boot loader/);
  });

  test('while the running firmware is on trial, no new install starts', () => {
    const r = rig();
    writeRecord((n) => r.storage.readText(n), (n, t) => r.storage.write(n, t), 'boot.', { s: 0, c: 'b', p: 'a', t: BOOTED, v: '0.2.0', pv: '0.1.0' });
    expect(r.installer.begin(BIN.length, 'upload')).toMatch(/on trial/);
  });

  test('one install at a time; sizes out of range are refused at begin', () => {
    const r = rig();
    expect(r.installer.begin(0, 'upload')).toMatch(/out of range/);
    expect(r.installer.begin(10_000_000, 'upload')).toMatch(/out of range/);
    expect(r.installer.begin(BIN.length, 'upload')).toBeNull();
    expect(r.installer.begin(BIN.length, 'pull')).toMatch(/another update/);
    expect(r.installer.progress()).toEqual({ kind: null, received: 0, total: BIN.length });
    r.installer.abort('test');
    expect(r.installer.progress()).toBeNull();
  });

  test('more bytes than announced are refused', () => {
    const r = rig();
    expect(install(r.installer, BIN, 536, BIN.length - 10).error).toMatch(/longer than the announced/);
  });

  test('a pull with the wrong whole-package SHA-256 is refused; the right one installs', () => {
    const r = rig();
    r.installer.begin(BIN.length, 'pull');
    r.installer.expect('00'.repeat(32), '0.2.0', 'cmd-1');
    for (let i = 0; i < BIN.length; i += 500) r.installer.write(BIN.subarray(i, i + 500));
    let out: { ok: boolean; error?: string } | null = null;
    r.installer.finish((o) => (out = o));
    expect(out!.error).toMatch(/package SHA-256 is [0-9a-f]{64}, the update command says 0{64}/);
    expect(r.flash.list()).not.toContain('app.b');
  });
});

describe('.wwws web bundle', () => {
  test('installs as generation a behind the web pointer; files are served from there with their gzip flag', () => {
    const r = rig();
    expect(install(r.installer, WWWS)).toMatchObject({ ok: true, kind: 'wwws' });
    const index = r.web.lookup('/index.html')!;
    expect(index).toMatchObject({ storageName: 'wa_index.html', gzip: true });
    expect(index.length).toBe(r.flash.read('wa_index.html')!.length);
    const js = r.web.lookup('/app.js')!;
    expect(Buffer.from(r.flash.read(js.storageName)!).toString()).toBe('console.log(1)');
    expect(r.web.lookup('/missing.html')).toBeNull();
    expect(r.web.version()).toMatch(/^[0-9a-f]{12}$/);
  });

  test('format 2 files are copied from where pass 1 verified them: the bundle is parsed (and JS-hashed) once', () => {
    const pushes = jest.spyOn(WwwsParser.prototype, 'push');
    try {
      const r = rig();
      expect(install(r.installer, WWWS, 500).ok).toBe(true);
      expect(pushes).toHaveBeenCalledTimes(Math.ceil(WWWS.length / 500) + 1); // + the 4 magic bytes pushed first
    } finally {
      pushes.mockRestore();
    }
  });

  test('the next bundle is written as the other generation, then the old files are erased', () => {
    const r = rig();
    install(r.installer, WWWS);
    const next = packWwws([{ name: 'www_index.html', data: Buffer.from('<p>new dashboard</p>') }]);
    expect(install(r.installer, next).ok).toBe(true);
    expect(r.web.lookup('/index.html')).toMatchObject({ storageName: 'wb_index.html', gzip: false });
    expect(Buffer.from(r.flash.read('wb_index.html')!).toString()).toBe('<p>new dashboard</p>');
    expect(r.flash.list().filter((n) => n.startsWith('wa_'))).toEqual([]);
    expect(r.web.lookup('/app.js')).toBeNull();
  });

  test('the reference text format (spec §16) still installs, with its CRLF line ends', () => {
    const r = rig();
    const legacy = Buffer.from('/www_index.html\n<html>\n<p>old</p>\n/www_style.css\nbody{}\n');
    expect(install(r.installer, legacy, 7)).toMatchObject({ ok: true, kind: 'wwws' });
    const f = r.web.lookup('/index.html')!;
    expect(Buffer.from(r.flash.read(f.storageName)!.subarray(0, f.length)).toString()).toBe('<html>\r\n<p>old</p>\r\n');
    expect(r.web.lookup('/style.css')!.length).toBe('body{}\r\n'.length);
  });

  test('a corrupted bundle leaves the installed one in service, byte for byte', () => {
    const r = rig();
    install(r.installer, WWWS);
    const before = snapshot(r.flash);
    const bad = Buffer.from(packWwws([{ name: 'www_index.html', data: Buffer.from('<p>evil</p>') }]));
    bad[bad.length - 40] = bad[bad.length - 40]! ^ 0x20;
    const out = install(r.installer, bad);
    expect(out.ok).toBe(false);
    expect(out.error).toMatch(/web bundle package rejected/);
    expect(snapshot(r.flash)).toEqual(before);
    expect(r.web.lookup('/index.html')!.storageName).toBe('wa_index.html');
  });
});

describe('property: any damage to a package, any chunking', () => {
  const packages: [string, Uint8Array][] = [['bin', BIN], ['wwws', WWWS]];
  test.each(packages)('%s: a flipped byte or a cut is refused with a message, never a throw; Storage unchanged', (_n, pkg) => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: pkg.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        fc.option(fc.integer({ min: 0, max: pkg.length - 1 }), { nil: undefined }),
        fc.integer({ min: 1, max: 536 }),
        (at, xor, cut, chunk) => {
          const r = rig();
          const before = snapshot(r.flash);
          const bytes = Buffer.from(pkg);
          bytes[at] = bytes[at]! ^ xor;
          const input = cut === undefined ? bytes : bytes.subarray(0, cut);
          const out = install(r.installer, input, chunk, cut === undefined ? bytes.length : pkg.length);
          expect(out.ok).toBe(false);
          expect(typeof out.error).toBe('string');
          expect(out.error!.length).toBeGreaterThan(10);
          expect(snapshot(r.flash)).toEqual(before);
          expect(r.installer.progress()).toBeNull();
        },
      ),
      { numRuns: 60 },
    );
  });

  test('random bytes of any length are refused without a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 3000 }), fc.integer({ min: 1, max: 536 }), (bytes, chunk) => {
        const r = rig();
        const before = snapshot(r.flash);
        const out = install(r.installer, bytes, chunk);
        if (!out.ok) expect(snapshot(r.flash)).toEqual(before);
        expect(r.flash.list()).not.toContain(STAGE_FILE);
      }),
      { numRuns: 80 },
    );
  });

  test('valid packages install whatever the chunk size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 536 }), (chunk) => {
        expect(install(rig().installer, BIN, chunk).ok).toBe(true);
        expect(install(rig().installer, WWWS, chunk).ok).toBe(true);
      }),
      { numRuns: 25 },
    );
  });
});
