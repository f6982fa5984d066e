// Validates raw options (the parsed /data/options.json) against OPTIONS_SCHEMA in one pass and returns a frozen,
// typed object, or throws an OptionsError listing every problem with its path. Pure: no I/O.
// Messages never contain the value of a secret option or of an unknown key (a mistyped "pasword" is still a
// password); other values are quoted, shortened, to help the user find the typo.
import { Field, Group, isGroup, OPTIONS_SCHEMA, Rule } from './schema';
import { Options } from './types';

export interface OptionProblem {
  /** Dotted path of the option, e.g. `mqtt.port`; '' for the options object itself. */
  path: string;
  message: string;
}

export class OptionsError extends Error {
  constructor(
    readonly problems: readonly OptionProblem[],
    source = 'the add-on options',
  ) {
    super(`Invalid ${source}:\n` + problems.map((p) => `  ${p.path || '(options)'}: ${p.message}`).join('\n'));
    this.name = 'OptionsError';
  }
}

type Plain = { [key: string]: unknown };

/** `source` names where the options came from in the error message, e.g. "/data/options.json". */
export function validateOptions(raw: unknown, source?: string): Options {
  const problems: OptionProblem[] = [];
  const out = checkGroup({ fields: OPTIONS_SCHEMA } as unknown as Group<Plain>, raw, '', problems);
  if (problems.length > 0) throw new OptionsError(problems, source);
  return deepFreeze(out) as unknown as Options;
}

function checkGroup(group: Group<Plain>, raw: unknown, path: string, problems: OptionProblem[]): Plain {
  const out: Plain = {};
  if (!isPlainObject(raw)) {
    problems.push({ path, message: `expected a group of options (an object), got ${describeType(raw)}` });
    return out;
  }
  const known = Object.keys(group.fields);
  for (const key of Object.keys(raw)) {
    if (!Object.prototype.hasOwnProperty.call(group.fields, key)) {
      problems.push({ path: join(path, key), message: `unknown option (known here: ${known.join(', ')})` });
    }
  }
  for (const key of known) {
    const node = group.fields[key] as Field | Group<Plain>;
    const at = join(path, key);
    const present = Object.prototype.hasOwnProperty.call(raw, key);
    if (isGroup(node)) {
      // A group is never optional in config.yaml (its default is `{}` or its required fields).
      if (!present) problems.push({ path: at, message: 'missing (a group of options is required)' });
      else out[key] = checkGroup(node, raw[key], at, problems);
      continue;
    }
    if (!present) {
      if (!node.optional) problems.push({ path: at, message: 'missing (this option is required)' });
      continue;
    }
    const problem = checkValue(node.rule, raw[key]);
    if (problem === null) out[key] = raw[key];
    else problems.push({ path: at, message: problem });
  }
  return out;
}

/** null when `value` is a valid value for `rule`, else what is wrong. */
export function checkValue(rule: Rule, value: unknown): string | null {
  const shown = rule.kind === 'secret' ? describeType(value) : describeValue(value);
  switch (rule.kind) {
    case 'choice':
      return typeof value === 'string' && rule.values.includes(value) ? null : `expected one of ${rule.values.join(', ')}, got ${shown}`;
    case 'text':
    case 'secret':
    case 'pattern': {
      if (typeof value !== 'string') return `expected text, got ${shown}`;
      // The Supervisor replaces `!secret name` with the value from secrets.yaml before writing options.json.
      if (value.startsWith('!secret ')) return 'a "!secret" reference is resolved only by the Home Assistant Supervisor; give the value itself';
      if (rule.kind === 'pattern' && !rule.pattern.test(value)) return `expected ${rule.hint}, got ${shown}`;
      if (rule.kind === 'secret' && rule.minLength !== undefined && value.length < rule.minLength) {
        return `must be at least ${rule.minLength} characters long (got ${value.length})`;
      }
      return null;
    }
    case 'port':
      return isIntegerIn(value, 1, 65535) ? null : `expected a port number from 1 to 65535, got ${shown}`;
    case 'integer':
      return isIntegerIn(value, rule.min, rule.max) ? null : `expected a whole number from ${rule.min} to ${rule.max}, got ${shown}`;
    case 'flag':
      return typeof value === 'boolean' ? null : `expected true or false, got ${shown}`;
  }
}

function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a number with a fraction';
  if (typeof value === 'boolean') return 'true/false';
  return typeof value === 'object' ? 'a group of options (an object)' : typeof value;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const text = JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
    return `text ${text}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `${describeType(value)} (${String(value)})`;
  return describeType(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
