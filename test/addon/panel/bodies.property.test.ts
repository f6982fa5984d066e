// fast-check at the panel's input boundary: any JSON body on any route gives a clear 2xx/4xx answer (never a 500,
// never a crash), a key is never echoed, and the server keeps answering. Plus the pure body rules.
import fc from 'fast-check';
import { ingressPrefix } from '../../../addon/src/panel/access';
import { parseKeyBody, parseRolloutBody, parseSettingsBody } from '../../../addon/src/panel/bodies';
import { pageFor } from '../../../addon/src/panel/routes/assets';
import { uploadNameProblem } from '../../../addon/src/panel/upload';
import { parseMbk } from '../../../discovery/mbk-key';
import { meterView } from './fixtures';
import { PANEL_POST, startTestPanel, TestPanel } from './harness';

let t: TestPanel;
beforeAll(async () => {
  t = await startTestPanel('local');
  t.registry.put(meterView('mep_a1'));
});
afterAll(() => t.close());

const ROUTES = ['/api/meters/mep_a1/key', '/api/meters/mep_a1/settings', '/api/rollouts', '/api/meters/mep_a1/restart'];

test('pure rules: the key body accepts exactly what the protocol core accepts', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 44 }), fc.string({ unit: 'binary-ascii', minLength: 14, maxLength: 42 }), fc.stringMatching(/^[0-9a-f]{30,42}$/)), (key) => {
      const body = parseKeyBody({ key });
      expect(body.ok).toBe(parseMbk(key).ok);
      if (!body.ok) for (const e of body.errors) if (key.length >= 4) expect(e.message).not.toContain(key);
    }),
    { numRuns: 2000 },
  );
});

test('pure rules: settings and rollout bodies never throw and name every bad field', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      for (const parse of [parseSettingsBody, parseRolloutBody, parseKeyBody]) {
        const r = parse(value);
        if (!r.ok) expect(r.errors.length).toBeGreaterThan(0);
      }
    }),
    { numRuns: 3000 },
  );
});

test('any JSON body on any route: a clear 2xx/4xx, the key never echoed, the server keeps answering', async () => {
  const keyish = fc.string({ unit: 'binary-ascii', minLength: 8, maxLength: 40 });
  const body = fc.oneof(
    fc.jsonValue(),
    fc.record({ key: fc.oneof(keyish, fc.jsonValue()) }, { requiredKeys: [] }),
    fc.record({ name: fc.jsonValue(), poll_interval_s: fc.oneof(fc.integer(), fc.double(), fc.jsonValue()), compatibility: fc.jsonValue() }, { requiredKeys: [] }),
    fc.record({ entryId: fc.jsonValue(), deviceIds: fc.jsonValue() }, { requiredKeys: [] }),
  );
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...ROUTES), body, async (route, value) => {
      const res = await t.call('POST', route, { body: value, headers: PANEL_POST });
      expect([200, 201, 400, 404]).toContain(res.status);
      expect(() => res.json()).not.toThrow();
      const key = (value as { key?: unknown } | null)?.key;
      if (typeof key === 'string' && key.length >= 8) expect(res.text).not.toContain(key);
    }),
    { numRuns: 300 },
  );
  // Raw garbage: not JSON at all.
  await fc.assert(
    fc.asyncProperty(fc.string({ maxLength: 200 }), async (raw) => {
      const res = await t.call('POST', '/api/meters/mep_a1/key', { raw, headers: { ...PANEL_POST, 'content-type': 'application/json' } });
      expect([200, 400]).toContain(res.status);
      if (raw.length >= 8 && res.status === 400) expect(res.text).not.toContain(raw);
    }),
    { numRuns: 200 },
  );
  expect((await t.call('GET', '/health')).status).toBe(200);
  for (const line of t.log.lines) expect(line).not.toMatch(/^error/);
}, 120000);

test('any X-Ingress-Path: the page base is either the safe prefix or nothing', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 220 }), fc.stringMatching(/^\/api\/hassio_ingress\/[A-Za-z0-9_-]{1,60}\/?$/)), (raw) => {
      const prefix = ingressPrefix({ 'x-ingress-path': raw });
      if (prefix !== '') {
        expect(prefix).toMatch(/^\/[A-Za-z0-9/_\-.~]*$/);
        expect(prefix).not.toMatch(/\/\/|\/\.\./);
        expect(pageFor({ html: '<base href="./">', script: Buffer.alloc(0) }, prefix)).toBe(`<base href="${prefix}/">`);
      }
    }),
    { numRuns: 3000 },
  );
});

test('any upload file name: accepted names are plain .bin/.wwws names, nothing throws', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 120 }), fc.jsonValue(), fc.stringMatching(/^[A-Za-z0-9._ -]{1,20}\.(bin|wwws)$/)), (name) => {
      if (uploadNameProblem(name) === '') {
        expect(typeof name).toBe('string');
        expect(name as string).toMatch(/^[A-Za-z0-9][A-Za-z0-9 ._()+-]*\.(bin|wwws)$/i);
        expect(name as string).not.toContain('/');
      }
    }),
    { numRuns: 3000 },
  );
});
