// The energy entities' ids as Home Assistant knows them now (issue 13 backfill). Discovery proposes an entity id
// (default_entity_id), but the user may rename the entity (or Home Assistant may have added "_2" to a taken one);
// the recorder then renames its statistics with it (recorder: statistic_id follows entity_registry_updated). The
// entity registry keeps the link: our entities are platform "mqtt" with unique_id "<device id>_<key>"
// (discovery-payload.ts uniqueId). `config/entity_registry/list` answers every entry in Core's as_partial_dict shape
// (homeassistant/helpers/entity_registry.py: entity_id, platform, unique_id, …); `config/entity_registry/get` takes
// an entity id only, so it cannot find a renamed one.
import { uniqueId } from '../../../discovery/discovery-payload';
import { HaLink } from './connection';

interface RegistryEntry {
  entity_id?: unknown;
  platform?: unknown;
  unique_id?: unknown;
}

/** Entity id by unique id, for the MQTT entities among `uniqueIds` that the registry holds. */
export async function registryEntityIds(ha: HaLink, uniqueIds: string[]): Promise<Map<string, string>> {
  const wanted = new Set(uniqueIds);
  const list = await ha.send<unknown>({ type: 'config/entity_registry/list' });
  const out = new Map<string, string>();
  if (!Array.isArray(list)) return out;
  for (const e of list as RegistryEntry[]) {
    if (e && e.platform === 'mqtt' && typeof e.unique_id === 'string' && wanted.has(e.unique_id) && typeof e.entity_id === 'string') {
      out.set(e.unique_id, e.entity_id);
    }
  }
  return out;
}

/** A meter's entity ids (key → the id discovery proposed) as Home Assistant names them now: renamed ones followed
 *  through the registry, the rest as proposed. Without an answer from the registry, discovery's ids (`onError`). */
export async function currentEntityIds(
  ha: HaLink, deviceId: string, proposed: { [key: string]: string }, onError: (message: string) => void,
): Promise<{ [key: string]: string }> {
  const keys = Object.keys(proposed);
  let found: Map<string, string>;
  try {
    found = await registryEntityIds(ha, keys.map((k) => uniqueId(deviceId, k)));
  } catch (err) {
    onError((err as Error).message);
    return proposed;
  }
  const out: { [key: string]: string } = {};
  for (const k of keys) out[k] = found.get(uniqueId(deviceId, k)) ?? (proposed[k] as string);
  return out;
}
