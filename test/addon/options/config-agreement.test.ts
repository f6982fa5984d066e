// config.yaml's options `schema:` (what the Supervisor lets into /data/options.json) and the add-on's own
// validation (addon/src/options) must accept and reject the same values, for every option: otherwise a user can
// save options in Home Assistant that the add-on then refuses at start, or the add-on trusts what it never checked.
import fc from 'fast-check';
import { readFileSync } from 'fs';
import { resolve } from 'path';
import { parse } from 'yaml';
import { OptionsError, validateOptions } from '../../../addon/src/options';
import { DEVICE_PASSWORD_MIN } from '../../../addon/src/options/schema';
import { isValidTypeString, pythonReMatch, SchemaNode, supervisorRejects } from './supervisor-options';

type Plain = { [key: string]: unknown };
const config = parse(readFileSync(resolve(__dirname, '../../../config.yaml'), 'utf8')) as {
  options: Plain;
  schema: { [key: string]: SchemaNode };
};

/** Every option in config.yaml's schema: its dotted path and Supervisor type string. */
function leaves(schema: { [key: string]: SchemaNode }, prefix = ''): { path: string; typ: string }[] {
  return Object.entries(schema).flatMap(([key, node]) => {
    const path = prefix + key;
    if (typeof node === 'string') return [{ path, typ: node }];
    if (Array.isArray(node)) throw new Error(`${path}: lists are not expected`);
    return leaves(node, path + '.');
  });
}
const LEAVES = leaves(config.schema);
const GROUPS = Object.keys(config.schema).filter((k) => typeof config.schema[k] === 'object');

/** A valid value for a type string (used to fill in the optional options for the "everything set" baseline). */
function sampleValue(typ: string): unknown {
  const t = typ.replace(/\?$/, '');
  if (t === 'port') return 1884;
  if (t === 'bool') return true;
  if (t.startsWith('int')) return 5;
  if (t.startsWith('list(')) return t.slice(5, -1).split('|')[0];
  if (t.startsWith('match(')) return 'broker.local';
  if (t.startsWith('password')) return 'some long password';
  return 'some text';
}

function withValue(base: Plain, path: string, value: unknown): Plain {
  const copy = structuredClone(base);
  const keys = path.split('.');
  let target: Plain = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Plain;
  const last = keys[keys.length - 1] as string;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

const DEFAULTS = config.options;
const EVERYTHING_SET = LEAVES.reduce((acc, { path, typ }) => withValue(acc, path, sampleValue(typ)), DEFAULTS);

/** Values that probe one type string: its boundaries and near misses, plus any JSON at all, plus "absent". */
function valuesFor(typ: string): fc.Arbitrary<unknown> {
  const t = typ.replace(/\?$/, '');
  const generic = fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.constant(null), fc.constant('!secret mqtt_password'));
  const specific: fc.Arbitrary<unknown>[] = [];
  if (t === 'port') specific.push(fc.integer({ min: -3, max: 70000 }), fc.constantFrom(0, 1, 65535, 65536, 1.5, '1883'));
  if (t.startsWith('int')) {
    const [min, max] = t.slice(4, -1).split(',').map(Number) as [number, number];
    specific.push(fc.integer({ min: min - 3, max: max + 3 }), fc.constantFrom(min - 1, min, max, max + 1, 0.5, '5', true));
  }
  if (t === 'bool') specific.push(fc.boolean(), fc.constantFrom('true', 'false', 0, 1, 'on'));
  if (t.startsWith('list(')) {
    const items = t.slice(5, -1).split('|');
    specific.push(fc.constantFrom(...items, ...items.map((i) => i.toUpperCase()), ...items.map((i) => ` ${i}`), ...items.map((i) => `${i}\n`)));
  }
  if (t.startsWith('match(') || t.startsWith('str') || t.startsWith('password')) {
    const unit = fc.constantFrom(...'aZ09._:-[]@ /\n\té'.split(''), 'mep_', 'MEP_');
    const plain = fc.constantFrom(...'aZ09._-'.split('')); // characters every text option allows: probes lengths
    specific.push(
      fc.string({ unit: plain, maxLength: 70 }),
      fc.string({ unit: plain, minLength: 245, maxLength: 260 }),
      // each {min,max} bound of a pattern, exactly and one past it
      fc.constantFrom(...[...t.matchAll(/\{(\d+),(\d+)\}/g)].flatMap((m) => [Number(m[1]), Number(m[2])]).flatMap((n) => [n - 1, n, n + 1]).filter((n) => n >= 0), 1)
        .chain((length) => fc.string({ unit: plain, minLength: length, maxLength: length })),
      fc.string({ unit, maxLength: 70 }),
      fc.string({ unit, minLength: 240, maxLength: 260 }),
      fc.constantFrom('', 'core-mosquitto', '192.168.1.10', 'fe80::1', '[::1]', 'mqtt://host', 'host:1883', 'host\n', 'mep_aabbcc', 'admin'),
    );
  }
  return fc.oneof(generic, ...specific);
}

