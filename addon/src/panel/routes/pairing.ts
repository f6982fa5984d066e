// Pairing routes (DOCS.md "Security: pairing and commands"): whether a meter is paired, pair it with the code shown
// on the module's page, forget it. The code is never echoed or logged; errors are plain reasons.
import { FastifyInstance } from 'fastify';
import { Pairing } from '../../pairing/pairing-service';
import { ApiError, PanelDeps } from '../deps';

const MAX_CODE_LENGTH = 32;

export function pairingRoutes(app: FastifyInstance, deps: PanelDeps, pairing: Pairing): void {
  const known = (id: string): void => {
    if (!deps.registry.get(id)) throw new ApiError(404, 'no such meter');
  };

  app.get<{ Params: { id: string } }>('/api/meters/:id/pairing', async (req) => {
    known(req.params.id);
    return pairing.status(req.params.id);
  });

  app.post<{ Params: { id: string } }>('/api/meters/:id/pair', async (req) => {
    const id = req.params.id;
    known(id);
    const code = (req.body as { code?: unknown } | null)?.code;
    if (typeof code !== 'string' || code.length === 0 || code.length > MAX_CODE_LENGTH) {
      throw new ApiError(400, 'the meter was not paired', [{ field: 'code', message: 'enter the code shown on the module\'s page' }]);
    }
    const outcome = await pairing.pair(id, code);
    if (!outcome.ok) throw new ApiError(409, outcome.error);
    deps.bus.emit('meterChanged', { deviceId: id });
    return { message: 'paired', ...pairing.status(id) };
  });

  app.post<{ Params: { id: string } }>('/api/meters/:id/unpair', async (req) => {
    const id = req.params.id;
    known(id);
    const done = pairing.unpair(id);
    deps.bus.emit('meterChanged', { deviceId: id });
    return { message: done ? 'no longer paired' : 'was not paired', paired: false };
  });
}
