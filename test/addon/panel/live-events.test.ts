// Live updates reach an open page as Server-Sent Events over plain HTTP (what ingress proxies).
import { request, IncomingMessage } from 'http';
import { meterView } from './fixtures';
import { startTestPanel, TestPanel } from './harness';
import { takeSseFrames } from '../../helpers/sse';

let t: TestPanel;
beforeAll(async () => {
  t = await startTestPanel('local');
  t.registry.put(meterView('mep_a1'));
});
afterAll(() => t.close());

interface Stream {
  res: IncomingMessage;
  next(event: string): Promise<unknown>;
  close(): void;
}

function openEvents(port: number): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/events' }, (res) => {
      let buffer = '';
      const waiting: { event: string; resolve: (v: unknown) => void }[] = [];
      const frames: { event: string; data: unknown }[] = [];
      const deliver = (): void => {
        for (const w of waiting.slice()) {
          const i = frames.findIndex((f) => f.event === w.event);
          if (i >= 0) {
            w.resolve(frames.splice(i, 1)[0]!.data);
            waiting.splice(waiting.indexOf(w), 1);
          }
        }
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const taken = takeSseFrames(buffer + chunk);
        buffer = taken.rest;
        frames.push(...taken.frames);
        deliver();
      });
      resolve({
        res,
        next: (event) => new Promise((r) => {
          waiting.push({ event, resolve: r });
          deliver();
        }),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

test('a new reading, a rollout step and a catalog change arrive on the open stream', async () => {
  const s = await openEvents(t.port);
  try {
    expect(s.res.statusCode).toBe(200);
    expect(s.res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(s.res.headers['cache-control']).toMatch(/no-cache/);
    const meter = s.next('meter');
    t.registry.reading('mep_a1', { energy_import: 1234.567, power_import: 850 });
    expect(await meter).toMatchObject({ deviceId: 'mep_a1', state: { energy_import: 1234.567, power_import: 850 }, linkStateName: 'Online' });

    const status = s.next('status');
    t.bus.emit('mqttConnection', { connected: false, error: 'connection refused' });
    expect(await status).toMatchObject({ mqtt: { connected: false, error: 'connection refused' }, ha: { available: true } });
    expect((await t.call('GET', '/api/status')).json().mqtt).toEqual({ connected: false, error: 'connection refused' });

    const removed = s.next('meterRemoved');
    t.bus.emit('meterRemoved', { deviceId: 'mep_gone' });
    expect(await removed).toEqual({ deviceId: 'mep_gone' });
  } finally {
    s.close();
  }
});

test('stop() ends open streams and removes the bus listeners', async () => {
  const other = await startTestPanel('local');
  const s = await openEvents(other.port);
  const ended = new Promise<void>((resolve) => s.res.on('close', () => resolve()));
  await other.close();
  await ended;
  other.bus.emit('meterChanged', { deviceId: 'x' });
  expect(other.busErrors).toEqual([]);
});
