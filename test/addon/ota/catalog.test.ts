// [add-on OTA catalog] Packages shipped with the add-on plus user uploads: verified with the `mep inspect` code,
// bad uploads refused with the inspect reason and nothing half-stored, the index survives a restart, and
// "latest" follows version order.
import { createHash } from 'crypto';
import fc from 'fast-check';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'fs';
import { createServer } from 'http';
import { AddressInfo } from 'net';
import { join } from 'path';
import { PackageRejected } from '../../../addon/src/backend';
import { PackageCatalog } from '../../../addon/src/ota/catalog';
import { webBundleVersion } from '../../../addon/src/ota/package-info';
import { compareVersions } from '../../../addon/src/ota/version-order';
import { fetchUrl } from './http-client';
import { brokenUpload, firmwarePackage, recordingLogger, tempDir, testBus, uploadStream, webPackage } from './fixtures';

function setup(options: { bundled?: { [name: string]: Buffer }; maxUploadBytes?: number } = {}) {
  const data = tempDir();
  let bundledDir: string | null = null;
  if (options.bundled) {
    bundledDir = join(data.path, 'image-catalog');
    mkdirSync(bundledDir);
    for (const [name, bytes] of Object.entries(options.bundled)) writeFileSync(join(bundledDir, name), bytes);
  }
  const log = recordingLogger();
  const bus = testBus(log);
  const make = () => new PackageCatalog({ bus, log, dataDir: join(data.path, 'data'), bundledDir, maxUploadBytes: options.maxUploadBytes });
  return { data, log, bus, make, bundledDir };
}

/** What is left in the catalog's own folders besides listed packages (must be nothing after a rejection). */
function strayFiles(dataDir: string): string[] {
  const dir = join(dataDir, 'data', 'firmware');
  const tmp = readdirSync(join(dir, 'tmp'));
  const packages = readdirSync(join(dir, 'packages'));
  return [...tmp, ...packages];
}

describe('[add-on OTA catalog] version order', () => {
  test.each([
    ['1.2.10', '1.2.9'],
    ['1.10.0', '1.9.9'],
    ['2.0.0', '1.99.99'],
    ['1.0.0', '1.0.0-rc.2'],
    ['1.0.0-rc.10', '1.0.0-rc.2'],
    ['1.0.0-rc.1', '1.0.0-beta.5'],
    ['1.0.0-alpha.1', '1.0.0-alpha'],
    ['v1.3', '1.2.7'],
    ['0.0.1', 'sha-ffffffffffff'],
  ])('%s is newer than %s', (newer, older) => {
    expect(compareVersions(newer, older)).toBeGreaterThan(0);
    expect(compareVersions(older, newer)).toBeLessThan(0);
  });

  test.each([['1.2', '1.2.0'], ['v1.2.3', '1.2.3'], ['1.2.3+build7', '1.2.3']])('%s and %s rank the same', (a, b) => {
    expect(compareVersions(a, b)).toBe(0);
  });

  test('is a total order on arbitrary text: antisymmetric and transitive, never throws', () => {
    const version = fc.oneof(
      fc.string(),
      fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20), fc.option(fc.constantFrom('rc.1', 'rc.2', 'beta', 'alpha.3'))).map(([a, b, c, p]) => `${a}.${b}.${c}${p ? '-' + p : ''}`),
    );
    fc.assert(fc.property(version, version, version, (a, b, c) => {
      expect(Math.sign(compareVersions(a, b))).toBe(-Math.sign(compareVersions(b, a)) || 0);
      if (compareVersions(a, b) <= 0 && compareVersions(b, c) <= 0) expect(compareVersions(a, c)).toBeLessThanOrEqual(0);
    }));
  });

  test('a web bundle takes its version from its file name, else from its hash', () => {
    expect(webBundleVersion('mep-web-1.4.0.wwws', 'ab'.repeat(32))).toBe('1.4.0');
    expect(webBundleVersion('update-v2.0.1-rc.1.wwws', 'ab'.repeat(32))).toBe('2.0.1-rc.1');
    expect(webBundleVersion('update.wwws', 'ab'.repeat(32))).toBe('sha-abababababab');
    expect(webBundleVersion('update-2024.wwws', 'cd'.repeat(32))).toBe('sha-cdcdcdcdcdcd');
    // Longer than an UpdateCommand's version may be (32): the hash form instead.
    expect(webBundleVersion(`web-1.0.0-${'x'.repeat(30)}.wwws`, 'cd'.repeat(32))).toBe('sha-cdcdcdcdcdcd');
  });
});

