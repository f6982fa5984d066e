// Firmware routes: the catalog, uploads (raw body, streamed to catalog.add), rollouts ("update" and "update all").
import { FastifyInstance } from 'fastify';
import { Readable } from 'stream';
import { PackageRejected } from '../../backend';
import { parseRolloutBody } from '../bodies';
import { ApiError, PanelDeps, UPLOAD_LIMIT } from '../deps';
import { byteLimit, TooLarge, uploadNameProblem } from '../upload';

export function firmwareRoutes(app: FastifyInstance, deps: PanelDeps): void {
  const catalogView = (): unknown => ({
    entries: deps.catalog.list(),
    latest: { bin: deps.catalog.latest('bin')?.id ?? null, wwws: deps.catalog.latest('wwws')?.id ?? null },
  });

  app.get('/api/firmware', async () => catalogView());

  app.post<{ Querystring: { name?: string } }>('/api/firmware', async (req, reply) => {
    const name = req.query.name;
    const problem = uploadNameProblem(name);
    if (problem) throw new ApiError(400, problem);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > UPLOAD_LIMIT) throw new ApiError(413, `the package is larger than ${UPLOAD_LIMIT} bytes`);
    if (!(req.body instanceof Readable)) throw new ApiError(415, 'send the package as application/octet-stream');
    const limit = byteLimit(UPLOAD_LIMIT);
    const limited = req.body.pipe(limit);
    req.body.on('error', (err) => limited.destroy(err));
    try {
      const entry = await deps.catalog.add(name as string, limited);
      deps.log.info(`panel: package ${entry.fileName} (${entry.kind} ${entry.version}) added to the catalog`);
      reply.code(201);
      return entry;
    } catch (err) {
      // However the catalog reports a broken stream, a cut-off upload is "too large".
      if (err instanceof TooLarge || limit.errored instanceof TooLarge) throw new ApiError(413, `the package is larger than ${UPLOAD_LIMIT} bytes`);
      if (err instanceof PackageRejected) {
        deps.log.warn(`panel: upload ${name as string} rejected: ${err.message}`);
        throw new ApiError(400, `the package was rejected: ${err.message}`);
      }
      throw err;
    }
  });

  app.post<{ Params: { id: string } }>('/api/firmware/:id/remove', async (req) => {
    const entry = deps.catalog.get(req.params.id);
    if (!entry) throw new ApiError(404, 'no such package');
    if (entry.source !== 'uploaded') throw new ApiError(400, 'packages shipped with the add-on cannot be removed');
    await deps.catalog.remove(entry.id);
    return { message: 'removed' };
  });

  app.get('/api/rollouts', async () => ({ rollouts: deps.rollouts.list() }));

  app.post('/api/rollouts', async (req, reply) => {
    const body = parseRolloutBody(req.body);
    if (!body.ok) throw new ApiError(400, 'the update was not started', body.errors);
    if (!deps.catalog.get(body.value.entryId)) throw new ApiError(404, 'no such package');
    for (const id of body.value.deviceIds) if (!deps.registry.get(id)) throw new ApiError(404, 'no such meter');
    const view = deps.rollouts.start(body.value.entryId, body.value.deviceIds);
    deps.log.info(`panel: update ${view.id} started (${view.devices.length} meter(s), ${view.kind} ${view.version})`);
    reply.code(201);
    return view;
  });

  app.post<{ Params: { id: string } }>('/api/rollouts/:id/cancel', async (req) => {
    if (!deps.rollouts.get(req.params.id)) throw new ApiError(404, 'no such update');
    return { cancelled: deps.rollouts.cancel(req.params.id) };
  });
}
