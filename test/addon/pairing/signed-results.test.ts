// Results of a paired module (issue 11 attack 2: a forged cmd/result made the panel say "key sent"): only a result
// signed with the module's secret answers a command; an unsigned or foreign one is dropped and counted. And the one
// resend after a stale-counter refusal (the module rebooted with a stored counter floor above the add-on's counter).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandKeys, commandMac, REFUSED_STALE, signedHeader, verifyCommand } from '../../../discovery/command-mac';
import { LinkMessage, MqttLink } from '../../../addon/src/broker/link';
import { EventBus } from '../../../addon/src/bus';
import { createLogger } from '../../../addon/src/log';
import { MqttDeviceCommander } from '../../../addon/src/meters/commander';
import { MeterRegistryService } from '../../../addon/src/meters/registry-service';
import { resultChecker } from '../../../addon/src/pairing/command-payload';
import { SecretStore } from '../../../addon/src/pairing/secret-store';
import { nodeSha256 } from '../../../addon/src/pairing/signer';

const A = 'mep_240ac4123456';
const B = 'mep_240ac4abcdef';
const SECRET = Buffer.from('7e'.repeat(32), 'hex');
const keys = commandKeys(nodeSha256, SECRET);

function fakeLink() {
  const listeners: ((m: LinkMessage) => void)[] = [];
  const sent: { topic: string; payload: string }[] = [];
  const link: MqttLink = {
    kind: 'external',
    connected: () => true,
    publish: async (topic, payload) => void sent.push({ topic, payload: payload.toString() }),
    subscribe: async () => undefined,
    onMessage: (fn) => {
      listeners.push(fn);
      return () => undefined;
    },
    close: async () => undefined,
  };
  const deliver = (topic: string, payload: string) => listeners.forEach((fn) => fn({ topic, payload: Buffer.from(payload), retained: false }));
  return { link, sent, deliver };
}

function signedResult(topic: string, body: object, secretKeys = keys): string {
  const text = JSON.stringify(body);
  return signedHeader(7, commandMac(nodeSha256, secretKeys.mac, topic, 7, Buffer.from(text))) + text;
}

let dir: string;
let secrets: SecretStore;
let env: ReturnType<typeof fakeLink>;
let registry: MeterRegistryService;
let commander: MqttDeviceCommander;
const RESULT = `mep/${A}/cmd/result`;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mep-results-'));
  secrets = new SecretStore(SecretStore.fileIn(dir));
  secrets.pair(A, SECRET);
  env = fakeLink();
  const bus = new EventBus(() => undefined);
  const logger = createLogger('error', 'test', () => undefined);
  registry = new MeterRegistryService({ bus, link: env.link, logger, checkResult: resultChecker(secrets) });
  await registry.start();
  commander = new MqttDeviceCommander({ publisher: env.link, bus, registry, logger, timeoutMs: 400, secrets, newId: () => 'c1' });
});
afterEach(async () => {
  commander.dispose();
  await registry.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a forged unsigned "ok" does not answer the key command; the module\'s signed result does', async () => {
  const pending = commander.configure(A, { meter: { key: 'ABCDEFGHIJKLMNOPQRST' } });
  env.deliver(RESULT, JSON.stringify({ id: 'c1', command: 'config', ok: true, applied: ['meter.key'] }));
  env.deliver(RESULT, signedResult(RESULT, { id: 'c1', command: 'config', ok: true }, commandKeys(nodeSha256, Buffer.alloc(32, 9))));
  env.deliver(RESULT, signedResult(`mep/${B}/cmd/result`, { id: 'c1', command: 'config', ok: true })); // signed for another topic
  env.deliver(RESULT, signedResult(RESULT, { id: 'c1', command: 'config', ok: false, error: 'meter.key: bad' }));
  expect(await pending).toEqual({ id: 'c1', command: 'config', ok: false, error: 'meter.key: bad' });
  expect(registry.ignoredCounts()['a command result of a paired module without its signature']).toBe(3);
});

test('unsigned results of a module not paired are taken as before', async () => {
  const pending = commander.poll(B);
  env.deliver(`mep/${B}/cmd/result`, JSON.stringify({ id: 'c1', command: 'poll', ok: true }));
  expect(await pending).toEqual({ id: 'c1', command: 'poll', ok: true });
});

test('a module the add-on unpaired still signs its results: the add-on reads their body, so the panel can say "unsigned"', async () => {
  const pending = commander.restart(B);
  // B holds a secret the add-on does not (Unpair in the panel forgot it): its refusal is signed with it.
  const other = commandKeys(nodeSha256, Buffer.alloc(32, 5));
  env.deliver(`mep/${B}/cmd/result`, signedResult(`mep/${B}/cmd/result`, { id: 'c1', command: 'restart', ok: false, error: 'unsigned' }, other));
  expect(await pending).toEqual({ id: 'c1', command: 'restart', ok: false, error: 'unsigned' });
});

test('stale-counter with the module\'s floor: the command is signed again above it and sent once more', async () => {
  const pending = commander.restart(A);
  const first = verifyCommand(nodeSha256, keys.mac, `mep/${A}/cmd/restart`, env.sent[0]!.payload, 0);
  expect(first.ok).toBe(true);
  const floor = (first.ok ? first.counter : 0) + 30000;
  env.deliver(RESULT, signedResult(RESULT, { id: 'c1', command: 'restart', ok: false, error: REFUSED_STALE, counter_floor: floor }));
  expect(env.sent).toHaveLength(2);
  const second = verifyCommand(nodeSha256, keys.mac, `mep/${A}/cmd/restart`, env.sent[1]!.payload, floor);
  expect(second.ok).toBe(true);
  env.deliver(RESULT, signedResult(RESULT, { id: 'c1', command: 'restart', ok: false, error: REFUSED_STALE, counter_floor: floor + 5 }));
  expect(env.sent).toHaveLength(2); // only once
  expect((await pending).error).toBe(REFUSED_STALE);
});
