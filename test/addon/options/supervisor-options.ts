// A second, independent reading of config.yaml's options `schema:`: the Supervisor's own rules
// (supervisor/apps/options.py, AppOptions and RE_SCHEMA_ELEMENT, @ 090ef31e; home-assistant.md §1.3) restated for
// what can end up in /data/options.json. The Supervisor writes the *output* of its validation there, so a value is
// accepted here when the Supervisor accepts it AND writes it back unchanged: `5` for int, never `"5"` (coerced),
// no unknown keys (dropped with a warning), no `!secret x` (resolved). Used only by tests, to check that
// addon/src/options (the TypeScript validation) agrees with config.yaml.

/** The Supervisor's grammar of one schema element, transcribed from RE_SCHEMA_ELEMENT. */
const RE_SCHEMA_ELEMENT = new RegExp(
  '^(?:' +
    '|bool' +
    '|email' +
    '|url' +
    '|port' +
    '|device(?:\\((?<filter>subsystem=[a-z]+)\\))?' +
    '|str(?:\\((?<s_min>\\d+)?,(?<s_max>\\d+)?\\))?' +
    '|password(?:\\((?<p_min>\\d+)?,(?<p_max>\\d+)?\\))?' +
    '|int(?:\\((?<i_min>-?\\d+)?,(?<i_max>-?\\d+)?\\))?' +
    '|float(?:\\((?<f_min>-?\\d*\\.?\\d+)?,(?<f_max>-?\\d*\\.?\\d+)?\\))?' +
    '|match\\((?<match>.*)\\)' +
    '|list\\((?<list>.+)\\)' +
    ')\\??$',
);

export type SchemaNode = string | { [key: string]: SchemaNode } | SchemaNode[];

export function isValidTypeString(typ: string): boolean {
  return RE_SCHEMA_ELEMENT.test(typ);
}

/** Paths the Supervisor would reject (or rewrite) in `options`; empty when it writes them back unchanged. */
export function supervisorRejects(schema: { [key: string]: SchemaNode }, options: unknown): string[] {
  const bad: string[] = [];
  checkDict(schema, options, '', bad);
  return bad;
}

function checkDict(schema: { [key: string]: SchemaNode }, value: unknown, path: string, bad: string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    bad.push(path); // "Invalid dict for option"
    return;
  }
  const record = value as { [key: string]: unknown };
  for (const key of Object.keys(record)) {
    const at = path === '' ? key : `${path}.${key}`;
    const typ = schema[key];
    if (!Object.prototype.hasOwnProperty.call(schema, key) || typ === undefined) bad.push(at); // dropped
    else checkElement(typ, record[key], at, bad);
  }
  // _check_missing_options: a missing key is fine only for a type string ending in '?'.
  for (const [key, typ] of Object.entries(schema)) {
    if (Object.prototype.hasOwnProperty.call(record, key)) continue;
    const element = Array.isArray(typ) ? typ[0] : typ;
    if (!(typeof element === 'string' && element.endsWith('?'))) bad.push(path === '' ? key : `${path}.${key}`);
  }
}

function checkElement(typ: SchemaNode, value: unknown, path: string, bad: string[]): void {
  if (Array.isArray(typ)) throw new Error(`${path}: list options are not used by this add-on; extend the reference`);
  if (typeof typ === 'object') return checkDict(typ, value, path, bad);
  if (!acceptsUnchanged(typ, value)) bad.push(path);
}

/** _single_validate, restricted to values it returns unchanged. */
export function acceptsUnchanged(typ: string, value: unknown): boolean {
  if (value === null || value === undefined) return false; // "Missing required option"
  if (typeof value === 'string' && value.startsWith('!secret ')) return false; // replaced by the secret's value
  const m = RE_SCHEMA_ELEMENT.exec(typ);
  if (!m) throw new Error(`unknown type ${typ}`);
  const g = m.groups ?? {};
  const range = (min?: string, max?: string) => ({ min: min ? Number(min) : undefined, max: max ? Number(max) : undefined });
  if (typ.startsWith('str') || typ.startsWith('password')) {
    // vol.All(str(value), vol.Range(**range_args)): the literal only equals a string value, and vol.Range on a
    // string raises TypeError → Invalid, so any length bound makes every value invalid.
    const r = typ.startsWith('str') ? range(g.s_min, g.s_max) : range(g.p_min, g.p_max);
    return typeof value === 'string' && r.min === undefined && r.max === undefined;
  }
  if (typ.startsWith('int')) return isIntegerIn(value, range(g.i_min, g.i_max));
  if (typ.startsWith('port')) return isIntegerIn(value, { min: 1, max: 65535 }); // validate.network_port
  if (typ.startsWith('bool')) return typeof value === 'boolean';
  if (typ.startsWith('match')) return typeof value === 'string' && pythonReMatch(g.match ?? '', value);
  if (typ.startsWith('list')) return typeof value === 'string' && (g.list ?? '').split('|').includes(value);
  throw new Error(`type ${typ} is not used by this add-on; extend the reference`);
}

function isIntegerIn(value: unknown, r: { min?: number; max?: number }): boolean {
  if (typeof value !== 'number' || !Number.isInteger(value)) return false; // vol.Coerce(int) would rewrite it
  return (r.min === undefined || value >= r.min) && (r.max === undefined || value <= r.max);
}

/** Python `re.match(pattern, text)`: anchored at the start only; `$` also matches before a final newline; `\Z`
 *  is the end of the text. Only the regex subset whose meaning is the same in both languages is allowed. */
export function pythonReMatch(pattern: string, text: string): boolean {
  let js = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      i++;
      if (!inClass && next === 'Z') js += '(?![\\s\\S])';
      else if ('dwsbDWSBAzZ'.includes(next)) throw new Error(`\\${next} differs between Python and JavaScript; avoid it in config.yaml`);
      else js += '\\' + next;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      js += c;
    } else if (c === '[') {
      inClass = true;
      js += c;
    } else if (c === '$') {
      js += '(?=\\n?(?![\\s\\S]))';
    } else {
      js += c;
    }
  }
  const re = new RegExp(js, 'y');
  re.lastIndex = 0;
  return re.test(text);
}
