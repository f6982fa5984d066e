// The outage service's decisions without a module (the end-to-end test has the real one): a meter's ET81 served by a
// stand-in reader from the simulator's own image builder, Home Assistant as a recording HaLink. An announcement Home
// Assistant refuses is tried again on the next read (never skipped); one it accepted is never sent again; a Home
// Assistant that is configured but not connected gets nothing and the log is not read; outside Home Assistant only the
// sensors follow.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandResult, ReadCommand } from '../../../discovery/contract';
import { et81Image } from '../../../device/sim/meter-sim/load-profile-logs';
import type { MeterView } from '../../../addon/src/backend';
import { EventBus } from '../../../addon/src/bus';
import { HaError, HaLink } from '../../../addon/src/ha/connection';
import { createLogger } from '../../../addon/src/log';
import { OutageService } from '../../../addon/src/outages/outage-service';

const DEVICE = 'mep_240ac40000f9';
const M = 60_000;
const T = Date.UTC(2026, 11, 1, 13, 0);

const meter = { deviceId: DEVICE, name: 'Garage', online: true, baseTopic: `mep/${DEVICE}`, entityIds: {} } as unknown as MeterView;
const meters = { list: () => [meter], get: (id: string) => (id === DEVICE ? meter : null) };

let dir: string;
let logged: { startMs: number; endMs: number }[];
let reads: number;
const reader = {
  async read(_id: string, cmd: Omit<ReadCommand, 'id'>): Promise<CommandResult> {
    reads++;
    const img = et81Image(logged, 10, 3_600_000);
    return { id: null, command: 'read', ok: true, table: cmd.table, offset: cmd.offset, hex: Buffer.from(img.subarray(cmd.offset, cmd.offset + cmd.count)).toString('hex') };
  },
};

class RecordingHa implements HaLink {
  connected = true;
  available = true;
  refuse = false;
  sent: { [key: string]: unknown }[] = [];
  status() {
    return { available: this.available, connected: this.connected };
  }
  async send<T>(message: { type: string; [key: string]: unknown }): Promise<T> {
    if (!this.connected) throw new HaError('not_connected', 'not connected');
    if (this.refuse && message.type === 'fire_event') throw new HaError('unknown_error', 'Unknown error');
    this.sent.push(message);
    return { context: { id: 'x' } } as T;
  }
}

const published: { topic: string; payload: string }[] = [];
const mqtt = { publish: async (topic: string, payload: string | Buffer) => { published.push({ topic, payload: payload.toString() }); } };

function service(ha: HaLink | null, now: () => number) {
  return new OutageService({
    bus: new EventBus(() => undefined), log: createLogger('error', 'test'), ha, mqtt, meters, reader, dataDir: dir, zone: () => 'Europe/Copenhagen', now, spacingMs: 0,
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mep-outage-svc-'));
  logged = [{ startMs: T - 300 * M, endMs: T - 290 * M }]; // before the watch: never announced
  reads = 0;
  published.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a refused announcement is tried again, an accepted one never twice; nothing while Home Assistant is away', async () => {
  const ha = new RecordingHa();
  const s = service(ha, () => T);
  await s.start();
  await s.run(DEVICE);
  expect(ha.sent).toEqual([]);
  expect(s.lastOutage(DEVICE)).toMatchObject({ startMs: T - 300 * M, durationS: 600 }); // the sensor shows it all the same
  logged.push({ startMs: T + 10 * M, endMs: T + 47 * M });
  ha.refuse = true;
  await s.run(DEVICE);
  expect(ha.sent).toEqual([]);
  ha.refuse = false;
  ha.connected = false;
  reads = 0;
  await s.run(DEVICE);
  expect(reads).toBe(0);
  ha.connected = true;
  await s.run(DEVICE);
  expect(ha.sent.map((m) => m.type)).toEqual(['fire_event', 'call_service']);
  expect(ha.sent[0]).toMatchObject({ event_type: 'mep_bridge_power_outage', event_data: { device_id: DEVICE, meter: 'Garage', duration_s: 37 * 60, source: 'ET81' } });
  expect(published.filter((p) => p.topic === `mep-addon/${DEVICE}/outage`).pop()?.payload).toContain('"last_outage_duration_s":2220');
  await s.run(DEVICE);
  await s.stop();
  const again = service(ha, () => T + 60 * M);
  await again.start();
  await again.run(DEVICE);
  await again.stop();
  expect(ha.sent.filter((m) => m.type === 'fire_event')).toHaveLength(1);
});

test('outside Home Assistant: no announcements, the sensor follows', async () => {
  const ha = new RecordingHa();
  ha.available = false;
  ha.connected = false;
  const s = service(ha, () => T);
  await s.start();
  await s.run(DEVICE);
  logged.push({ startMs: T + 10 * M, endMs: T + 47 * M });
  await s.run(DEVICE);
  await s.stop();
  expect(ha.sent).toEqual([]);
  expect(s.view(DEVICE)).toEqual({ start: '2026-12-01T13:10:00+00:00', end: '2026-12-01T13:47:00+00:00', durationS: 2220, text: '2026-12-01 14:10–14:47 (37 min)' });
  expect(published.some((p) => p.topic === `homeassistant/device/${DEVICE}_outage/config`)).toBe(true);
});