/** Where the add-on is deliberately stricter than the Supervisor can be: it cannot bound a password's length
 *  (vol.Range, see the first test), so a shared device password under DEVICE_PASSWORD_MIN characters passes the
 *  Supervisor's form and the add-on refuses it at start with the option's path (issue 11 attack 4). */
function addonStricter(path: string, value: unknown): boolean {
  return path === 'embedded_broker.device_password' && typeof value === 'string' && value.length < DEVICE_PASSWORD_MIN;
}

function tsAccepts(options: Plain): { ok: true; value: unknown } | { ok: false; paths: string[] } {
  try {
    return { ok: true, value: validateOptions(options) };
  } catch (err) {
    if (!(err instanceof OptionsError)) throw err;
    return { ok: false, paths: err.problems.map((p) => p.path) };
  }
}

describe('config.yaml schema and the add-on options validation agree', () => {
  test('every type string is in the Supervisor grammar, and no str/password carries a length range', () => {
    // The Supervisor applies vol.Range (not Length) to str/password bounds, which rejects every string:
    // a `password(8,)` option could never be saved. Lengths are expressed with match(...) instead.
    for (const { path, typ } of LEAVES) {
      expect({ path, valid: isValidTypeString(typ) }).toEqual({ path, valid: true });
      expect({ path, ranged: /^(str|password)\(/.test(typ) }).toEqual({ path, ranged: false });
    }
  });

  test('both accept the defaults of config.yaml and the "every option set" options', () => {
    for (const options of [DEFAULTS, EVERYTHING_SET]) {
      expect(supervisorRejects(config.schema, options)).toEqual([]);
      expect(tsAccepts(options)).toEqual({ ok: true, value: options });
    }
  });

  test.each(LEAVES)('$path ($typ): same verdict on generated values, and the error names the path', ({ path, typ }) => {
    fc.assert(
      fc.property(fc.constantFrom(DEFAULTS, EVERYTHING_SET), valuesFor(typ), (base, value) => {
        const options = withValue(base, path, value);
        const supervisor = supervisorRejects(config.schema, options);
        if (supervisor.length === 0 && addonStricter(path, value)) supervisor.push(path);
        const ours = tsAccepts(options);
        expect({ value, accepted: ours.ok }).toEqual({ value, accepted: supervisor.length === 0 });
        if (ours.ok) expect(ours.value).toEqual(options);
        else expect([...ours.paths].sort()).toEqual([...supervisor].sort());
      }),
      { numRuns: 400 },
    );
  });

  test.each(GROUPS)('group %s: a non-object or an unknown key is refused by both, at the same path', (group) => {
    fc.assert(
      fc.property(
        fc.constantFrom(DEFAULTS, EVERYTHING_SET),
        fc.oneof(fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)), fc.string({ minLength: 1, maxLength: 12 })),
        (base, probe) => {
          const options =
            typeof probe === 'string' && !(probe in (base[group] as Plain))
              ? withValue(base, group, { ...(base[group] as Plain), [probe]: 'x' }) // an unknown key in the group
              : withValue(base, group, probe);
          const supervisor = supervisorRejects(config.schema, options);
          const ours = tsAccepts(options);
          expect(ours.ok).toBe(supervisor.length === 0);
          if (!ours.ok) expect([...ours.paths].sort()).toEqual([...supervisor].sort());
        },
      ),
      { numRuns: 200 },
    );
  });

  test('any JSON at all as the whole options: same verdict', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const ours = tsAccepts(value as Plain);
        expect(ours.ok).toBe(supervisorRejects(config.schema, value).length === 0);
      }),
    );
  });

  test('the reference reads Python patterns as Python does', () => {
    // re.match anchors at the start only; `$` also matches before one final newline; \Z only at the very end.
    expect(pythonReMatch('^a+$', 'aa\n')).toBe(true);
    expect(pythonReMatch('^a+\\Z', 'aa\n')).toBe(false);
    expect(pythonReMatch('a', 'ba')).toBe(false);
    expect(pythonReMatch('a', 'ab')).toBe(true);
    expect(pythonReMatch('^(?!mep_)[a-z_]+\\Z', 'mep_x')).toBe(false);
  });
});
