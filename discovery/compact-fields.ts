// The state and diagnostics fields of the entity table as one compact string per message, for the firmware: an object
// tree of ~50 rows costs ~1,800 Espruino JsVars resident (measured on the real interpreter), a string a handful
// (espruino.md §3, "data tables as compact strings"). The firmware build computes the strings from ENTITIES
// (slot data "stf" / "dgf", device/build/modules.ts), so the entity table stays the one source; unbundled code computes
// them here. Row format: key:decimals:flags:options, rows joined by ';' (decimals empty for strings; flags r =
// register, t = timestamp; options joined by '|').
import { EntityDescriptor, ENTITIES, StateTopic } from './entities';
import { valueJson, PayloadValues } from './payloads';
import { prop } from './json';

export function compactFieldTable(topic: StateTopic): string {
  const rows: string[] = [];
  for (let i = 0; i < ENTITIES.length; i++) {
    const e = ENTITIES[i] as EntityDescriptor;
    if (e.topic !== topic) continue;
    const flags = (e.register ? 'r' : '') + (e.device_class === 'timestamp' ? 't' : '');
    rows.push(`${e.key}:${e.decimals === undefined ? '' : e.decimals}:${flags}:${e.options ? e.options.join('|') : ''}`);
  }
  return rows.join(';');
}

/** The JSON message of a compact field table: the same text as buildTopicPayload() for that topic. */
export function compactPayload(table: string, values: PayloadValues): string {
  const rows = table.split(';');
  let out = '';
  for (let i = 0; i < rows.length; i++) {
    const f = (rows[i] as string).split(':');
    const key = f[0] as string;
    const row = {
      decimals: f[1] === '' ? undefined : parseInt(f[1] as string, 10),
      register: (f[2] as string).indexOf('r') >= 0,
      device_class: (f[2] as string).indexOf('t') >= 0 ? 'timestamp' : undefined,
      options: f[3] === '' ? undefined : (f[3] as string).split('|'),
    } as unknown as EntityDescriptor;
    const json = valueJson(row, values[key]);
    if (json !== null) out += (out ? ',' : '') + prop(key, json);
  }
  return '{' + out + '}';
}
