// The add-on side of authenticated commands: the secret store (mode 0600, a counter that never goes back, across
// restarts and a clock set back) and the commands the commander and the rollouts publish to a paired module,
// checked the way the module will check them (discovery/command-mac.ts verifyCommand with the device's pure
// SHA-256, AES-128-CTR for the encrypted key). Issue 11 attacks 1 and 2 at the add-on end: a command that is not
// signed by the add-on, replayed, moved to another module or changed is refused; the MBK key never travels in clear.
import { createDecipheriv } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandKeys, REFUSED_BAD_MAC, REFUSED_STALE, REFUSED_UNSIGNED, verifyCommand } from '../../../discovery/command-mac';
import { EventBus } from '../../../addon/src/bus';
import { createLogger } from '../../../addon/src/log';
import { MqttDeviceCommander } from '../../../addon/src/meters/commander';
import { COUNTER_BLOCK_MS, SecretStore } from '../../../addon/src/pairing/secret-store';
import { sha256 as deviceSha256 } from '../../../device/src/ota/sha256';

const A = 'mep_240ac4123456';
const B = 'mep_240ac4abcdef';
const MBK = 'ABCDEFGHIJKLMNOPQRST';
const SECRET = Buffer.from('c3'.repeat(32), 'hex');

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mep-pairing-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('secret store', () => {
  test('written mode 0600; secrets survive a restart; unpair forgets', () => {
    const file = SecretStore.fileIn(dir);
    const store = new SecretStore(file);
    expect(store.isPaired(A)).toBe(false);
    store.pair(A, SECRET, '192.168.1.10');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = new SecretStore(file);
    expect(again.secretOf(A)?.equals(SECRET)).toBe(true);
    expect(again.paired()).toEqual([{ deviceId: A, pairedAt: expect.any(String), otaHost: '192.168.1.10' }]);
    expect(again.unpair(A)).toBe(true);
    expect(new SecretStore(file).isPaired(A)).toBe(false);
    expect(() => again.pair('not-a-device', SECRET)).toThrow();
    expect(() => again.pair(A, SECRET.subarray(0, 16))).toThrow();
  });

  test('a file with looser rights is tightened; a corrupt file stops the add-on instead of running unpaired', () => {
    const file = SecretStore.fileIn(dir);
    writeFileSync(file, JSON.stringify({ version: 1, counter_floor: 0, devices: {} }), { mode: 0o644 });
    new SecretStore(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, '{"version":1,');
    expect(() => new SecretStore(file)).toThrow(/pairing\.json is unreadable/);
  });

  test('counters follow the clock in ms, strictly increasing, and never go back after a restart or a clock set back', () => {
    let now = 1_764_760_000_000;
    const file = SecretStore.fileIn(dir);
    const store = new SecretStore(file, () => now);
    const a = store.nextCounter();
    const b = store.nextCounter();
    expect(a).toBe(now);
    expect(b).toBe(now + 1);
    const floor = (JSON.parse(readFileSync(file, 'utf8')) as { counter_floor: number }).counter_floor;
    expect(floor).toBe(a + COUNTER_BLOCK_MS);
    now -= 24 * 3600 * 1000; // the clock goes back a day, then the add-on restarts
    const restarted = new SecretStore(file, () => now);
    expect(restarted.nextCounter()).toBeGreaterThan(b);
  });
});

