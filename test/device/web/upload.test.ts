// Uploads (.bin/.wwws) stream chunk by chunk into the update engine's UpdateInstaller; the answer is its outcome.
// Also: a file that is no update package is named from its first bytes; web bundle files are streamed in slices,
// "/" is the built-in page without a bundle; format and reboot.
import fc from 'fast-check';
import { InstallOutcome, InstallProgress, UpdateInstaller } from '../../../device/src/ota/installer-types';
import { SECRETS, securedDevice, TestBrowser } from './harness';

/** `n` bytes starting like our packages (0x89 "MEW"): past the upload's first-byte check, to the engine. */
function pkgBytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  b.set([0x89, 0x4d, 0x45, 0x57].slice(0, n));
  return b;
}

class RecordingInstaller implements UpdateInstaller {
  chunks: number[] = [];
  bytes: number[] = [];
  total = -1;
  aborted = '';
  finished = false;
  refuse: string | null = null;
  failAt = -1;
  outcome: InstallOutcome = { ok: true, kind: 'wwws', version: '2.0.0' };
  begin(total: number): string | null {
    this.total = total;
    return this.refuse;
  }
  write(chunk: Uint8Array): string | null {
    this.chunks.push(chunk.length);
    this.bytes.push(...chunk);
    return this.failAt >= 0 && this.bytes.length >= this.failAt ? 'wrong magic: not a .bin or .wwws package' : null;
  }
  finish(done: (o: InstallOutcome) => void): void {
    this.finished = true;
    setImmediate(() => done(this.outcome));
  }
  abort(reason: string): void {
    this.aborted = reason;
  }
  progress(): InstallProgress | null {
    return null;
  }
}

async function setup() {
  const dev = await securedDevice();
  const installer = new RecordingInstaller();
  dev.installer = installer;
  const b = new TestBrowser(dev.server);
  await b.login('admin', SECRETS.login);
  return { dev, installer, b };
}

test('property: any package size arrives complete, in order, in chunks of at most 536 bytes', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 5000 }), async (pkg) => {
      pkg[0] = 0x89;
      const { installer, b } = await setup();
      const r = await b.req('POST', '/api/update', pkg, { 'Content-Type': 'application/octet-stream' });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ ok: true, kind: 'wwws', version: '2.0.0' });
      expect(installer.total).toBe(pkg.length);
      expect(Buffer.from(installer.bytes)).toEqual(Buffer.from(pkg));
      expect(Math.max(...installer.chunks)).toBeLessThanOrEqual(536);
    }),
    { numRuns: 25 },
  );
});

test('a package the engine rejects is answered with its clear message', async () => {
  const { installer, b } = await setup();
  installer.failAt = 10;
  const r = await b.req('POST', '/api/update', pkgBytes(3000));
  expect(r.status).toBe(400);
  expect(r.json).toEqual({ ok: false, error: 'wrong magic: not a .bin or .wwws package' });
  expect(installer.finished).toBe(false);
  expect(installer.chunks.length).toBe(1); // nothing more is written after the error
});

test('a truncated upload (connection lost) aborts the install', async () => {
  const { installer, b } = await setup();
  const r = await b.req('POST', '/api/update', pkgBytes(1000), { 'Content-Length': '5000' });
  expect(r.status).toBe(400);
  expect(r.json.error).toMatch(/incomplete: 1000 of 5000/);
  expect(installer.aborted).toMatch(/incomplete/);
  expect(installer.finished).toBe(false);
});

test('an upload whose body stops arriving (no end) is aborted after a while, freeing the engine', async () => {
  const { dev, installer, b } = await setup();
  let status = 0;
  let body = '';
  let push: (c: Uint8Array) => void = () => undefined;
  dev.server.handle(
    {
      method: 'POST',
      url: '/api/update',
      header: (n) => ({ cookie: b.cookie, 'x-csrf-token': b.csrf, 'content-length': '4000' })[n.toLowerCase()],
      onData: (l) => (push = l),
      onEnd: () => undefined,
    },
    { writeHead: (s) => (status = s), write: () => undefined, end: (c) => (body = String(c)), onDrain: () => undefined },
  );
  push(pkgBytes(500));
  expect(status).toBe(0);
  (dev as unknown as { runTimers(): void }).runTimers();
  expect(status).toBe(408);
  expect(JSON.parse(body).error).toBe('upload stalled: 500 of 4000 bytes received');
  expect(installer.aborted).toMatch(/stalled/);
});

