// [add-on OTA server] Package downloads for devices: only with a valid one-time token, byte ranges (206,
// Content-Range, 416), HEAD, resume after a dropped connection, expiry, and tokens never in the log.
import { createHash } from 'crypto';
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'fs';
import { get as httpGet } from 'http';
import { join } from 'path';
import { parseRange } from '../../../addon/src/ota/byte-range';
import { PackageCatalog } from '../../../addon/src/ota/catalog';
import { chooseDownloadHost, packageUrl } from '../../../addon/src/ota/download-host';
import { addInterval } from '../../../addon/src/ota/download-tokens';
import { DownloadServer } from '../../../addon/src/ota/server';
import { firmwarePackage, recordingLogger, tempDir, testBus, uploadStream, webPackage } from './fixtures';
import { fetchUrl } from './http-client';

const TTL = 10 * 60_000;
const GRACE = 30_000;

async function setup() {
  const data = tempDir();
  const bundled = join(data.path, 'image');
  mkdirSync(bundled);
  // A firmware of ~340 KB: big enough to be cut mid-transfer.
  const bin = firmwarePackage('1.5.0', Array.from({ length: 50000 }, (_, i) => `v${i};`).join(''));
  writeFileSync(join(bundled, 'firmware.bin'), bin);
  writeFileSync(join(bundled, 'update.wwws'), webPackage());
  const log = recordingLogger();
  const catalog = new PackageCatalog({ bus: testBus(log), log, dataDir: join(data.path, 'data'), bundledDir: bundled });
  await catalog.start();
  let clock = 1_000_000;
  const server = new DownloadServer({ log, packages: catalog, port: 0, listenHost: '127.0.0.1', tokenTtlMs: TTL, resumeGraceMs: GRACE, now: () => clock });
  await server.start();
  const binEntry = catalog.latest('bin')!;
  const webEntry = catalog.latest('wwws')!;
  return {
    bin, log, catalog, server, binEntry, webEntry,
    advance: (ms: number) => void (clock += ms),
    close: async () => {
      await server.stop();
      data.remove();
    },
  };
}

