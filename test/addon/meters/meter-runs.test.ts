// When the add-on's per-meter jobs (backfill, outage watch) run: after a comeback, on a schedule, one at a time, and
// a few more tries when the module was not reading its meter yet.
import { EventBus } from '../../../addon/src/bus';
import { MeterRuns } from '../../../addon/src/meters/meter-runs';
import { StatePayload } from '../../../discovery/contract';

const settle = () => new Promise((r) => setTimeout(r, 60));

function rig(options: { firstReadingRuns?: boolean; retry?: (id: string) => boolean } = {}) {
  const bus = new EventBus(() => undefined);
  const ran: string[] = [];
  let running = 0;
  let overlap = false;
  const runs = new MeterRuns({
    bus,
    meters: { list: () => [{ deviceId: 'a', online: true }, { deviceId: 'b', online: true }] as never },
    name: 'test',
    job: async (id) => {
      running++;
      if (running > 1) overlap = true;
      ran.push(id);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return options.retry ? options.retry(id) : false;
    },
    everyMs: 100_000, settleMs: 10, silentAfterMs: 50, firstReadingRuns: options.firstReadingRuns,
  });
  const state = (deviceId: string) => bus.emit('meterState', { deviceId, state: {} as StatePayload });
  return { bus, runs, ran, state, overlap: () => overlap };
}

describe('MeterRuns', () => {
  test('a module back online runs once it settled; one run at a time for all meters', async () => {
    const r = rig();
    r.runs.start();
    r.bus.emit('meterAvailability', { deviceId: 'a', online: true });
    r.bus.emit('meterAvailability', { deviceId: 'b', online: true });
    r.bus.emit('meterAvailability', { deviceId: 'a', online: false });
    await settle();
    expect(r.ran.sort()).toEqual(['a', 'b']);
    expect(r.overlap()).toBe(false);
    await r.runs.stop();
  });

  test('a reading after a silence is a comeback; the first reading only when asked for', async () => {
    const plain = rig();
    plain.runs.start();
    plain.state('a');
    await settle();
    expect(plain.ran).toEqual([]);
    plain.state('a'); // 60 ms later: after the 50-ms silence
    await settle();
    expect(plain.ran).toEqual(['a']);
    await plain.runs.stop();
    const first = rig({ firstReadingRuns: true });
    first.runs.start();
    first.state('a');
    await settle();
    expect(first.ran).toEqual(['a']);
    await first.runs.stop();
  });

  test('a module not ready is tried again, five times at most; a second request while queued is the same run', async () => {
    const r = rig({ retry: () => true });
    r.runs.start();
    await Promise.all([r.runs.run('a'), r.runs.run('a')]);
    await new Promise((res) => setTimeout(res, 400));
    expect(r.ran).toEqual(['a', 'a', 'a', 'a', 'a', 'a']);
    await r.runs.stop();
  });

  test('after stop() nothing runs any more', async () => {
    const r = rig();
    r.runs.start();
    r.bus.emit('meterAvailability', { deviceId: 'a', online: true });
    await r.runs.stop();
    await settle();
    expect(r.ran).toEqual([]);
  });
});
