// Pure payload builders (architecture-and-style.md C4/C5): the state and diagnostics JSON messages, plus the
// discovery builders of discovery-payload.ts. Numbers go through toFixed with the row's decimals, never
// JSON.stringify (espruino.md §1.4); strings are escaped to ASCII (json.ts).
import { EntityDescriptor, ENTITIES, StateTopic } from './entities';
import { isIsoTimestamp, jsonFixed, jsonString, prop } from './json';

export {
  buildDiscoveryPayload,
  discoveryChunk,
  discoveryChunkCount,
  discoveryChunks,
  discoveryLength,
  discoveryRemoval,
} from './discovery-payload';

/** Input of the builders: entity key -> value in the entity's unit. Other keys are ignored. */
export interface PayloadValues {
  [key: string]: number | string | null | undefined;
}

/** The JSON text of `value` for row `e`, or null when it must be omitted:
 *  - numeric rows: a finite number (NaN, Infinity, null, strings omitted); registers only when > 0, so an energy
 *    total is never published as 0 or garbage (home-assistant.md §0 #13, §4.2); negative values keep their sign;
 *  - string rows: a string; enum values must be one of the options; timestamps must be ISO 8601 with a zone. */
export function valueJson(e: EntityDescriptor, value: number | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (e.decimals !== undefined) {
    if (typeof value !== 'number' || !isFinite(value)) return null;
    const text = jsonFixed(value, e.decimals);
    // Checked after rounding: 0.0004 kWh prints as 0.000, which is a 0 too.
    if (e.register && !(parseFloat(text) > 0)) return null;
    return text;
  }
  if (typeof value !== 'string') return null;
  if (e.options !== undefined && e.options.indexOf(value) < 0) return null;
  if (e.device_class === 'timestamp' && !isIsoTimestamp(value)) return null;
  return jsonString(value);
}

/** The JSON message of `topic` from `values`: only valid values of that topic's rows, in table order. */
export function buildTopicPayload(topic: StateTopic, values: PayloadValues): string {
  const parts: string[] = [];
  for (let i = 0; i < ENTITIES.length; i++) {
    const e = ENTITIES[i] as EntityDescriptor;
    if (e.topic !== topic) continue;
    const json = valueJson(e, values[e.key]);
    if (json !== null) parts.push(prop(e.key, json));
  }
  return '{' + parts.join(',') + '}';
}

/** <base>/state (contract.ts StatePayload), one message per poll. */
export function buildStatePayload(values: PayloadValues): string {
  return buildTopicPayload('state', values);
}

/** <base>/diagnostics (contract.ts DiagnosticsPayload). */
export function buildDiagnosticsPayload(values: PayloadValues): string {
  return buildTopicPayload('diagnostics', values);
}

/** Empty payload: published retained on a discovery topic it removes the device (home-assistant.md §3.2). */
export const EMPTY_RETAINED_PAYLOAD = '';