test('a file that is no update package is refused from its first bytes, named precisely, and nothing is staged', async () => {
  const cases: [number[], RegExp][] = [
    [[0xe9, 0x06, 0x02, 0x20], /ESP32 program image .*esptool/],
    [[0x1f, 0x8b, 0x08, 0x00], /gzip-compressed/],
    [[0x50, 0x4b, 0x03, 0x04], /\.zip archive/],
    [[0x7b, 0x22, 0x61, 0x22], /not a MEP Bridge update package: upload firmware\.bin \(firmware\) or update\.wwws \(web pages\)/],
  ];
  for (const [head, message] of cases) {
    const { installer, b } = await setup();
    const file = new Uint8Array(2000);
    file.set(head);
    const r = await b.req('POST', '/api/update', file);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(message);
    expect(installer.bytes.length).toBe(0);
    expect(installer.aborted).toBe(r.json.error);
  }
  // our formats and the reference's text bundle ("/www_…") go to the engine
  for (const head of [[0x89, 0x4d, 0x45, 0x42], [0x89, 0x4d, 0x45, 0x57], [0x2f, 0x77, 0x77, 0x77]]) {
    const { installer, b } = await setup();
    expect((await b.req('POST', '/api/update', new Uint8Array(head))).status).toBe(200);
    expect(installer.bytes).toEqual(head);
  }
});

test('no or a bad Content-Length: 411; engine busy: 409 with its reason; no engine: 503', async () => {
  const { dev, installer, b } = await setup();
  for (const cl of ['', 'abc', '-5', '0', '12x']) {
    expect((await b.req('POST', '/api/update', 'abc', { 'Content-Length': cl })).status).toBe(411);
  }
  installer.refuse = 'another update is running';
  const busy = await b.req('POST', '/api/update', 'abc');
  expect([busy.status, busy.json.error]).toEqual([409, 'another update is running']);
  dev.installer = null;
  expect((await b.req('POST', '/api/update', 'abc')).status).toBe(503);
});

test('"/" is the bundle\'s index.html, streamed in slices with its gzip flag; without a bundle the built-in page', async () => {
  const { dev, b } = await setup();
  for (const path of ['/', '/setup.html', '/login.html']) {
    const builtIn = await b.req('GET', path);
    expect([builtIn.status, builtIn.headers['Content-Type']]).toEqual([200, 'text/html; charset=utf-8']);
    expect(builtIn.text).toContain('Create your login');
    expect(builtIn.biggestWrite).toBeLessThanOrEqual(1024);
  }
  const page = Buffer.from('<html>' + 'x'.repeat(4000) + '</html>');
  dev.files.set('wa_index.html', new Uint8Array(page));
  dev.webFiles = {
    lookup: (p) => (p === '/index.html' ? { storageName: 'wa_index.html', length: page.length, gzip: true } : null),
    version: () => '1.2.3',
  };
  const r = await new TestBrowser(dev.server).req('GET', '/'); // public: no login needed for the page shell
  expect(r.status).toBe(200);
  expect(r.headers['Content-Encoding']).toBe('gzip');
  expect(r.headers['Content-Type']).toMatch(/text\/html/);
  expect(r.text).toBe(page.toString());
  expect(r.biggestWrite).toBeLessThanOrEqual(1024);
  expect((await b.req('GET', '/nothing.js')).status).toBe(404);
  expect((await b.req('GET', '/api/status')).json).toMatchObject({ version: '9.8.7', web: '1.2.3' });
});

test('format erases the web area, keeps settings unless asked, needs the typed confirmation', async () => {
  const { dev, b } = await setup();
  for (const n of ['www_a.html', 'wa_index.html', 'web.0', 'ota.stage', 'app.1', '.bootcde']) dev.files.set(n, new Uint8Array([1]));
  expect((await b.req('POST', '/api/format', { keepSettings: true })).status).toBe(400);
  expect((await b.req('POST', '/api/format', { confirm: 'FORMAT', keepSettings: true })).status).toBe(200);
  expect([...dev.files.keys()].sort()).toEqual(['.bootcde', 'app.1', 'mep.settings.json']);
  expect((await b.req('POST', '/api/format', { confirm: 'FORMAT', keepSettings: false })).status).toBe(200);
  expect([...dev.files.keys()].sort()).toEqual(['.bootcde', 'app.1']);
});

test('reboot answers first, then restarts the device', async () => {
  const { dev, b } = await setup();
  expect((await b.req('POST', '/api/reboot', {})).status).toBe(200);
  expect(dev.reboots).toBe(0);
  (dev as unknown as { runTimers(): void }).runTimers();
  expect(dev.reboots).toBe(1);
});
