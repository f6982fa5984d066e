// Live updates for the page as Server-Sent Events (plain HTTP streaming, which ingress proxies; §2.4). One set of
// bus listeners per server, fanned out to every open page.
import { ServerResponse } from 'http';
import { EventBus } from '../bus';
import { PanelDeps } from './deps';
import { KnownSettings, panelMeter } from './meter-view';
import { PowerPoint } from './power-history';

export interface LinkStatus {
  mqtt: { connected: boolean | null; error?: string };
}

const BUS_OWNER = 'panel';
const HEARTBEAT_MS = 15000;

export interface LiveEvents {
  /** Takes over a response and streams events into it until the client goes away. */
  attach(res: ServerResponse): void;
  /** Last MQTT connection state seen on the bus. */
  link(): LinkStatus;
  clients(): number;
  /** A new chart point for one meter (power-history.ts). */
  point(deviceId: string, point: PowerPoint): void;
  close(): void;
}

export function createLiveEvents(
  deps: Pick<PanelDeps, 'registry' | 'catalog' | 'rollouts' | 'ha' | 'log' | 'pairing'>,
  bus: EventBus,
  known: (deviceId: string) => KnownSettings | undefined = () => undefined,
): LiveEvents {
  const open = new Set<ServerResponse>();
  const link: LinkStatus = { mqtt: { connected: null } };

  const send = (event: string, data: unknown): void => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of open) res.write(frame);
  };

  bus.on(BUS_OWNER, 'meterChanged', ({ deviceId }) => {
    const view = deps.registry.get(deviceId);
    if (view) send('meter', panelMeter(view, known(deviceId), deps.pairing?.status(deviceId) ?? null));
  });
  bus.on(BUS_OWNER, 'meterRemoved', ({ deviceId }) => send('meterRemoved', { deviceId }));
  bus.on(BUS_OWNER, 'rolloutChanged', ({ rolloutId }) => {
    const view = deps.rollouts.get(rolloutId);
    if (view) send('rollout', view);
  });
  bus.on(BUS_OWNER, 'catalogChanged', () => send('catalog', { entries: deps.catalog.list() }));
  bus.on(BUS_OWNER, 'mqttConnection', ({ connected, error }) => {
    link.mqtt = error ? { connected, error } : { connected };
    send('status', { mqtt: link.mqtt, ha: deps.ha.status() });
  });
  bus.on(BUS_OWNER, 'haConnection', () => send('status', { mqtt: link.mqtt, ha: deps.ha.status() }));

  const heartbeat = setInterval(() => {
    for (const res of open) res.write(': keep-alive\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    attach(res) {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        // Proxies (nginx-style) must not buffer the stream.
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      res.write('retry: 3000\n\n');
      open.add(res);
      const drop = (): void => {
        open.delete(res);
      };
      res.on('close', drop);
      res.on('error', drop);
    },
    link: () => link,
    clients: () => open.size,
    point: (deviceId, point) => send('point', { deviceId, point }),
    close() {
      clearInterval(heartbeat);
      bus.removeListeners(BUS_OWNER);
      for (const res of open) res.end();
      open.clear();
    },
  };
}
