// The panel's fastify application without a listening socket: ingress guard, same-origin check, body parsers,
// error mapping, the JSON API, live updates (SSE) and the page. server.ts listens; tests may inject() into it.
import Fastify, { FastifyError, FastifyInstance } from 'fastify';
import { localHostHeader, peerAllowed, sameOriginProblem } from './access';
import { ApiError, JSON_BODY_LIMIT, PanelDeps } from './deps';
import { createLiveEvents, LiveEvents } from './live-events';
import { KnownSettings } from './meter-view';
import { createPowerHistory, WINDOW_MS } from './power-history';
import { assetRoutes, PanelAssets } from './routes/assets';
import { firmwareRoutes } from './routes/firmware';
import { meterRoutes } from './routes/meters';

/** Messages for errors fastify raises itself: its own texts may quote the request, so none is passed on. */
function genericMessage(status: number): string {
  if (status === 413) return 'the request body is too large';
  if (status === 415) return 'unsupported content type: send JSON (application/json)';
  if (status === 404) return 'not found';
  return 'bad request';
}

function securityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'");
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}

function guard(app: FastifyInstance, deps: PanelDeps): void {
  app.addHook('onRequest', async (req, reply) => {
    const peer = req.socket.remoteAddress;
    // Docker's HEALTHCHECK runs inside the container, so /health also answers the loopback address.
    const health = req.url === '/health' && peerAllowed('local', peer);
    if (!health && !peerAllowed(deps.mode, peer)) {
      reply.code(403).send({ error: deps.mode === 'addon' ? 'open this panel from Home Assistant (ingress only)' : 'local connections only' });
      return reply;
    }
    if (deps.mode === 'local' && !health && !localHostHeader(req.headers.host)) {
      reply.code(403).send({ error: 'open the panel as http://localhost (the Host header names another site)' });
      return reply;
    }
    if (req.method === 'POST') {
      const problem = sameOriginProblem(req.headers);
      if (problem) {
        reply.code(403).send({ error: problem });
        return reply;
      }
    }
    return undefined;
  });
}

function bodyParsers(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: JSON_BODY_LIMIT }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      // Never JSON.parse's message: it quotes the body, which may hold a key.
      done(new ApiError(400, 'the body is not valid JSON'), undefined);
    }
  });
  // Uploads: the raw stream goes to the route, which streams it on to the catalog.
  app.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
}

function errorHandling(app: FastifyInstance, deps: PanelDeps): void {
  app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
    if (err instanceof ApiError) {
      // An upload cut off mid-stream: close the connection instead of reading the rest of it.
      if (err.status === 413) reply.header('connection', 'close');
      reply.code(err.status).send(err.fields.length ? { error: err.message, fields: err.fields } : { error: err.message });
      return;
    }
    if (err.statusCode === 413) reply.header('connection', 'close');
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) deps.log.error(`panel: ${req.method} ${req.routeOptions.url ?? '?'} failed: ${err.name}`);
    reply.code(status).send({ error: status === 500 ? 'internal error: see the add-on log' : genericMessage(status) });
  });
  app.setNotFoundHandler((_req, reply) => {
    reply.code(404).send({ error: 'not found' });
  });
}

function statusRoutes(app: FastifyInstance, deps: PanelDeps, live: LiveEvents): void {
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/api/status', async () => ({ mqtt: live.link().mqtt, ha: deps.ha.status() }));
  app.get('/api/events', (_req, reply) => {
    reply.hijack();
    live.attach(reply.raw);
  });
}

export interface PanelApp {
  app: FastifyInstance;
  live: LiveEvents;
  /** Closes the live-event streams and the app. */
  close(): Promise<void>;
}

export function createPanelApp(deps: PanelDeps, assets: PanelAssets): PanelApp {
  const app = Fastify({
    logger: false,
    bodyLimit: JSON_BODY_LIMIT,
    trustProxy: false,
    // stop() must not wait for a stuck upload or an open event stream.
    forceCloseConnections: true,
  });
  // Settings the panel sent and the device accepted, so the form shows them (memory only).
  const known = new Map<string, KnownSettings>();
  const live = createLiveEvents(deps, deps.bus, (id) => known.get(id));
  const history = createPowerHistory(deps.registry, deps.bus, (id, point) => live.point(id, point));
  guard(app, deps);
  securityHeaders(app);
  bodyParsers(app);
  errorHandling(app, deps);
  statusRoutes(app, deps, live);
  meterRoutes(app, deps, known);
  app.get<{ Params: { id: string } }>('/api/meters/:id/history', async (req) => {
    if (!deps.registry.get(req.params.id)) throw new ApiError(404, 'no such meter');
    return { windowMs: WINDOW_MS, points: history.points(req.params.id) };
  });
  firmwareRoutes(app, deps);
  assetRoutes(app, assets);
  return {
    app,
    live,
    async close() {
      history.close();
      live.close();
      await app.close();
    },
  };
}
