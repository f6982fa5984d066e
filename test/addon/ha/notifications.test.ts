// Persistent notifications (addon/src/ha/notifications.ts) through the real websocket library to the stand-in:
// shown when a meter stays offline past the configured minutes, refuses the MBK key, or fails an update; dismissed
// when resolved; sent again after Home Assistant restarts; nothing secret in them; nothing sent without HA.
import { RolloutView } from '../../../addon/src/backend';
import { HaConnection } from '../../../addon/src/ha/connection';
import { sanitizeReason } from '../../../addon/src/ha/notification-rules';
import { NotificationService } from '../../../addon/src/ha/notifications';
import { HaStandin } from '../../helpers/ha-standin';
import { MemoryRegistry, meterView, recordingBus, RecordingLogger, waitFor } from './support';

const TOKEN = 'supervisor-token-for-notifications';
const DEVICE = 'mep_0123456789ab';
const OFFLINE_ID = `mep_bridge_${DEVICE}_offline`;
const WRONG_KEY_ID = `mep_bridge_${DEVICE}_wrong_key`;
const UPDATE_ID = `mep_bridge_${DEVICE}_update_failed`;

interface Setup {
  standin: HaStandin;
  registry: MemoryRegistry;
  service: NotificationService;
  clock: { now: number };
  rollouts: Map<string, RolloutView>;
  bus: ReturnType<typeof recordingBus>['bus'];
  log: RecordingLogger;
}