describe('[add-on OTA catalog] packages', () => {
  test('lists the bundled firmware and web bundle with what their headers say', async () => {
    const bin = firmwarePackage('0.3.0');
    const wwws = webPackage();
    const s = setup({ bundled: { 'firmware.bin': bin, 'update.wwws': wwws, 'notes.txt': Buffer.from('ignored') } });
    const catalog = s.make();
    await catalog.start();
    const fw = catalog.latest('bin');
    expect(fw).toMatchObject({ kind: 'bin', version: '0.3.0', board: 'esp32', buildId: 'b0.3.0', size: bin.length, source: 'bundled', fileName: 'firmware.bin' });
    expect(fw!.sha256).toBe(createHash('sha256').update(bin).digest('hex'));
    expect(fw!.id).toBe(fw!.sha256);
    expect(catalog.latest('wwws')).toMatchObject({ kind: 'wwws', size: wwws.length, source: 'bundled' });
    expect(catalog.list()).toHaveLength(2);
    expect(await catalog.remove(fw!.id)).toBe(false); // shipped packages cannot be removed
    s.data.remove();
  });

  test('an upload is verified, stored, announced, and survives a restart with its name and time', async () => {
    const s = setup();
    const changed: unknown[] = [];
    s.bus.on('test', 'catalogChanged', (e) => changed.push(e));
    const catalog = s.make();
    await catalog.start();
    const bin = firmwarePackage('1.4.0');
    const entry = await catalog.add('C:\\Downloads\\mep-1.4.0.bin', uploadStream(bin, 333));
    expect(entry).toMatchObject({ kind: 'bin', version: '1.4.0', fileName: 'mep-1.4.0.bin', source: 'uploaded', size: bin.length });
    expect(changed).toHaveLength(1);
    const web = await catalog.add('web-2.1.0.wwws', uploadStream(webPackage()));
    expect(web.version).toBe('2.1.0');

    const again = s.make();
    await again.start();
    expect(again.list()).toEqual(catalog.list());
    expect(again.filePath(entry.id)).not.toBeNull();
    expect(await again.remove(entry.id)).toBe(true);
    const third = s.make();
    await third.start();
    expect(third.get(entry.id)).toBeNull();
    expect(third.get(web.id)).not.toBeNull();
    s.data.remove();
  });

  test('the same package uploaded twice is listed once', async () => {
    const s = setup({ bundled: { 'firmware.bin': firmwarePackage('1.0.0') } });
    const catalog = s.make();
    await catalog.start();
    const first = await catalog.add('a.bin', uploadStream(firmwarePackage('1.0.0')));
    expect(first.source).toBe('bundled');
    await catalog.add('b.bin', uploadStream(firmwarePackage('1.1.0')));
    await catalog.add('c.bin', uploadStream(firmwarePackage('1.1.0')));
    expect(catalog.list().map((e) => e.version)).toEqual(['1.1.0', '1.0.0']);
    s.data.remove();
  });

  test('latest() follows version order, not upload order', async () => {
    const s = setup();
    const catalog = s.make();
    await catalog.start();
    for (const v of ['1.2.9', '1.2.10', '1.2.10-rc.1', '1.1.0']) await catalog.add(`fw-${v}.bin`, uploadStream(firmwarePackage(v)));
    expect(catalog.latest('bin')!.version).toBe('1.2.10');
    expect(catalog.latest('wwws')).toBeNull();
    s.data.remove();
  });

  test('a lost index keeps every uploaded package (names fall back to the stored ones)', async () => {
    const s = setup();
    const catalog = s.make();
    await catalog.start();
    const entry = await catalog.add('fw.bin', uploadStream(firmwarePackage('2.0.0')));
    writeFileSync(join(s.data.path, 'data', 'firmware', 'index.json'), '{ broken');
    const again = s.make();
    await again.start();
    expect(again.get(entry.id)).toMatchObject({ version: '2.0.0', sha256: entry.sha256, fileName: `${entry.sha256}.bin` });
    expect(s.log.lines.some((l) => l.startsWith('warn') && l.includes('index unreadable'))).toBe(true);
    s.data.remove();
  });
});

