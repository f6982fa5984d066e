// An exception during a pull update (device/src/app/update-service.ts) must not leave the update engine busy: before,
// a throw out of a download callback or the verification (a native that throws, as Espruino's 'byteOffset too large'
// did in the installer) left the installer active, and every later update command was refused with "another update
// is being installed" until a reboot. Now the update ends as a failed one (result and update-entity state) and the
// next command installs.
import { createHash } from 'crypto';
import { CommandResult, UpdateState } from '../../../discovery/contract';
import { UpdateService } from '../../../device/src/app/update-service';
import { HttpClient, HttpClientResponse } from '../../../device/src/hal/types';
import { createLogger } from '../../../device/src/log';
import { packBin } from '../../../ota/pack';
import { ManualClock, rig } from './harness';

const PAYLOAD = new Uint8Array(Buffer.from('/* firmware 0.2.0 */ var x = 1;\n'.repeat(200)));
const PKG = packBin(PAYLOAD, { firmwareVersion: '0.2.0', buildId: 'test', board: 'auto' });
const SHA = createHash('sha256').update(PKG).digest('hex');

const command = (id: string): Record<string, unknown> => ({
  id, kind: 'bin', url: 'http://10.0.0.2:8125/fw.bin', size: PKG.length, sha256: SHA, version: '0.2.0', token: 'secret-token-42',
});

/** Serves PKG in 536-byte chunks on the manual clock, honouring Range; `faults` may throw instead (per request). */
function packageClient(clock: ManualClock, faults: { get?: (n: number) => void; endAfter?: (n: number) => number | null } = {}): HttpClient & { requests: number } {
  const client = {
    requests: 0,
    get(_url: string, headers: { [name: string]: string }, onResponse: (res: HttpClientResponse) => void): { abort(): void } {
      const n = ++client.requests;
      faults.get?.(n);
      const from = headers.Range ? Number(/bytes=(\d+)-/.exec(headers.Range)![1]) : 0;
      const end = Math.min(PKG.length, from + (faults.endAfter?.(n) ?? PKG.length));
      let aborted = false;
      clock.setTimeout(() => {
        let data: ((chunk: Uint8Array) => void) | null = null;
        let done: (() => void) | null = null;
        onResponse({ status: from > 0 ? 206 : 200, header: () => undefined, onData: (f) => (data = f), onEnd: (f) => (done = f) });
        for (let i = from; i < end && !aborted; i += 536) data!(PKG.subarray(i, Math.min(end, i + 536)));
        if (!aborted) done!();
      }, 1);
      return { abort: () => (aborted = true) };
    },
  };
  return client;
}

function service(http: HttpClient, r = rig()) {
  const states: UpdateState[] = [];
  const results: CommandResult[] = [];
  const lines: string[] = [];
  const s = new UpdateService({
    installer: r.installer, http, clock: r.clock, log: createLogger((l) => lines.push(l), 'update', 'debug'), firmwareVersion: '0.1.0',
    report: { state: (x) => states.push(x), result: (x) => results.push(x) },
  });
  return { r, s, states, results, lines };
}

/** The engine after a failed update: the failure reported, nothing in progress, the stage gone, free for the next. */
function expectFailedAndFree(t: ReturnType<typeof service>, id: string, error: RegExp): void {
  expect(t.results).toEqual([{ id, command: 'update', ok: false, version: '0.1.0', error: expect.stringMatching(error) }]);
  expect(t.states[t.states.length - 1]).toMatchObject({ installed_version: '0.1.0', in_progress: false, update_percentage: null });
  expect(t.s.busy()).toBe(false);
  expect(t.r.installer.progress()).toBeNull();
  expect(t.r.flash.list()).not.toContain('ota.stage');
  expect(t.lines.join('\n')).not.toContain('secret-token-42');
}

/** A second command now downloads, installs and asks for the reboot. */
function expectNextInstalls(t: ReturnType<typeof service>): void {
  t.results.length = 0;
  expect(t.s.handle('u-2', command('u-2'))).toBeNull();
  t.r.clock.advance(10);
  expect(t.results).toEqual([{ id: 'u-2', command: 'update', ok: true, restart: true }]);
  expect(t.r.flash.read('app.b')).toEqual(PAYLOAD);
}

test('an exception while a downloaded chunk is staged (a bug in a parser): failed update, engine free', () => {
  const r = rig();
  const t = service(packageClient(r.clock), r);
  jest.spyOn(r.installer, 'write').mockImplementationOnce(() => {
    throw new Error('boom in the parser');
  });
  expect(t.s.handle('u-1', command('u-1'))).toBeNull();
  expect(() => r.clock.advance(10)).not.toThrow();
  expectFailedAndFree(t, 'u-1', /^internal error: boom in the parser$/);
  jest.restoreAllMocks();
  expectNextInstalls(t);
});

test('a native that throws while the package is verified (Espruino\'s "byteOffset too large"): failed update, engine free', () => {
  const r = rig();
  const t = service(packageClient(r.clock), r);
  const readText = r.storage.readText;
  const spy = jest.spyOn(r.storage, 'readText').mockImplementation((n: string) => {
    if (n === 'ota.stage') throw new RangeError('byteOffset too large');
    return readText(n);
  });
  expect(t.s.handle('u-1', command('u-1'))).toBeNull();
  expect(() => r.clock.advance(10)).not.toThrow();
  expectFailedAndFree(t, 'u-1', /byteOffset too large/);
  expect(r.flash.read('boot.0') ?? r.flash.read('boot.1') ?? null).toBeNull(); // nothing switched
  spy.mockRestore();
  expectNextInstalls(t);
});

test('the HTTP client throws as the download starts (net.connect on the ESP32): failed update, engine free', () => {
  const r = rig();
  const t = service(packageClient(r.clock, { get: (n) => { if (n === 1) throw new Error('Unable to connect'); } }), r);
  expect(t.s.handle('u-1', command('u-1'))).toBeNull();
  expectFailedAndFree(t, 'u-1', /Unable to connect/);
  expectNextInstalls(t);
});

test('a resume after a dropped connection throws: failed update, engine free', () => {
  const r = rig();
  const client = packageClient(r.clock, {
    endAfter: (n) => (n === 1 ? 2000 : null),
    get: (n) => { if (n === 2) throw new Error('no sockets left'); },
  });
  const t = service(client, r);
  expect(t.s.handle('u-1', command('u-1'))).toBeNull();
  expect(() => r.clock.advance(5000)).not.toThrow();
  expect(client.requests).toBe(2);
  expectFailedAndFree(t, 'u-1', /no sockets left/);
  expectNextInstalls(t);
});