describe('commands to a paired module', () => {
  function setup(secrets: SecretStore) {
    const sent: { topic: string; payload: string }[] = [];
    const bus = new EventBus(() => undefined);
    const commander = new MqttDeviceCommander({
      publisher: { publish: async (topic, payload) => void sent.push({ topic, payload: payload.toString() }) },
      bus,
      registry: { list: () => [], get: () => null },
      logger: createLogger('error', 'test', () => undefined),
      timeoutMs: 50,
      secrets,
    });
    return { sent, commander };
  }

  test('signed; the MBK key encrypted; the module\'s check accepts each once, in order', async () => {
    const secrets = new SecretStore(SecretStore.fileIn(dir));
    secrets.pair(A, SECRET);
    const { sent, commander } = setup(secrets);
    await commander.configure(A, { meter: { key: MBK } });
    await commander.restart(A);
    expect(sent.map((s) => s.topic)).toEqual([`mep/${A}/cmd/config`, `mep/${A}/cmd/restart`]);
    for (const s of sent) expect(s.payload).not.toContain(MBK);
    const keys = commandKeys(deviceSha256, SECRET);
    // Espruino hands the payload over as a string of bytes.
    const asDevice = (p: string) => Buffer.from(p, 'utf8').toString('latin1');
    const first = verifyCommand(deviceSha256, keys.mac, sent[0]!.topic, asDevice(sent[0]!.payload), 0);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const body = JSON.parse(first.body) as { id: string; meter: { key?: string; key_enc: string } };
    expect(body.meter.key).toBeUndefined();
    const iv = Buffer.from(body.meter.key_enc.slice(0, 32), 'hex');
    const decipher = createDecipheriv('aes-128-ctr', keys.enc, iv);
    expect(Buffer.concat([decipher.update(Buffer.from(body.meter.key_enc.slice(32), 'hex')), decipher.final()]).toString()).toBe(MBK);
    const second = verifyCommand(deviceSha256, keys.mac, sent[1]!.topic, asDevice(sent[1]!.payload), first.counter);
    expect(second.ok).toBe(true);
    // Replays: the same command again, or the older one after the newer.
    expect(verifyCommand(deviceSha256, keys.mac, sent[1]!.topic, asDevice(sent[1]!.payload), second.ok ? second.counter : 0)).toEqual({ ok: false, error: REFUSED_STALE });
    expect(verifyCommand(deviceSha256, keys.mac, sent[0]!.topic, asDevice(sent[0]!.payload), second.ok ? second.counter : 0)).toEqual({ ok: false, error: REFUSED_STALE });
    // Moved to another module, another command, or changed: refused.
    expect(verifyCommand(deviceSha256, keys.mac, `mep/${B}/cmd/restart`, asDevice(sent[1]!.payload), 0)).toEqual({ ok: false, error: REFUSED_BAD_MAC });
    expect(verifyCommand(deviceSha256, keys.mac, `mep/${A}/cmd/poll`, asDevice(sent[1]!.payload), 0)).toEqual({ ok: false, error: REFUSED_BAD_MAC });
    expect(verifyCommand(deviceSha256, keys.mac, sent[1]!.topic, asDevice(sent[1]!.payload.replace('"id"', '"Id"')), 0)).toEqual({ ok: false, error: REFUSED_BAD_MAC });
    // Issue 11 attack 1: an update command from any other MQTT client (no MAC, or a MAC without the secret).
    const forged = JSON.stringify({ id: 'x', kind: 'bin', url: 'http://evil/fw.bin', size: 1, sha256: '0'.repeat(64), version: '6.6.6', token: 't' });
    expect(verifyCommand(deviceSha256, keys.mac, `mep/${A}/cmd/update`, forged, 0)).toEqual({ ok: false, error: REFUSED_UNSIGNED });
    const other = new SecretStore(join(dir, 'other.json'));
    other.pair(A, Buffer.alloc(32, 1)); // somebody else's secret for A
    const { sent: evilSent, commander: evil } = setup(other);
    await evil.restart(A);
    expect(verifyCommand(deviceSha256, keys.mac, evilSent[0]!.topic, asDevice(evilSent[0]!.payload), 0)).toEqual({ ok: false, error: REFUSED_BAD_MAC });
    evil.dispose();
    commander.dispose();
  });

  test('a module not paired yet gets the JSON as before (older firmware)', async () => {
    const secrets = new SecretStore(SecretStore.fileIn(dir));
    const { sent, commander } = setup(secrets);
    await commander.poll(B);
    expect(JSON.parse(sent[0]!.payload)).toEqual({ id: expect.any(String) });
    commander.dispose();
  });
});