describe('[add-on OTA catalog] bad uploads are refused clearly and leave nothing behind', () => {
  async function rejected(catalogSetup: ReturnType<typeof setup>, name: string, body: NodeJS.ReadableStream): Promise<string> {
    const catalog = catalogSetup.make();
    await catalog.start();
    const error = await catalog.add(name, body).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(PackageRejected);
    expect(catalog.list()).toEqual([]);
    expect(strayFiles(catalogSetup.data.path)).toEqual([]);
    return (error as Error).message;
  }

  test('a corrupted firmware package: the inspect reason', async () => {
    const s = setup();
    const bin = firmwarePackage('1.0.0');
    bin.writeUInt8(bin.readUInt8(bin.length - 5) ^ 0x40, bin.length - 5);
    expect(await rejected(s, 'fw.bin', uploadStream(bin))).toMatch(/^fw\.bin is not a valid update package: .*SHA-256/i);
    s.data.remove();
  });

  test('a truncated package', async () => {
    const s = setup();
    const bin = firmwarePackage('1.0.0');
    expect(await rejected(s, 'fw.bin', uploadStream(bin.subarray(0, bin.length - 100)))).toMatch(/not a valid update package/);
    const w = webPackage();
    expect(await rejected(s, 'w.wwws', uploadStream(w.subarray(0, 200)))).toMatch(/not a valid update package/);
    s.data.remove();
  });

  test('a file that is no package at all, and an empty one', async () => {
    const s = setup();
    expect(await rejected(s, 'photo.png', uploadStream(Buffer.from('\x89PNG\r\n\x1a\n' + 'x'.repeat(200), 'latin1')))).toMatch(/not a MEP package|magic/);
    expect(await rejected(s, 'notes.txt', uploadStream(Buffer.from('hello world\n')))).toMatch(/not a MEP package/);
    expect(await rejected(s, 'empty.bin', uploadStream(Buffer.alloc(0)))).toBe('empty.bin is empty');
    s.data.remove();
  });

  test('an oversized upload stops at the limit', async () => {
    const s = setup({ maxUploadBytes: 4096 });
    expect(await rejected(s, 'big.bin', uploadStream(Buffer.alloc(100_000, 1)))).toBe('big.bin is larger than 4096 bytes, more than any update package can be');
    s.data.remove();
  });

  test('an upload whose connection breaks', async () => {
    const s = setup();
    expect(await rejected(s, 'fw.bin', brokenUpload(firmwarePackage('1.0.0').subarray(0, 500)))).toMatch(/did not complete/);
    s.data.remove();
  });

  test('property: any byte flip or cut in a firmware package is refused', async () => {
    const s = setup();
    const catalog = s.make();
    await catalog.start();
    const original = firmwarePackage('3.0.0', 'x'.repeat(700));
    await fc.assert(fc.asyncProperty(fc.nat(original.length - 1), fc.integer({ min: 1, max: 255 }), fc.boolean(), async (at, flip, cut) => {
      const bytes = Buffer.from(original);
      const body = cut ? bytes.subarray(0, at) : (bytes[at]! ^= flip, bytes);
      const result = await catalog.add('fuzz.bin', uploadStream(body, 97)).then((e) => e, (e: unknown) => e);
      expect(result).toBeInstanceOf(PackageRejected);
    }), { numRuns: 60 });
    expect(catalog.list()).toEqual([]);
    expect(strayFiles(s.data.path)).toEqual([]);
    s.data.remove();
  });

  test('a bundled file that is broken is skipped with a warning, the rest still listed', async () => {
    const bad = firmwarePackage('9.9.9');
    bad.writeUInt8(bad.readUInt8(100) ^ 1, 100);
    const s = setup({ bundled: { 'firmware.bin': bad, 'update.wwws': webPackage() } });
    const catalog = s.make();
    await catalog.start();
    expect(catalog.list().map((e) => e.kind)).toEqual(['wwws']);
    expect(s.log.lines.some((l) => l.startsWith('warn') && l.includes('firmware.bin skipped'))).toBe(true);
    expect(existsSync(join(s.bundledDir!, 'firmware.bin'))).toBe(true);
    s.data.remove();
  });
});

