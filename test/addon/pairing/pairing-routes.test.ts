// The panel's pairing API (panel/routes/pairing.ts over pairing-service.ts) against a stand-in module: the code the
// owner typed pairs the meter, a wrong one does not; the code never appears in a reply or the log; unpair forgets.
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokerPassword } from '../../../discovery/command-mac';
import { sealPairReply } from '../../../discovery/pairing';
import { nodeSha256 } from '../../../addon/src/pairing/signer';
import { PairingService } from '../../../addon/src/pairing/pairing-service';
import { SecretStore } from '../../../addon/src/pairing/secret-store';
import { createPanelServer, PanelServer } from '../../../addon/src/panel/server';
import { sha256 as deviceSha256 } from '../../../device/src/ota/sha256';
import { meterView, panelFixture, stubAssetsDir } from '../panel/fixtures';
import { PANEL_POST } from '../panel/harness';

const A = 'mep_240ac4123456';
const CODE = 'H7WQ3M2K';
const SECRET = Buffer.from('44'.repeat(32), 'hex');

let moduleServer: Server;
let panel: PanelServer;
let base: string;
let dir: string;
let secrets: SecretStore;
let log: string[];
let commands: { deviceId: string; kind: string; cmd?: unknown }[];

beforeAll(async () => {
  moduleServer = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const r = JSON.parse(body) as { nonce: string; host: string };
      res.end(JSON.stringify(sealPairReply(deviceSha256, CODE, Buffer.from(r.nonce, 'hex'), r.host, A, SECRET)));
    });
  });
  await new Promise<void>((resolve) => moduleServer.listen(0, '127.0.0.1', resolve));
  dir = mkdtempSync(join(tmpdir(), 'mep-pair-routes-'));
  secrets = new SecretStore(SecretStore.fileIn(dir));
  const f = panelFixture();
  log = f.log.lines;
  commands = f.commander.calls;
  f.registry.put(meterView(A, { diagnostics: { link_state: 'online', firmware: '1.0.0', ip_address: '127.0.0.1' } }));
  f.registry.put(meterView('mep_240ac4abcdef'));
  const pairing = new PairingService({
    secrets, registry: f.registry, otaHost: async () => '192.168.1.10', log: f.log, modulePort: (moduleServer.address() as AddressInfo).port,
    commander: f.commander, embeddedBroker: () => true,
  });
  panel = createPanelServer({ ...f, pairing, mode: 'local', host: '127.0.0.1', port: 0, assetsDir: stubAssetsDir() });
  base = `http://127.0.0.1:${(await panel.start()).port}`;
});
afterAll(async () => {
  await panel.stop();
  moduleServer.closeAllConnections();
  moduleServer.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = async (path: string, body?: unknown) => {
  const res = await fetch(base + path, { method: 'POST', headers: { ...PANEL_POST, 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
  return { status: res.status, text: await res.text() };
};

test('a wrong code is refused; the right one pairs; the status says so; unpair forgets', async () => {
  expect(JSON.parse(await (await fetch(`${base}/api/meters/${A}/pairing`)).text())).toEqual({ paired: false });
  const wrong = await post(`/api/meters/${A}/pair`, { code: 'H7WQ-3M2X' });
  expect(wrong.status).toBe(409);
  expect(wrong.text).toMatch(/does not match the code/);
  expect(secrets.isPaired(A)).toBe(false);
  const right = await post(`/api/meters/${A}/pair`, { code: 'h7wq-3m2k' });
  expect(right.status).toBe(200);
  expect(JSON.parse(right.text)).toEqual({ message: 'paired', paired: true, pairedAt: expect.any(String) });
  expect(secrets.secretOf(A)?.equals(SECRET)).toBe(true);
  // With the embedded broker the module is sent its own broker password (the commander signs and encrypts it).
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(commands).toEqual([{ deviceId: A, kind: 'configure', cmd: { mqtt: { password: brokerPassword(nodeSha256, SECRET) } } }]);
  for (const text of [wrong.text, right.text, log.join('\n')]) {
    expect(text).not.toMatch(/H7WQ|h7wq|4444/);
  }
  expect(JSON.parse((await post(`/api/meters/${A}/unpair`)).text)).toEqual({ message: 'no longer paired', paired: false });
  expect(secrets.isPaired(A)).toBe(false);
});

test('the meter view carries its pairing; an unpaired meter has the problem "not paired: commands are unsigned"', async () => {
  const meter = async () => JSON.parse(await (await fetch(`${base}/api/meters/${A}`)).text());
  const before = await meter();
  expect(before.pairing).toEqual({ paired: false });
  expect(before.problems).toEqual([expect.objectContaining({ code: 'not-paired', hint: expect.stringMatching(/^Not paired: commands are unsigned/) })]);
  expect(before.health.level).toBe('warning');
  secrets.pair(A, SECRET);
  const after = await meter();
  expect(after.pairing).toEqual({ paired: true, pairedAt: expect.any(String) });
  expect(after.problems).toEqual([]);
  const list = JSON.parse(await (await fetch(`${base}/api/meters`)).text()).meters;
  expect(list.find((m: { deviceId: string }) => m.deviceId === A).pairing.paired).toBe(true);
  secrets.unpair(A);
});

test('no code, a meter without an address, an unknown meter: clear refusals', async () => {
  expect((await post(`/api/meters/${A}/pair`, {})).status).toBe(400);
  const noAddress = await post('/api/meters/mep_240ac4abcdef/pair', { code: CODE });
  expect(noAddress.status).toBe(409);
  expect(noAddress.text).toMatch(/network address/);
  expect((await post('/api/meters/mep_000000000001/pair', { code: CODE })).status).toBe(404);
});
