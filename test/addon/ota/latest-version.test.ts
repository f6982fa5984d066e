// [add-on OTA update entity] The latest-version publisher on its own, with an in-memory publisher: one retained
// message per device and version (not one per state message), cleared when no firmware is left, retried after a
// failed publish; HA's Install without any firmware only logs.
import { CatalogEntry, RolloutView } from '../../../addon/src/backend';
import { LatestVersionPublisher } from '../../../addon/src/ota/latest-version';
import { recordingLogger, testBus } from './fixtures';
import { MemoryRegistry, meterView } from './registry-stand-in';

function setup() {
  const log = recordingLogger();
  const bus = testBus(log);
  const registry = new MemoryRegistry();
  registry.add(meterView('mep_000000000001', '1.0.0'));
  const sent: { topic: string; payload: string; retain: boolean }[] = [];
  let failNext = false;
  const mqtt = {
    publish: async (topic: string, payload: string | Buffer, options: { qos: 0 | 1; retain: boolean }) => {
      if (failNext) {
        failNext = false;
        throw new Error('not connected');
      }
      sent.push({ topic, payload: payload.toString(), retain: options.retain });
    },
  };
  let latest: CatalogEntry | null = { id: 'a'.repeat(64), kind: 'bin', version: '1.5.0', size: 1, sha256: 'a'.repeat(64), fileName: 'f.bin', source: 'bundled', addedAt: 0 };
  const started: { entryId: string; deviceIds: string[] }[] = [];
  const rollouts = { start: (entryId: string, deviceIds: string[]) => (started.push({ entryId, deviceIds }), {} as RolloutView) };
  const publisher = new LatestVersionPublisher({ bus, log, mqtt, meters: registry, catalog: { latest: () => latest }, rollouts });
  return {
    log, bus, registry, sent, started, publisher,
    setLatest: (e: CatalogEntry | null) => void (latest = e),
    failNext: () => void (failNext = true),
  };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('[add-on OTA update entity] latest version', () => {
  test('published retained once per device and version, not on every device message', async () => {
    const s = setup();
    await s.publisher.start();
    for (let i = 0; i < 5; i++) s.bus.emit('meterChanged', { deviceId: 'mep_000000000001' });
    await flush();
    expect(s.sent).toEqual([{ topic: 'mep/mep_000000000001/update/latest', payload: '1.5.0', retain: true }]);
  });

  test('follows the catalog, and is cleared when no firmware is left', async () => {
    const s = setup();
    await s.publisher.start();
    s.setLatest({ id: 'b'.repeat(64), kind: 'bin', version: '1.6.0', size: 1, sha256: 'b'.repeat(64), fileName: 'g.bin', source: 'uploaded', addedAt: 1 });
    s.bus.emit('catalogChanged', {});
    s.setLatest(null);
    s.bus.emit('catalogChanged', {});
    await flush();
    expect(s.sent.map((m) => m.payload)).toEqual(['1.5.0', '1.6.0', '']);
  });

  test('a failed publish is retried on the next change of the device', async () => {
    const s = setup();
    s.failNext();
    await s.publisher.start();
    await flush();
    expect(s.sent).toEqual([]);
    expect(s.log.lines.some((l) => l.startsWith('warn') && l.includes('not published'))).toBe(true);
    s.bus.emit('meterChanged', { deviceId: 'mep_000000000001' });
    await flush();
    expect(s.sent.map((m) => m.payload)).toEqual(['1.5.0']);
  });

  test("HA's Install starts a rollout of the newest firmware; with none, it only logs", async () => {
    const s = setup();
    await s.publisher.start();
    s.bus.emit('installRequested', { deviceId: 'mep_000000000001' });
    expect(s.started).toEqual([{ entryId: 'a'.repeat(64), deviceIds: ['mep_000000000001'] }]);
    s.setLatest(null);
    s.bus.emit('installRequested', { deviceId: 'mep_000000000001' });
    expect(s.started).toHaveLength(1);
    expect(s.log.lines.some((l) => l.includes('the catalog holds no firmware'))).toBe(true);
  });
});