describe('[add-on OTA catalog] uploads over HTTP', () => {
  /** The panel's upload route in miniature: the request body goes straight into catalog.add(). */
  async function uploadServer(catalog: PackageCatalog) {
    const server = createServer((req, res) => {
      const name = new URL(req.url ?? '/', 'http://x').searchParams.get('name') ?? 'upload';
      catalog.add(name, req).then(
        (entry) => res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify(entry)),
        (err: Error) => res.writeHead(err instanceof PackageRejected ? 400 : 500, { 'Content-Type': 'text/plain' }).end(err.message),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = (name: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/?name=${encodeURIComponent(name)}`;
    return { url, close: () => new Promise<void>((r) => server.close(() => r())) };
  }

  test('an oversized upload is answered with the reason, not a reset connection', async () => {
    const s = setup({ maxUploadBytes: 64 * 1024 });
    const catalog = s.make();
    await catalog.start();
    const http = await uploadServer(catalog);
    const reply = await fetchUrl(http.url('huge.bin'), { method: 'POST', body: Buffer.alloc(1024 * 1024, 7) });
    expect(reply.status).toBe(400);
    expect(reply.body.toString()).toBe('huge.bin is larger than 65536 bytes, more than any update package can be');
    const ok = await fetchUrl(http.url('fw-1.2.0.bin'), { method: 'POST', body: firmwarePackage('1.2.0') });
    expect(ok.status).toBe(201);
    expect(JSON.parse(ok.body.toString())).toMatchObject({ version: '1.2.0', kind: 'bin' });
    await http.close();
    s.data.remove();
  });

  test('property: any uploaded bytes get a stored package or a clear refusal; the service keeps working', async () => {
    const s = setup();
    const catalog = s.make();
    await catalog.start();
    const http = await uploadServer(catalog);
    const real = [firmwarePackage('1.0.0'), webPackage()];
    const mutated = fc.tuple(fc.constantFrom(...real), fc.nat(), fc.integer({ min: 1, max: 255 })).map(([p, at, x]) => {
      const b = Buffer.from(p);
      b.writeUInt8(b.readUInt8(at % b.length) ^ x, at % b.length);
      return b;
    });
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)), mutated, fc.constantFrom(...real));
    await fc.assert(fc.asyncProperty(bytes, async (body) => {
      const reply = await fetchUrl(http.url('fuzz.bin'), { method: 'POST', body });
      if (reply.status === 201) {
        const entry = JSON.parse(reply.body.toString()) as { sha256: string };
        expect(entry.sha256).toBe(createHash('sha256').update(body).digest('hex'));
      } else {
        expect(reply.status).toBe(400);
        expect(reply.body.toString()).toMatch(/^fuzz\.bin (is empty|is not a valid update package: .+)$/);
      }
    }), { numRuns: 80 });
    expect(readdirSync(join(s.data.path, 'data', 'firmware', 'tmp'))).toEqual([]);
    const ok = await fetchUrl(http.url('fw-9.0.0.bin'), { method: 'POST', body: firmwarePackage('9.0.0') });
    expect(ok.status).toBe(201);
    await http.close();
    s.data.remove();
  });
});
