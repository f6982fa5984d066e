// The device's handling of <base>/cmd/update payloads (device/src/app/update-service.ts): every malformed command is
// refused with a message naming the field, never echoing the URL or token, never throwing; a valid one starts a
// download with the token in the Authorization header only.
import fc from 'fast-check';
import { CommandResult, UpdateState } from '../../../discovery/contract';
import { updateCommandProblem, UpdateService } from '../../../device/src/app/update-service';
import { HttpClient } from '../../../device/src/hal/types';
import { createLogger } from '../../../device/src/log';
import { rig } from './harness';

function service(http?: HttpClient) {
  const r = rig();
  const states: UpdateState[] = [];
  const results: CommandResult[] = [];
  const lines: string[] = [];
  const s = new UpdateService({
    installer: r.installer, http, clock: r.clock, log: createLogger((l) => lines.push(l), 'update', 'debug'), firmwareVersion: '0.1.0',
    report: { state: (x) => states.push(x), result: (x) => results.push(x) },
  });
  return { r, s, states, results, lines };
}

const VALID = { kind: 'bin', url: 'http://10.0.0.2:8099/fw.bin', size: 1000, sha256: 'a'.repeat(64), version: '0.2.0', token: 'secret-token-42' };

test('each field is checked and named', () => {
  expect(updateCommandProblem(VALID)).toBeNull();
  expect(updateCommandProblem({ ...VALID, kind: 'exe' })).toMatch(/kind/);
  expect(updateCommandProblem({ ...VALID, url: 'https://x/fw.bin' })).toMatch(/url/);
  expect(updateCommandProblem({ ...VALID, size: 1.5 })).toMatch(/size/);
  expect(updateCommandProblem({ ...VALID, sha256: 'xyz' })).toMatch(/sha256/);
  expect(updateCommandProblem({ ...VALID, version: '' })).toMatch(/version/);
  expect(updateCommandProblem({ ...VALID, token: undefined })).toMatch(/token/);
});

test('property: any JSON object as a command is answered without a throw, and no answer repeats its url or token', () => {
  fc.assert(
    fc.property(
      fc.record({
        kind: fc.oneof(fc.constantFrom('bin', 'wwws'), fc.string()),
        url: fc.oneof(fc.constant(VALID.url), fc.string(), fc.integer()),
        size: fc.oneof(fc.integer({ min: -5, max: 10_000_000 }), fc.double(), fc.string()),
        sha256: fc.oneof(fc.constant(VALID.sha256), fc.string()),
        version: fc.oneof(fc.constant('0.2.0'), fc.string()),
        token: fc.oneof(fc.constant(VALID.token), fc.string({ minLength: 1 }), fc.constant(null)),
      }, { requiredKeys: [] }),
      (cmd) => {
        const { s, results, lines } = service(undefined);
        const r = s.handle('id-1', cmd as Record<string, unknown>);
        expect(r).not.toBeNull();
        expect(r!.ok).toBe(false);
        const text = JSON.stringify(results) + JSON.stringify(r) + lines.join('\n');
        if (typeof cmd.token === 'string' && cmd.token.length > 3) expect(text).not.toContain(cmd.token);
        if (typeof cmd.url === 'string' && cmd.url.length > 8) expect(text).not.toContain(cmd.url);
      },
    ),
    { numRuns: 300 },
  );
});

test('a valid command starts the download with the token as a Bearer header, reporting progress as the HA update entity', () => {
  const requests: { url: string; headers: Record<string, string> }[] = [];
  const http: HttpClient = {
    get: (url, headers) => {
      requests.push({ url, headers });
      return { abort: () => undefined };
    },
  };
  const { s, states, lines } = service(http);
  expect(s.handle('id-2', VALID)).toBeNull();
  expect(requests).toEqual([{ url: VALID.url, headers: { Authorization: 'Bearer secret-token-42' } }]);
  expect(states[0]).toEqual({ installed_version: '0.1.0', in_progress: true, update_percentage: 0, title: 'MEP Bridge firmware' });
  expect(lines.join('\n')).not.toContain('secret-token-42');
  expect(s.handle('id-3', VALID)).toMatchObject({ ok: false, error: 'another update is being installed' });
});
