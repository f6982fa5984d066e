// "Add to Energy dashboard" (HomeAssistant.addToEnergy): energy/get_prefs → merge the meter in the running
// version's format (energy.ts) → energy/save_prefs with the complete energy_sources list (home-assistant.md §4.3).
// Calls are serialised so two clicks cannot interleave a read and a write.
import { EnergyResult, HaStatus, HomeAssistant, MeterRegistry } from '../backend';
import { currentEntityIds } from './entity-ids';
import { Logger } from '../service';
import { HaError, HaLink } from './connection';
import { describeEnergyIssues } from './energy-validation';
import { detectFormat, EnergyPrefs, meterEnergyEntities, mergeMeterIntoSources } from './energy';

export interface EnergyServiceDeps {
  ha: HaLink;
  registry: MeterRegistry;
  log: Logger;
}

export class EnergyService implements HomeAssistant {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: EnergyServiceDeps) {}

  status(): HaStatus {
    return this.deps.ha.status();
  }

  addToEnergy(deviceId: string): Promise<EnergyResult> {
    const run = this.queue.then(() => this.add(deviceId));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async add(deviceId: string): Promise<EnergyResult> {
    const status = this.deps.ha.status();
    if (!status.available || !status.connected) {
      return fail(status.reason ?? 'Home Assistant is not connected');
    }
    const meter = this.deps.registry.get(deviceId);
    if (meter === null) return fail(`No meter ${deviceId} is known`);
    // A sensor the user renamed is wired under its name now (the entity registry keeps the link, entity-ids.ts).
    const ids = await currentEntityIds(this.deps.ha, deviceId, meter.entityIds, (m) =>
      this.deps.log.debug(`Energy dashboard: the entity registry did not answer (${m}): discovery's entity ids used`));
    const entities = meterEnergyEntities(ids);
    if (entities === null) {
      return fail(`${meter.name} has not announced its energy sensors yet (waiting for its discovery message)`);
    }
    try {
      const prefs = await this.getPrefs();
      const merge = mergeMeterIntoSources(prefs.energy_sources, entities, detectFormat(prefs.energy_sources, status.version), status.version);
      const kept = merge.skipped.map((s) => `${s.entityId} left out: ${s.reason}`).join('; ');
      if (!merge.changed) {
        const message = `${meter.name} is already on the Energy dashboard${kept === '' ? '' : ` (${kept})`}`;
        return { ok: true, message, added: [] };
      }
      await this.deps.ha.send({ type: 'energy/save_prefs', energy_sources: merge.sources });
      this.deps.log.info(`Energy dashboard: added ${merge.added.join(', ')} (${merge.format} format)`);
      const issues = await this.issuesOf(merge.added);
      const notes = [kept, ...issues].filter((n) => n !== '').join('; ');
      const message = `Added ${meter.name} to the Energy dashboard: ${merge.added.join(', ')}${notes === '' ? '' : `. ${notes}`}`;
      return { ok: true, message, added: merge.added };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.deps.log.warn(`Energy dashboard: ${reason}`);
      if (err instanceof HaError && err.code === 'unexpected_prefs') return fail(reason);
      if (err instanceof HaError && err.code === 'invalid_format') return fail(`Home Assistant did not accept the change: ${reason}`);
      return fail(`The Energy dashboard was not changed: ${reason}`);
    }
  }

  /** What energy/validate says about the entities just added; nothing when it cannot tell (advisory, §4.3). */
  private async issuesOf(added: string[]): Promise<string[]> {
    try {
      return describeEnergyIssues(await this.deps.ha.send<unknown>({ type: 'energy/validate' }), added);
    } catch {
      return [];
    }
  }

  /** Current prefs; HA answers not_found ("No prefs") until the dashboard was configured once. */
  private async getPrefs(): Promise<EnergyPrefs> {
    try {
      const prefs = await this.deps.ha.send<unknown>({ type: 'energy/get_prefs' });
      if (!isPrefs(prefs)) {
        throw new HaError('unexpected_prefs', 'Home Assistant sent Energy preferences this add-on does not understand; nothing was changed');
      }
      return prefs;
    } catch (err) {
      if (err instanceof HaError && err.code === 'not_found') return { energy_sources: [], device_consumption: [] };
      throw err;
    }
  }
}

/** The shape energy.ts relies on: a list of sources, each an object with a string `type`. */
function isPrefs(value: unknown): value is EnergyPrefs {
  if (value === null || typeof value !== 'object') return false;
  const sources = (value as { energy_sources?: unknown }).energy_sources;
  return Array.isArray(sources) && sources.every((s: unknown) =>
    s !== null && typeof s === 'object' && !Array.isArray(s) && typeof (s as { type?: unknown }).type === 'string');
}

function fail(message: string): EnergyResult {
  return { ok: false, message, added: [] };
}
