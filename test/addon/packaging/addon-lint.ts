// The checks of the Home Assistant add-on linter (frenck/action-addon-linter v2.21, src/lint.py) that its JSON
// schema does not express, as listed in ../shared/schemas/README.md ("What the linter checks that the JSON schema
// does NOT"). Errors fail the linter; warnings do not.
type Plain = { [key: string]: unknown };
interface SchemaObject {
  properties?: { [key: string]: SchemaObject & { default?: unknown } };
}

export interface LintFindings {
  errors: string[];
  warnings: string[];
}

/** Python `==` on YAML/JSON data: True == 1, 1 == 1.0, dicts and lists element-wise. */
export function pythonEquals(a: unknown, b: unknown): boolean {
  const num = (v: unknown): unknown => (typeof v === 'boolean' ? Number(v) : v);
  if (typeof num(a) === 'number' && typeof num(b) === 'number') return num(a) === num(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pythonEquals(x, b[i]));
  if (isPlain(a) && isPlain(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && pythonEquals(a[k], b[k]));
  }
  return a === b;
}

function isPlain(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** lint.py `check_is_default`: wherever the schema's `properties` give a default, a key set to it is an error. */
function defaultValues(schema: SchemaObject, instance: unknown, path: string, errors: string[]): void {
  if (!isPlain(instance) || schema.properties === undefined) return;
  for (const [key, sub] of Object.entries(schema.properties)) {
    if (!(key in instance)) continue;
    if ('default' in sub && pythonEquals(instance[key], sub.default)) errors.push(`'${path}${key}' should be removed, it uses a default value`);
    defaultValues(sub, instance[key], `${path}${key}.`, errors);
  }
}

export function lintAddonConfig(config: Plain, schema: SchemaObject): LintFindings {
  const errors: string[] = [];
  const warnings: string[] = [];
  defaultValues(schema, config, '', errors);
  const arch = Array.isArray(config.arch) ? config.arch : [];
  for (const old of ['armhf', 'armv7', 'i386']) if (arch.includes(old)) warnings.push(`'arch' ${old} is no longer supported`);
  if (config.ingress) {
    if (config.webui) errors.push("'webui' should be removed, Ingress is enabled.");
    if (!config.host_network && (config.ingress_port ?? 8099) === 0) errors.push("'ingress_port' must not be 0 without host_network");
  }
  if (config.full_access) {
    if (['devices', 'gpio', 'uart', 'usb'].some((k) => k in config)) errors.push("'full_access' with devices/gpio/uart/usb");
    warnings.push("'full_access' consider using other options instead");
  }
  if ('advanced' in config) warnings.push("'advanced' is deprecated");
  if ('auto_uart' in config) errors.push("'auto_uart' is deprecated, use 'uart' instead.");
  if (Array.isArray(config.devices) && config.devices.some((d) => String(d).includes(':'))) errors.push("'devices' uses a deprecated format");
  if ('tmpfs' in config && typeof config.tmpfs !== 'boolean') errors.push("'tmpfs' is a boolean now");
  if (config.backup === 'cold') for (const k of ['backup_pre', 'backup_post']) if (k in config) errors.push(`'${k}' is not valid when using cold backups.`);
  if ('watchdog' in config) errors.push("'watchdog' is obsolete. Use the native Docker HEALTHCHECK directive instead.");
  if ('codenotary' in config) errors.push("'codenotary' is obsolete");
  const map = Array.isArray(config.map) ? config.map.map((m) => (isPlain(m) ? String(m.type) : String(m).split(':')[0])) : [];
  if (map.includes('config')) {
    warnings.push("'map' config is deprecated");
    if (map.includes('homeassistant_config') || map.includes('addon_config')) errors.push("'map' config with homeassistant_config/addon_config");
  }
  return { errors, warnings };
}