describe('Home Assistant notifications', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(offlineMinutes: number, withHa = true): Promise<Setup> {
    const standin = await HaStandin.start({ token: TOKEN, version: '2026.3.0' });
    cleanups.push(() => standin.close());
    const log = new RecordingLogger();
    const { bus } = recordingBus(log);
    const target = withHa ? { hassUrl: standin.hassUrl, token: TOKEN } : null;
    const ha = new HaConnection({ bus, log, target, heartbeatMs: 0, retryDelaysMs: [100] });
    cleanups.push(() => ha.stop());
    const registry = new MemoryRegistry(bus);
    registry.put(meterView(DEVICE, { name: 'Kitchen meter' }));
    const clock = { now: Date.UTC(2026, 10, 25, 3, 0) };
    const rollouts = new Map<string, RolloutView>();
    const service = new NotificationService({
      bus, log, ha, registry, options: { offline_notify_minutes: offlineMinutes }, now: () => clock.now,
      rollouts: { get: (id) => rollouts.get(id) ?? null }, checkEveryMs: 50,
    });
    await service.start();
    cleanups.push(() => service.stop());
    await ha.start();
    if (withHa) await waitFor('connected', () => ha.status().connected);
    return { standin, registry, service, clock, rollouts, bus, log };
  }

  it('a meter offline longer than the configured minutes gets one notification, dismissed when it is back', async () => {
    const { standin, registry, service, clock } = await setup(5);
    registry.setOnline(DEVICE, false);
    clock.now += 4 * 60_000;
    await new Promise((r) => setTimeout(r, 200));
    await service.settled();
    expect(standin.notifications.size).toBe(0);
    clock.now += 60_000;
    await waitFor('offline notification', () => standin.notifications.has(OFFLINE_ID));
    expect(standin.notifications.get(OFFLINE_ID)).toEqual({
      title: 'MEP Bridge: Kitchen meter is offline',
      message: `Kitchen meter (${DEVICE}) has been offline since 2026-11-25 03:00 UTC. Check that the bridge has power ` +
        'and WiFi and can reach the MQTT broker. This notification goes away when it is back.',
    });
    // Further checks do not create it again.
    await new Promise((r) => setTimeout(r, 200));
    expect(standin.serviceCalls.filter((c) => c.service === 'create')).toHaveLength(1);
    registry.setOnline(DEVICE, true);
    await waitFor('dismissed', () => !standin.notifications.has(OFFLINE_ID));
    expect(standin.serviceCalls.map((c) => `${c.service} ${String(c.data['notification_id'])}`))
      .toEqual([`create ${OFFLINE_ID}`, `dismiss ${OFFLINE_ID}`]);
  });

  it('a meter removed from the registry takes its notifications with it', async () => {
    const { standin, registry, bus } = await setup(10);
    registry.setProblems(DEVICE, [{ code: 'wrong-key', message: 'wrong key' }]);
    await waitFor('shown', () => standin.notifications.has(WRONG_KEY_ID));
    registry.remove(DEVICE);
    bus.emit('meterRemoved', { deviceId: DEVICE });
    await waitFor('dismissed', () => standin.notifications.size === 0);
  });

  it('offline_notify_minutes 0 never notifies about offline meters', async () => {
    const { standin, registry, service, clock } = await setup(0);
    registry.setOnline(DEVICE, false);
    clock.now += 24 * 3600_000;
    await new Promise((r) => setTimeout(r, 200));
    await service.settled();
    expect(standin.serviceCalls).toEqual([]);
  });

  it('a wrong MBK key is notified and dismissed once the meter accepts the key', async () => {
    const { standin, registry } = await setup(10);
    registry.setProblems(DEVICE, [{ code: 'wrong-key', message: 'The meter does not accept the MBK key' }]);
    await waitFor('wrong-key notification', () => standin.notifications.has(WRONG_KEY_ID));
    expect(standin.notifications.get(WRONG_KEY_ID)?.title).toBe('MEP Bridge: wrong MBK key for Kitchen meter');
    registry.setProblems(DEVICE, []);
    await waitFor('dismissed', () => !standin.notifications.has(WRONG_KEY_ID));
  });

  it('a new reading does not make it look at every meter again; a change of what it would notify does', async () => {
    const { standin, registry, service } = await setup(10);
    const id = (i: number) => `mep_0000000000${String(i).padStart(2, '0')}`;
    for (let i = 0; i < 50; i++) registry.put(meterView(id(i), { name: `Meter ${i}` }));
    await service.settled();
    const listed = jest.spyOn(registry, 'list');
    // 200 readings from 50 meters (each put is a meterChanged): no reconciliation of all meters.
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 50; i++) registry.put({ ...registry.get(id(i))!, state: { energy_import: round } });
    }
    await service.settled();
    expect(listed).not.toHaveBeenCalled();
    registry.setProblems(DEVICE, [{ code: 'wrong-key', message: 'The meter does not accept the MBK key' }]);
    await waitFor('wrong-key notification', () => standin.notifications.has(WRONG_KEY_ID));
    expect(listed).toHaveBeenCalled();
  });

  it('a failed update is notified without the download URL or token, and dismissed after a successful one', async () => {
    const { standin, bus, rollouts, log } = await setup(10);
    const secretUrl = 'http://192.168.1.10:8125/ota/fw.bin?token=5f1e0c9a7b3d';
    const rollout: RolloutView = {
      id: 'r1', entryId: 'e1', kind: 'bin', version: '1.4.0', startedAt: 0, finished: true,
      devices: [{ deviceId: DEVICE, status: 'failed', percent: 40, error: `download from ${secretUrl} broke off (token: 5f1e0c9a7b3d)` }],
    };
    rollouts.set('r1', rollout);
    bus.emit('rolloutChanged', { rolloutId: 'r1' });
    await waitFor('update notification', () => standin.notifications.has(UPDATE_ID));
    const shown = standin.notifications.get(UPDATE_ID);
    expect(shown?.title).toBe('MEP Bridge: update of Kitchen meter failed');
    expect(shown?.message).toMatch(/^Installing firmware 1\.4\.0 on Kitchen meter \(mep_0123456789ab\) failed: download from <url> broke off/);
    expect(JSON.stringify({ calls: standin.serviceCalls, log: log.lines })).not.toContain('5f1e0c9a7b3d');
    rollouts.set('r2', { ...rollout, id: 'r2', devices: [{ deviceId: DEVICE, status: 'done', percent: 100 }] });
    bus.emit('rolloutChanged', { rolloutId: 'r2' });
    await waitFor('dismissed', () => !standin.notifications.has(UPDATE_ID));
  });

  it('sends what is pending once Home Assistant is reachable, and again after Home Assistant restarts', async () => {
    const { standin, registry, service } = await setup(10);
    await standin.close();
    registry.setProblems(DEVICE, [{ code: 'wrong-key', message: 'wrong key' }]);
    await service.settled();
    expect(standin.notifications.size).toBe(0);
    await standin.restart();
    await waitFor('sent after reconnect', () => standin.notifications.has(WRONG_KEY_ID));
    await standin.restart(100);
    expect(standin.notifications.size).toBe(0);
    await waitFor('sent again after the restart', () => standin.notifications.has(WRONG_KEY_ID));
  });

  it('without Home Assistant nothing is sent and nothing fails', async () => {
    const { standin, registry, service, log } = await setup(1, false);
    registry.setProblems(DEVICE, [{ code: 'wrong-key', message: 'wrong key' }]);
    registry.setOnline(DEVICE, false);
    await service.settled();
    expect(standin.received).toEqual([]);
    expect(log.lines.filter((l) => l.startsWith('error'))).toEqual([]);
  });

  it('reasons lose URLs and secret values', () => {
    expect(sanitizeReason('GET https://h/x?token=abc failed; password=hunter2 key: ABCDEFGHIJKLMNOPQRST'))
      .toBe('GET <url> failed; password=<hidden> key=<hidden>');
  });
});
