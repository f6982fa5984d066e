// The add-on's metadata as Home Assistant and its linter read it: config.yaml, repository.yaml and
// translations/en.yaml validated with the shared schemas (verbatim copies of ../shared/schemas in test/fixtures/schemas),
// the linter's extra rules, and the facts the add-on relies on (init: false, ingress, ports, MQTT service …).
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import { resolve } from 'path';
import { parse } from 'yaml';
import { lintAddonConfig, pythonEquals } from './addon-lint';

type Plain = { [key: string]: unknown };
const ROOT = resolve(__dirname, '../../..');
const SCHEMAS = resolve(__dirname, '../../fixtures/schemas');

const readYaml = (file: string): Plain => parse(readFileSync(resolve(ROOT, file), 'utf8')) as Plain;
const readSchema = (name: string): Plain => JSON.parse(readFileSync(resolve(SCHEMAS, name), 'utf8')) as Plain;

function validator(schemaName: string) {
  // Options from ../shared/schemas/README.md "Using them with ajv".
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strictTypes: false });
  addFormats(ajv);
  return ajv.compile(readSchema(schemaName));
}

const config = readYaml('config.yaml');
const configSchema = readSchema('addon-config.ajv.schema.json');
const schema = config.schema as { [group: string]: string | { [key: string]: string } };
const options = config.options as { [key: string]: Plain | string | number };

describe('config.yaml', () => {
  test('is valid against the add-on linter schema', () => {
    const validate = validator('addon-config.ajv.schema.json');
    expect(validate(config) ? [] : validate.errors).toEqual([]);
  });

  test('passes the linter rules the schema does not express (no default values, no watchdog, …)', () => {
    expect(lintAddonConfig(config, configSchema)).toEqual({ errors: [], warnings: [] });
  });

  test('the linter-rule port catches what the real linter rejects', () => {
    const broken = { ...config, init: true, startup: 'application', ingress_port: 8099, watchdog: 'http://[HOST]:[PORT:8099]/health', webui: 'http://[HOST]:[PORT:8099]/', arch: ['amd64', 'armv7'] };
    const findings = lintAddonConfig(broken, configSchema);
    expect(findings.errors).toEqual(
      expect.arrayContaining([
        "'init' should be removed, it uses a default value",
        "'startup' should be removed, it uses a default value",
        "'ingress_port' should be removed, it uses a default value",
        expect.stringContaining("'watchdog' is obsolete"),
        expect.stringContaining("'webui' should be removed"),
      ]),
    );
    expect(findings.warnings).toEqual(["'arch' armv7 is no longer supported"]);
    expect(pythonEquals(true, 1)).toBe(true); // lint.py compares with Python ==
  });

  test('declares what the add-on needs: s6 init, both architectures, ingress panel, MQTT service, Core API', () => {
    expect(config).toMatchObject({
      init: false,
      arch: ['aarch64', 'amd64'],
      ingress: true,
      panel_icon: expect.stringMatching(/^mdi:[a-z-]+$/),
      panel_title: expect.any(String),
      services: ['mqtt:want'],
      homeassistant_api: true,
    });
    for (const key of ['hassio_api', 'host_network', 'full_access', 'docker_api', 'privileged', 'webui', 'watchdog', 'map']) expect(config).not.toHaveProperty(key);
  });

  test("version equals package.json's (the image and the firmware catalog are built from that version)", () => {
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(config.version).toBe(pkg.version);
  });

  test('the embedded broker and the firmware download ports are exposed, each described, matching the defaults', () => {
    const ports = config.ports as Plain;
    expect(Object.keys(config.ports_description as Plain).sort()).toEqual(Object.keys(ports).sort());
    expect(ports).toEqual({
      // The embedded broker's host port is not 1883: the Mosquitto add-on usually holds that one, and a taken
      // host port would keep this add-on from starting.
      [`${(options.embedded_broker as Plain).port}/tcp`]: 1884,
      [`${(options.ota as Plain).port}/tcp`]: (options.ota as Plain).port,
    });
    expect(ports).not.toHaveProperty('8099/tcp'); // the panel is reached through ingress only
  });

  test('secrets are `password` options and ports are `port` options', () => {
    const leaves = Object.entries(schema).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : Object.entries(v).map(([c, t]) => [`${k}.${c}`, t])));
    for (const [path, typ] of leaves) {
      const last = (path as string).split('.').pop() as string;
      if (/password|token|secret|key/.test(last)) expect({ path, typ }).toEqual({ path, typ: expect.stringMatching(/^password\??$/) });
      if (last === 'port') expect({ path, typ }).toEqual({ path, typ: expect.stringMatching(/^port\??$/) });
    }
  });
});

describe('repository.yaml and translations', () => {
  test('repository.yaml is valid', () => {
    const validate = validator('repository.schema.json');
    expect(validate(readYaml('repository.yaml')) ? [] : validate.errors).toEqual([]);
  });

  test('translations/en.yaml is valid and names exactly the options and ports of config.yaml', () => {
    const translations = readYaml('translations/en.yaml') as { configuration: { [k: string]: { fields?: Plain } }; network: Plain };
    const validate = validator('addon-translations.schema.json');
    expect(validate(translations) ? [] : validate.errors).toEqual([]);
    expect(Object.keys(translations.configuration).sort()).toEqual(Object.keys(schema).sort());
    for (const [key, node] of Object.entries(schema)) {
      const fields = translations.configuration[key]?.fields;
      if (typeof node === 'string') expect({ key, fields }).toEqual({ key, fields: undefined });
      else expect({ key, fields: Object.keys(fields ?? {}).sort() }).toEqual({ key, fields: Object.keys(node).sort() });
    }
    expect(Object.keys(translations.network).sort()).toEqual(Object.keys(config.ports as Plain).sort());
  });

  test('no other file named config.yaml/yml/json anywhere in the repository (the Supervisor searches for them)', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\n');
    expect(files.filter((f) => /(^|\/)config\.(ya?ml|json)$/.test(f))).toEqual(['config.yaml']);
  });
});
