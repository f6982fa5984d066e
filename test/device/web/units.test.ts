// The web server's pure parts: paths and cookies, routing, password hashing, sessions, the login back-off, body
// limits; fast-check at the input boundaries (cookies, JSON bodies, passwords).
import fc from 'fast-check';
import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto';
import { Crypto, HttpRequest, HttpResponse } from '../../../device/src/hal/types';
import { cookieValue, parseJsonObject, pathOf, readSmallBody, streamSlices } from '../../../device/src/web/http';
import { hashPassword, verifyPassword } from '../../../device/src/web/password';
import { IDLE_MS, Sessions } from '../../../device/src/web/sessions';
import { LoginThrottle, MAX_WAIT_MS } from '../../../device/src/web/throttle';

const crypto: Crypto = {
  sha256: (d) => new Uint8Array(createHash('sha256').update(typeof d === 'string' ? Buffer.from(d, 'latin1') : d).digest()),
  randomBytes: (n) => new Uint8Array(randomBytes(n)),
  pbkdf2: (pw, salt, it, len) => new Uint8Array(pbkdf2Sync(pw, salt, it, len, 'sha256')),
};

test('pathOf drops query and fragment', () => {
  expect(pathOf('/api/status?x=1#y')).toBe('/api/status');
  expect(pathOf('/a#b?c')).toBe('/a');
  expect(pathOf('')).toBe('/');
});

test('cookieValue finds one cookie among others and never throws on any header', () => {
  expect(cookieValue('a=1; mep_sid=abc; b=2', 'mep_sid')).toBe('abc');
  expect(cookieValue('xmep_sid=abc', 'mep_sid')).toBe('');
  expect(cookieValue(undefined, 'mep_sid')).toBe('');
  fc.assert(fc.property(fc.string(), (h) => typeof cookieValue(h, 'mep_sid') === 'string'));
});

test('parseJsonObject accepts only JSON objects, whatever the text', () => {
  expect(parseJsonObject('{"a":1}')).toEqual({ a: 1 });
  for (const t of ['[]', 'null', '1', '"x"', '{', '']) expect(parseJsonObject(t)).toBeNull();
  fc.assert(fc.property(fc.string(), (t) => {
    const v = parseJsonObject(t);
    return v === null || (typeof v === 'object' && !Array.isArray(v));
  }));
});

function fakeReq(method: string, url: string, body: Uint8Array, declared?: number): HttpRequest & { push(): void } {
  const d: ((c: Uint8Array) => void)[] = [];
  const e: (() => void)[] = [];
  return {
    method,
    url,
    header: (n) => (n === 'content-length' && declared !== undefined ? String(declared) : undefined),
    onData: (l) => void d.push(l),
    onEnd: (l) => void e.push(l),
    push() {
      for (let i = 0; i < body.length; i += 100) d.forEach((l) => l(body.slice(i, i + 100)));
      e.forEach((l) => l());
    },
  };
}

test('readSmallBody returns the text, and refuses (without buffering it) anything over the limit', () => {
  fc.assert(fc.property(fc.string({ maxLength: 300 }), fc.boolean(), (text, announce) => {
    const bytes = new Uint8Array(Buffer.from(text, 'utf8'));
    const req = fakeReq('POST', '/', bytes, announce ? bytes.length : undefined);
    let got: string | null | undefined;
    readSmallBody(req, 200, (t) => (got = t));
    req.push();
    return bytes.length > 200 ? got === null : got === text;
  }));
});

test('streamSlices writes one slice per drain, never more than 1 KB at once, and ends with the last byte', async () => {
  const data = new Uint8Array(5000).map((_, i) => i & 255);
  const writes: Uint8Array[] = [];
  let drain: () => void = () => undefined;
  await new Promise<void>((resolve) => {
    const res: HttpResponse = {
      writeHead: () => undefined,
      write: (c) => {
        writes.push(c as Uint8Array);
        setImmediate(drain);
      },
      end: (c) => {
        if (c) writes.push(c as Uint8Array);
        resolve();
      },
      onDrain: (l) => (drain = l),
    };
    streamSlices(res, data.length, (o, l) => data.subarray(o, o + l));
  });
  expect(Math.max(...writes.map((w) => w.length))).toBeLessThanOrEqual(1024);
  expect(Buffer.concat(writes.map((w) => Buffer.from(w)))).toEqual(Buffer.from(data));
});

test('streamSlices ends an empty file at once (no drain would ever come: the socket would hang)', () => {
  let ended = 0;
  const res: HttpResponse = { writeHead: () => undefined, write: () => undefined, end: () => void ended++, onDrain: () => undefined };
  streamSlices(res, 0, () => new Uint8Array(0));
  expect(ended).toBe(1);
});

test('passwords: salted PBKDF2, verify only the right one, any text works', () => {
  const a = hashPassword(crypto, 'correct horse');
  const b = hashPassword(crypto, 'correct horse');
  expect(a).not.toBe(b); // salted
  expect(a).not.toContain('correct');
  expect(verifyPassword(crypto, 'correct horse', a)).toBe(true);
  expect(verifyPassword(crypto, 'correct horsf', a)).toBe(false);
  for (const bad of ['', 'p2$x$y$z', 'p2$2000$zz$00', 'md5$1$00$00', 'p2$999999999$00$00']) expect(verifyPassword(crypto, 'x', bad)).toBe(false);
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ minLength: 1, maxLength: 40 }), (p, q) => {
      const h = hashPassword(crypto, p);
      return verifyPassword(crypto, p, h) && verifyPassword(crypto, q, h) === (p === q);
    }),
    { numRuns: 30 },
  );
});

test('sessions: unguessable distinct tokens, idle expiry, bounded count (least recently used goes), drop', () => {
  const s = new Sessions(crypto);
  const first = s.create('admin', 0);
  expect(first.token).toMatch(/^[0-9a-f]{32}$/);
  expect(first.csrf).not.toBe(first.token);
  const others = [1, 2, 3, 4, 5].map((t) => s.create('', t));
  expect(new Set([first.token, ...others.map((o) => o.token)]).size).toBe(6);
  expect(s.find(first.token, 10)?.user).toBe('admin'); // touched: now the most recent
  s.create('', 11); // evicts the least recently used (others[0])
  expect(s.find(others[0]!.token, 12)).toBeNull();
  expect(s.find(first.token, 12)).not.toBeNull();
  expect(s.find(first.token, 12 + IDLE_MS + 1)).toBeNull();
  const x = s.create('a', 0);
  s.drop(x.token);
  expect(s.find(x.token, 1)).toBeNull();
  expect(s.find('', 1)).toBeNull();
});

test('sessions: a flood of anonymous sessions never evicts a logged-in one', () => {
  const s = new Sessions(crypto);
  const owner = s.create('admin', 0);
  for (let t = 1; t <= 100; t++) s.create('', t);
  expect(s.find(owner.token, 101)?.user).toBe('admin');
});

test('throttle: free attempts, then doubling waits capped at a minute, reset on success', () => {
  const t = new LoginThrottle();
  t.failed('c', 0);
  t.failed('c', 0);
  expect(t.waitMs('c', 0)).toBe(0);
  t.failed('c', 0);
  expect(t.waitMs('c', 0)).toBe(1000);
  t.failed('c', 1000);
  expect(t.waitMs('c', 1000)).toBe(2000);
  for (let i = 0; i < 50; i++) t.failed('c', 5000);
  expect(t.waitMs('c', 5000)).toBe(MAX_WAIT_MS);
  expect(t.waitMs('other', 5000)).toBe(0);
  t.succeeded('c');
  expect(t.waitMs('c', 5000)).toBe(0);
});
