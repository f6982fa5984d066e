// The options as they may appear in the start-up log: every secret option (kind 'secret' in schema.ts) replaced by
// "***" when set ("" stays visibly empty). Which options are secret is read from the schema, so a new password
// option is redacted without touching this file.
import { Field, Group, isGroup, OPTIONS_SCHEMA } from './schema';
import { Options } from './types';

export const REDACTED = '***';

type Plain = { [key: string]: unknown };

export function redactOptions(options: Options): Plain {
  return redactGroup({ fields: OPTIONS_SCHEMA } as unknown as Group<Plain>, options as unknown as Plain);
}

function redactGroup(group: Group<Plain>, values: Plain): Plain {
  const out: Plain = {};
  for (const [key, value] of Object.entries(values)) {
    const node = group.fields[key] as Field | Group<Plain> | undefined;
    if (node === undefined) continue; // not in the schema: never printed (validated options have none)
    if (isGroup(node)) out[key] = redactGroup(node, (value ?? {}) as Plain);
    else out[key] = node.rule.kind === 'secret' && value !== '' ? REDACTED : value;
  }
  return out;
}

/** One line for the start-up log, e.g. `log_level=info mqtt.host=core-mosquitto mqtt.password=***`. */
export function describeOptions(options: Options): string {
  const parts: string[] = [];
  const walk = (values: Plain, prefix: string): void => {
    for (const [key, value] of Object.entries(values)) {
      if (typeof value === 'object' && value !== null) walk(value as Plain, `${prefix}${key}.`);
      else parts.push(`${prefix}${key}=${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
    }
  };
  walk(redactOptions(options), '');
  return parts.join(' ');
}
