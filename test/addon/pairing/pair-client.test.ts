// Pairing from the add-on's side against a stand-in module (node:http, answering with discovery/pairing.ts
// sealPairReply as the firmware will): the right code stores the secret (0600 file); a wrong code, a forged answer,
// a module that is not waiting, garbage or no answer store nothing, and no message contains the code or secret.
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sealPairReply } from '../../../discovery/pairing';
import { pairModule } from '../../../addon/src/pairing/pair-client';
import { SecretStore } from '../../../addon/src/pairing/secret-store';
import { sha256 as deviceSha256 } from '../../../device/src/ota/sha256';

const A = 'mep_240ac4123456';
const SECRET = Buffer.from('3c'.repeat(32), 'hex');
const CODE = '7KQ2M9XD';

type Behaviour = 'seal' | 'forge' | 'closed' | 'garbage' | 'silent';
let behaviour: Behaviour = 'seal';
let server: Server;
let port: number;
let dir: string;
let secrets: SecretStore;
const requests: unknown[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const r = JSON.parse(body) as { nonce: string; host: string };
      requests.push(r);
      if (behaviour === 'silent') return;
      if (behaviour === 'closed') return void res.writeHead(409).end();
      if (behaviour === 'garbage') return void res.end('<html>');
      const secret = behaviour === 'forge' ? Buffer.alloc(32, 0x66) : SECRET;
      const code = behaviour === 'forge' ? 'AAAAAAAA' : CODE; // the forger does not know the code
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(sealPairReply(deviceSha256, code, Buffer.from(r.nonce, 'hex'), r.host, A, secret)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mep-pair-'));
  secrets = new SecretStore(SecretStore.fileIn(dir));
  requests.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const pair = (code: string, timeoutMs?: number) =>
  pairModule({ deviceId: A, address: '127.0.0.1', code, otaHost: '192.168.1.10' }, { secrets, port, timeoutMs });

test('the right code (typed loosely) pairs: the secret is stored, the code never sent', async () => {
  behaviour = 'seal';
  expect(await pair('7kq2-m9xd')).toEqual({ ok: true });
  expect(secrets.secretOf(A)?.equals(SECRET)).toBe(true);
  expect(secrets.paired()[0]?.otaHost).toBe('192.168.1.10');
  expect(JSON.stringify(requests)).not.toContain(CODE);
});

test('a wrong code, a forged answer, a module not waiting, garbage or silence: nothing stored, no secret in the message', async () => {
  behaviour = 'seal';
  const outcomes = [await pair('7KQ2M9XE')];
  behaviour = 'forge';
  outcomes.push(await pair(CODE));
  behaviour = 'closed';
  outcomes.push(await pair(CODE));
  behaviour = 'garbage';
  outcomes.push(await pair(CODE));
  behaviour = 'silent';
  outcomes.push(await pair(CODE, 300));
  expect(outcomes.map((o) => o.ok)).toEqual([false, false, false, false, false]);
  expect(outcomes.map((o) => (o.ok ? '' : o.error))).toEqual([
    expect.stringMatching(/does not match the code/),
    expect.stringMatching(/does not match the code/),
    expect.stringMatching(/not waiting to be paired/),
    expect.stringMatching(/not JSON/),
    'the module did not answer',
  ]);
  expect(secrets.isPaired(A)).toBe(false);
  for (const o of outcomes) expect(JSON.stringify(o)).not.toMatch(/3c3c|7KQ2/);
});

test('bad input is refused before anything is sent', async () => {
  expect(await pair('nope')).toEqual({ ok: false, error: expect.stringMatching(/not a pairing code/) });
  expect(await pairModule({ deviceId: A, address: 'evil/path', code: CODE, otaHost: 'h' }, { secrets, port })).toEqual({ ok: false, error: expect.stringMatching(/network address/) });
  expect(requests).toHaveLength(0);
});
