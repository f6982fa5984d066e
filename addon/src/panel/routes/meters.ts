// Meter routes: list, one meter, MBK key, settings, restart, Energy dashboard. The MBK key is sent once to the
// device and forgotten: never stored, echoed or logged (issue 5; responses and logs say only "key sent").
import { FastifyInstance } from 'fastify';
import { CommandResult } from '../../../../discovery/contract';
import { parseKeyBody, parseSettingsBody, settingsCommand } from '../bodies';
import { ApiError, PanelDeps } from '../deps';
import { KnownSettings, panelMeter } from '../meter-view';

/** A device result without anything but its outcome (error texts are ASCII reasons, contract.ts CommandResult). */
function outcome(result: CommandResult): { ok: boolean; error?: string; restart?: boolean } {
  const out: { ok: boolean; error?: string; restart?: boolean } = { ok: result.ok };
  if (!result.ok && result.error) out.error = result.error;
  if (result.restart) out.restart = true;
  return out;
}

export function meterRoutes(app: FastifyInstance, deps: PanelDeps, sent: Map<string, KnownSettings> = new Map()): void {
  const known = (id: string): void => {
    if (!deps.registry.get(id)) throw new ApiError(404, 'no such meter');
  };

  const pairing = (id: string) => deps.pairing?.status(id) ?? null;
  app.get('/api/meters', async () => ({ meters: deps.registry.list().map((v) => panelMeter(v, sent.get(v.deviceId), pairing(v.deviceId))) }));

  app.get<{ Params: { id: string } }>('/api/meters/:id', async (req) => {
    const view = deps.registry.get(req.params.id);
    if (!view) throw new ApiError(404, 'no such meter');
    return panelMeter(view, sent.get(view.deviceId), pairing(view.deviceId));
  });

  app.post<{ Params: { id: string } }>('/api/meters/:id/key', async (req) => {
    const id = req.params.id;
    known(id);
    const body = parseKeyBody(req.body);
    if (!body.ok) throw new ApiError(400, 'the MBK key was not sent', body.errors);
    const result = await deps.commander.configure(id, { meter: { key: body.value.key } });
    deps.log.info(`panel: MBK key sent to ${id} (${result.ok ? 'accepted' : 'refused'})`);
    return { message: result.ok ? 'key sent' : 'key sent; the device refused it', warnings: body.value.warnings, result: outcome(result) };
  });

  app.post<{ Params: { id: string } }>('/api/meters/:id/settings', async (req) => {
    const id = req.params.id;
    known(id);
    const body = parseSettingsBody(req.body);
    if (!body.ok) throw new ApiError(400, 'the settings were not sent', body.errors);
    const result = await deps.commander.configure(id, settingsCommand(body.value));
    deps.log.info(`panel: settings sent to ${id} (${Object.keys(body.value).join(', ')})`);
    if (result.ok) {
      const next: KnownSettings = { ...sent.get(id) };
      if (body.value.pollIntervalS !== undefined) next.pollIntervalS = body.value.pollIntervalS;
      if (body.value.compatibility !== undefined) next.compatibility = body.value.compatibility;
      sent.set(id, next);
      deps.bus.emit('meterChanged', { deviceId: id });
    }
    return { message: result.ok ? 'settings sent' : 'the device refused the settings', result: outcome(result) };
  });

  app.post<{ Params: { id: string } }>('/api/meters/:id/restart', async (req) => {
    const id = req.params.id;
    known(id);
    const result = await deps.commander.restart(id);
    deps.log.info(`panel: restart sent to ${id}`);
    return { message: result.ok ? 'restarting' : 'the device did not restart', result: outcome(result) };
  });

  app.post<{ Params: { id: string } }>('/api/meters/:id/energy', async (req) => {
    const id = req.params.id;
    known(id);
    const status = deps.ha.status();
    if (!status.available || !status.connected) {
      throw new ApiError(503, status.reason ?? 'Home Assistant is not connected');
    }
    const result = await deps.ha.addToEnergy(id);
    return { message: result.message, ok: result.ok, added: result.added };
  });
}