type Setup = Awaited<ReturnType<typeof setup>>;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('[add-on OTA server] downloads', () => {
  let s: Setup;
  beforeEach(async () => {
    s = await setup();
  });
  afterEach(async () => {
    await s.close();
  });

  test('the whole package with its length, type, ETag and range support', async () => {
    const { url, token } = await s.server.grant('mep_aabbccddeeff', s.binEntry.id);
    expect(url).toBe(`http://127.0.0.1:${s.server.port()}/firmware/${s.binEntry.id}`);
    const r = await fetchUrl(url, { headers: auth(token) });
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBe(String(s.bin.length));
    expect(r.headers['accept-ranges']).toBe('bytes');
    expect(r.headers['content-type']).toBe('application/octet-stream');
    expect(r.headers.etag).toBe(`"${s.binEntry.sha256}"`);
    expect(createHash('sha256').update(r.body).digest('hex')).toBe(s.binEntry.sha256);
  });

  test('HEAD tells the length without a body', async () => {
    const { url, token } = await s.server.grant('mep_aabbccddeeff', s.binEntry.id);
    const r = await fetchUrl(url, { method: 'HEAD', headers: auth(token) });
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBe(String(s.bin.length));
    expect(r.body.length).toBe(0);
  });

  test('ranges: first bytes, open end, suffix; 416 past the end', async () => {
    const { url, token } = await s.server.grant('mep_aabbccddeeff', s.binEntry.id);
    const size = s.bin.length;
    const first = await fetchUrl(url, { headers: { ...auth(token), Range: 'bytes=0-535' } });
    expect(first.status).toBe(206);
    expect(first.headers['content-range']).toBe(`bytes 0-535/${size}`);
    expect(first.headers['content-length']).toBe('536');
    expect(first.body.equals(s.bin.subarray(0, 536))).toBe(true);
    const rest = await fetchUrl(url, { headers: { ...auth(token), Range: 'bytes=536-' } });
    expect(rest.status).toBe(206);
    expect(rest.headers['content-range']).toBe(`bytes 536-${size - 1}/${size}`);
    expect(Buffer.concat([first.body, rest.body]).equals(s.bin)).toBe(true); // (Buffer.equals: jest's deep equality is slow on 340 KB)
    const tail = await fetchUrl(url, { headers: { ...auth(token), Range: 'bytes=-10' } });
    expect(tail.body.equals(s.bin.subarray(size - 10))).toBe(true);
    const past = await fetchUrl(url, { headers: { ...auth(token), Range: `bytes=${size}-` } });
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${size}`);
  });

  test('a dropped connection resumes with a Range request and the file arrives whole', async () => {
    const { url, token } = await s.server.grant('mep_aabbccddeeff', s.binEntry.id);
    const cut = await fetchUrl(url, { headers: auth(token), dropAfter: 5000 });
    expect(cut.body.length).toBeGreaterThanOrEqual(5000);
    expect(cut.body.length).toBeLessThan(s.bin.length);
    const resumed = await fetchUrl(url, { headers: { ...auth(token), Range: `bytes=${cut.body.length}-` } });
    expect(resumed.status).toBe(206);
    const whole = Buffer.concat([cut.body, resumed.body]);
    expect(createHash('sha256').update(whole).digest('hex')).toBe(s.binEntry.sha256);
    expect(s.log.lines.join('\n')).not.toContain(token);
  });

  test('revoking a token (a cancelled or timed-out rollout) cuts its download in progress; a resume is refused', async () => {
    const { url, token } = await s.server.grant('mep_aabbccddeeff', s.binEntry.id);
    const received = await new Promise<{ bytes: number; complete: boolean }>((resolve) => {
      let bytes = 0;
      const req = httpGet(url, { headers: auth(token) }, (res) => {
        res.once('data', (chunk: Buffer) => {
          bytes += chunk.length;
          res.pause(); // the device is slow: most of the package is still to come
          s.server.revoke(token);
          setTimeout(() => res.resume(), 100);
          res.on('data', (more: Buffer) => (bytes += more.length));
        });
        res.on('close', () => resolve({ bytes, complete: res.complete }));
      });
      req.on('error', () => undefined);
    });
    expect(received.complete).toBe(false);
    expect(received.bytes).toBeLessThan(s.bin.length);
    const resume = await fetchUrl(url, { headers: { ...auth(token), Range: `bytes=${received.bytes}-` } });
    expect(resume.status).toBe(401);
  });

  test('one time: usable for resumes until every byte was sent, then only for the grace period', async () => {
    const { url, token } = await s.server.grant('mep_aabbccddeeff', s.binEntry.id);
    const half = Math.floor(s.bin.length / 2);
    expect((await fetchUrl(url, { headers: { ...auth(token), Range: `bytes=0-${half - 1}` } })).status).toBe(206);
    s.advance(GRACE * 3); // a long pause mid-download does not spend the token
    expect((await fetchUrl(url, { headers: { ...auth(token), Range: `bytes=${half}-` } })).status).toBe(206);
    s.advance(GRACE - 1000); // every byte sent: a lost tail may still be fetched again for a while
    expect((await fetchUrl(url, { headers: { ...auth(token), Range: 'bytes=-100' } })).status).toBe(206);
    s.advance(2000);
    const spent = await fetchUrl(url, { headers: auth(token) });
    expect(spent.status).toBe(401);
    expect(spent.body.toString()).toContain('has been used');
  });

  test('refused: no token, a wrong token, a token for another package, another client, an expired or revoked token', async () => {
    const { url, token } = await s.server.grant('mep_aabbccddeeff', s.binEntry.id);
    const none = await fetchUrl(url);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Bearer');
    expect((await fetchUrl(url, { headers: auth(token.slice(0, -2) + 'xx') })).status).toBe(401);
    expect((await fetchUrl(url, { headers: { Authorization: `Basic ${token}` } })).status).toBe(401);
    const other = packageUrl('127.0.0.1', s.server.port(), s.webEntry.id);
    const wrongPackage = await fetchUrl(other, { headers: auth(token) });
    expect(wrongPackage.status).toBe(403);
    expect(wrongPackage.body.toString()).toContain('another package');

    expect((await fetchUrl(url, { headers: { ...auth(token), Range: 'bytes=0-9' } })).status).toBe(206); // 127.0.0.1 owns it now
    const stolen = await fetchUrl(url, { headers: auth(token), localAddress: '127.0.0.2' });
    expect(stolen.status).toBe(403);
    expect(stolen.body.toString()).toContain('another client');

    s.advance(TTL);
    const expired = await fetchUrl(url, { headers: auth(token) });
    expect(expired.status).toBe(401);
    expect(expired.body.toString()).toContain('expired');

    const second = await s.server.grant('mep_aabbccddeeff', s.binEntry.id);
    s.server.revoke(second.token);
    expect((await fetchUrl(second.url, { headers: auth(second.token) })).status).toBe(401);
    const all = s.log.lines.join('\n');
    expect(all).not.toContain(token);
    expect(all).not.toContain(second.token);
  });

  test('other paths and methods', async () => {
    const { url, token } = await s.server.grant('mep_aabbccddeeff', s.binEntry.id);
    expect((await fetchUrl(`http://127.0.0.1:${s.server.port()}/`)).status).toBe(404);
    expect((await fetchUrl(`http://127.0.0.1:${s.server.port()}/firmware/../../etc/passwd`, { headers: auth(token) })).status).toBe(404);
    const post = await fetchUrl(url, { method: 'POST', headers: auth(token) });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  test('a package removed from the catalog is no longer served', async () => {
    const entry = await s.catalog.add('fw-2.0.0.bin', uploadStream(firmwarePackage('2.0.0')));
    const { url, token } = await s.server.grant('mep_aabbccddeeff', entry.id);
    await s.catalog.remove(entry.id);
    expect((await fetchUrl(url, { headers: auth(token) })).status).toBe(404);
    await expect(s.server.grant('mep_aabbccddeeff', entry.id)).rejects.toThrow('no package');
  });

  test('property: any Range header gets 200, a matching 206 or 416 and the server keeps serving', async () => {
    const { url, token } = await s.server.grant('mep_aabbccddeeff', s.webEntry.id);
    const web = webPackage();
    const size = web.length;
    const pos = fc.oneof(fc.nat(size + 50), fc.constant(0), fc.constant(size - 1), fc.constant(size), fc.constant(2 ** 53));
    const header = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.tuple(pos, pos).map(([a, b]) => `bytes=${a}-${b}`),
      pos.map((a) => `bytes=${a}-`),
      pos.map((n) => `bytes=-${n}`),
      fc.tuple(pos, pos, pos).map(([a, b, c]) => `bytes=${a}-${b}, ${c}-`),
      fc.tuple(fc.constantFrom('bytes', 'Bytes', 'items', ' bytes '), pos).map(([u, a]) => `${u}=${a}-`),
    ).filter((h) => /^[\t\x20-\x7e]*$/.test(h));
    await fc.assert(fc.asyncProperty(header, async (range) => {
      const r = await fetchUrl(url, { headers: { ...auth(token), Range: range } });
      const expected = parseRange(range, size);
      if (r.status === 200) {
        expect(expected.type).toBe('full');
        expect(r.body).toEqual(web);
      } else if (r.status === 206) {
        const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(r.headers['content-range']))!;
        const [start, end, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
        expect(total).toBe(size);
        expect(end).toBeLessThan(size);
        expect(r.body).toEqual(web.subarray(start, end + 1));
      } else {
        expect(r.status).toBe(416);
        expect(r.headers['content-range']).toBe(`bytes */${size}`);
      }
    }), { numRuns: 150 });
    expect((await fetchUrl(url, { headers: auth(token) })).status).toBe(200);
  });
});

describe('[add-on OTA server] pure parts', () => {
  test('parseRange follows RFC 9110 for single ranges', () => {
    expect(parseRange(undefined, 100)).toEqual({ type: 'full' });
    expect(parseRange('bytes=0-0', 100)).toEqual({ type: 'partial', start: 0, end: 0 });
    expect(parseRange('bytes=10-1000', 100)).toEqual({ type: 'partial', start: 10, end: 99 });
    expect(parseRange('bytes=-1000', 100)).toEqual({ type: 'partial', start: 0, end: 99 });
    expect(parseRange('bytes=-0', 100)).toEqual({ type: 'unsatisfiable' });
    expect(parseRange('bytes=100-', 100)).toEqual({ type: 'unsatisfiable' });
    expect(parseRange('bytes=5-4', 100)).toEqual({ type: 'full' });
    expect(parseRange('bytes=0-1,5-6', 100)).toEqual({ type: 'full' });
    expect(parseRange('lines=0-1', 100)).toEqual({ type: 'full' });
    expect(parseRange('bytes=x-1', 100)).toEqual({ type: 'full' });
  });

  test('sent intervals merge into one when they cover the file', () => {
    let list: [number, number][] = [];
    list = addInterval(list, 50, 100);
    list = addInterval(list, 0, 20);
    expect(list).toEqual([[0, 20], [50, 100]]);
    list = addInterval(list, 20, 50);
    expect(list).toEqual([[0, 100]]);
  });

  test('the download host: the option, else Home Assistant\'s internal URL host, else 127.0.0.1', async () => {
    expect(await chooseDownloadHost('192.168.1.20', () => 'http://homeassistant.local:8123')).toEqual({ host: '192.168.1.20', source: 'option' });
    expect(await chooseDownloadHost(undefined, async () => 'http://homeassistant.local:8123')).toEqual({ host: 'homeassistant.local', source: 'home-assistant' });
    expect(await chooseDownloadHost('', () => null)).toEqual({ host: '127.0.0.1', source: 'local' });
    expect(await chooseDownloadHost(undefined, () => 'not a url')).toEqual({ host: '127.0.0.1', source: 'local' });
    expect(await chooseDownloadHost(undefined)).toEqual({ host: '127.0.0.1', source: 'local' });
    expect(packageUrl('fd00::5', 8125, 'ab')).toBe('http://[fd00::5]:8125/firmware/ab');
  });
});
