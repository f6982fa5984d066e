// [panel] What issue 12 added to the API: the badge's level (red whenever the meter cannot be read, wrong key
// included), settings with their current values, and the last hour of power kept in the add-on's memory (history
// route + live 'point' events), at most one point per step.
import { MeterView } from '../../../addon/src/backend';
import { meterHealth, meterSettings } from '../../../addon/src/panel/meter-view';
import { appendPoint, PowerPoint, STEP_MS, WINDOW_MS } from '../../../addon/src/panel/power-points';
import { request } from 'http';
import { takeSseFrames } from '../../helpers/sse';
import { meterView } from './fixtures';
import { startTestPanel, TestPanel } from './harness';

/** Opens the event stream; `first(event)` resolves with the data of the first frame of that event. */
function events(port: number): Promise<{ first(event: string): Promise<unknown>; close(): void }> {
  return new Promise((resolve, reject) => {
    const frames: { event: string; data: unknown }[] = [];
    const waiters: (() => void)[] = [];
    const req = request({ host: '127.0.0.1', port, path: '/api/events' }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const taken = takeSseFrames(buffer + chunk);
        buffer = taken.rest;
        frames.push(...taken.frames);
        for (const w of waiters.splice(0)) w();
      });
      resolve({
        first: (event) => new Promise((done) => {
          const check = (): void => {
            const f = frames.find((x) => x.event === event);
            if (f) done(f.data);
            else waiters.push(check);
          };
          check();
        }),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const view = (extra: Partial<MeterView>): MeterView => meterView('mep_a1', { state: { power_import: 1 }, stateAt: 1, ...extra });

describe('[panel] badge level', () => {
  test('green only while the meter is read; red when it cannot be read; amber for problems that leave readings coming', () => {
    expect(meterHealth(view({}))).toEqual({ level: 'ok', label: 'Online' });
    expect(meterHealth(view({ online: false }))).toEqual({ level: 'error', label: 'Offline' });
    expect(meterHealth(view({ problems: [{ code: 'wrong-key', message: 'x' }] }))).toEqual({ level: 'error', label: 'Wrong key' });
    // The link state alone is enough (diagnostics before the problem list caught up).
    expect(meterHealth(view({ diagnostics: { link_state: 'auth-failed' } }))).toEqual({ level: 'error', label: 'Wrong key' });
    expect(meterHealth(view({ diagnostics: { link_state: 'no-reply' } }))).toEqual({ level: 'error', label: 'No reply' });
    expect(meterHealth(view({ problems: [{ code: 'stale', message: 'x' }] }))).toEqual({ level: 'error', label: 'Not reading' });
    expect(meterHealth(view({ problems: [{ code: 'update-failed', message: 'x' }] }))).toEqual({ level: 'warning', label: '1 problem' });
    expect(meterHealth(view({ online: null }))).toEqual({ level: 'unknown', label: 'Unknown' });
    expect(meterHealth(view({ state: null, stateAt: null }))).toEqual({ level: 'warning', label: 'No reading yet' });
  });
});

describe('[panel] settings with their current values', () => {
  test('the poll interval as set from the panel, else as seen between readings; compatibility only when known', () => {
    expect(meterSettings(view({}))).toEqual({ pollIntervalS: null, pollIntervalFrom: null, compatibility: null });
    expect(meterSettings(view({ stateIntervalMs: 9_700 }))).toEqual({ pollIntervalS: 10, pollIntervalFrom: 'seen', compatibility: null });
    expect(meterSettings(view({ stateIntervalMs: 9_700 }), { pollIntervalS: 30, compatibility: true }))
      .toEqual({ pollIntervalS: 30, pollIntervalFrom: 'set', compatibility: true });
  });
});

describe('[panel] chart points', () => {
  test('one point per step (the later reading wins), out-of-order ignored, older than the window dropped', () => {
    const pts: PowerPoint[] = [];
    appendPoint(pts, { t: 0, power_import: 1 });
    appendPoint(pts, { t: STEP_MS - 1, power_import: 2 });
    expect(pts).toEqual([{ t: STEP_MS - 1, power_import: 2 }]);
    appendPoint(pts, { t: STEP_MS, power_import: 3 });
    appendPoint(pts, { t: 10, power_import: 9 });
    expect(pts.map((p) => p.power_import)).toEqual([2, 3]);
    appendPoint(pts, { t: WINDOW_MS + STEP_MS, power_import: 4 });
    expect(pts.map((p) => p.power_import)).toEqual([3, 4]);
  });

  test('an hour of 1-second readings stays at 720 points', () => {
    const pts: PowerPoint[] = [];
    for (let s = 0; s < 2 * 3600; s++) appendPoint(pts, { t: s * 1000, power_import: s });
    expect(pts.length).toBeLessThanOrEqual(WINDOW_MS / STEP_MS + 1);
  });
});

describe('[panel] history route and live points', () => {
  let t: TestPanel;
  beforeAll(async () => {
    t = await startTestPanel('local');
  });
  afterAll(() => t.close());

  test('readings become points in the add-on (history) and on the event stream; settings sent show as current', async () => {
    const now = Date.now();
    t.registry.put(meterView('mep_c3', { state: { power_import: 100, power_export_l2: 7, voltage_l1: 230 }, stateAt: now - 20_000 }));
    const stream = await events(t.port);
    t.registry.patch('mep_c3', { state: { power_import: 200 }, stateAt: now });
    t.registry.patch('mep_c3', { name: 'renamed' }); // no new reading: no point
    expect(await stream.first('point')).toEqual({ deviceId: 'mep_c3', point: { t: now, power_import: 200 } });
    stream.close();
    const res = await t.call('GET', '/api/meters/mep_c3/history');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      windowMs: WINDOW_MS,
      points: [{ t: now - 20_000, power_import: 100, power_export_l2: 7 }, { t: now, power_import: 200 }],
    });
    expect((await t.call('GET', '/api/meters/nope/history')).status).toBe(404);

    const sent = await t.post('/api/meters/mep_c3/settings', { poll_interval_s: 20, compatibility: true });
    expect(sent.status).toBe(200);
    const m = (await t.call('GET', '/api/meters/mep_c3')).json();
    expect(m.settings).toEqual({ pollIntervalS: 20, pollIntervalFrom: 'set', compatibility: true });
    expect(m.health.level).toBe('ok');
  });

  test('a cleared name is refused with a message, not ignored', async () => {
    const res = await t.post('/api/meters/mep_c3/settings', { name: '' });
    expect(res.status).toBe(400);
    expect(res.json().fields).toEqual([expect.objectContaining({ field: 'name' })]);
  });
});
