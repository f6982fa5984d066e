// Pure validation of device settings (architecture C8): every field checked against one table, every problem
// reported with its path; missing fields take their defaults. Messages never contain the value of a field.
import { parseMbk } from '../meter/key';
import { getPath as get, putPath as put } from './paths';
import { SECRET_FIELDS, Settings } from './schema';

export interface FieldError {
  path: string;
  message: string;
}

/** When !ok, `value` still holds every valid field, with defaults for the invalid ones. */
export type SettingsResult =
  | { ok: true; value: Settings; warnings: string[] }
  | { ok: false; errors: FieldError[]; value?: Settings };

type Obj = { [key: string]: unknown };
/** [path, kind (s text, n whole number, b boolean), min, max (length or value), default] */
type Field = [string, 's' | 'n' | 'b', number, number, string | number | boolean];

function fieldRows(): Field[] {
  // One row per field, `path:kind:min:max:default`, rows joined by ';': a string inside the function, not a table at
  // the top level, which would cost ~170 JsVars on Espruino for as long as the module holding it is loaded.
  const FIELDS =
    'name:s:1:32:MEP meter;' +
    'wifi.ssid:s:0:32:;' +
    'wifi.password:s:0:63:;' +
    'mqtt.host:s:0:253:;' +
    'mqtt.port:n:1:65535:1883;' +
    'mqtt.username:s:0:64:;' +
    'mqtt.password:s:0:128:;' +
    'mqtt.baseTopic:s:0:64:;' +
    'mqtt.discoveryPrefix:s:1:64:homeassistant;' +
    'mqtt.compatibility:b:0:0:false;' +
    'meter.key:s:0:40:;' +
    'meter.pollIntervalS:n:1:3600:2;' +
    'meter.replyDigest:s:0:7:enforce;' +
    'meter.rc4:b:0:0:false;' +
    'login.user:s:0:32:;' +
    'login.passwordHash:s:0:200:;' +
    'web.openDashData:b:0:0:false';
  const rows = FIELDS.split(';');
  const out: Field[] = [];
  for (let i = 0; i < rows.length; i++) {
    const c = (rows[i] as string).split(':');
    const kind = c[1] as Field[1];
    const d = c[4] as string;
    out.push([c[0] as string, kind, parseInt(c[2] as string, 10), parseInt(c[3] as string, 10), kind === 'n' ? parseInt(d, 10) : kind === 'b' ? d === 'true' : d]);
  }
  return out;
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** Why `v` does not fit `f`, or '' when it does. */
function fieldProblem(f: Field, v: unknown): string {
  if (f[1] === 'b') return typeof v === 'boolean' ? '' : 'must be true or false';
  if (f[1] === 'n') {
    return typeof v === 'number' && Math.floor(v) === v && v >= f[2] && v <= f[3] ? '' : `must be a whole number from ${f[2]} to ${f[3]}`;
  }
  if (typeof v !== 'string') return 'must be text';
  if (v.length < f[2] || v.length > f[3]) return `must be ${f[2]} to ${f[3]} characters`;
  return hasControl(v) ? 'must not contain control characters' : '';
}

/** Host names: letters, digits, '-', '.', ':' (IPv6); no scheme, path or port. */
function validHost(host: string): boolean {
  for (let i = 0; i < host.length; i++) {
    const c = host.charAt(i).toLowerCase();
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c === '-' || c === '.' || c === ':')) return false;
  }
  return true;
}

/** MQTT topic without wildcards, leading/trailing slash or empty levels. */
function validTopic(topic: string): boolean {
  return topic.charAt(0) !== '/' && topic.charAt(topic.length - 1) !== '/' && topic.indexOf('//') < 0 && topic.indexOf('+') < 0 && topic.indexOf('#') < 0;
}

/** Checks beyond type and length, on values that passed those. */
function extraProblem(path: string, v: unknown, warnings: string[]): string {
  const s = v as string;
  if (path === 'mqtt.host' && !validHost(s)) return 'must be a host name or IP address (no scheme or port)';
  if ((path === 'mqtt.baseTopic' || path === 'mqtt.discoveryPrefix') && s !== '' && !validTopic(s)) {
    return 'must be a topic without wildcards or empty levels';
  }
  if (path === 'wifi.password' && s.length > 0 && s.length < 8) return 'a WPA2 password has 8 to 63 characters';
  // 'log' (the old candidate-testing mode, removed) is still read from older settings, as 'enforce'.
  if (path === 'meter.replyDigest' && s !== 'off' && s !== 'log' && s !== 'enforce') return 'must be enforce or off';
  if (path === 'meter.key' && s !== '') {
    const key = parseMbk(s);
    if (!key.ok) return key.message;
    for (let i = 0; i < key.warnings.length; i++) warnings.push(key.warnings[i] as string);
  }
  return '';
}

/** Validates settings as loaded from Storage or received from the add-on; missing fields take their defaults. */
export function validateSettings(input: unknown): SettingsResult {
  if (!input || typeof input !== 'object') return { ok: false, errors: [{ path: '', message: 'settings must be an object' }] };
  const errors: FieldError[] = [];
  const warnings: string[] = [];
  const value: Obj = {};
  const fields = fieldRows();
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as Field;
    const raw = get(input, f[0]);
    const v = raw === undefined ? f[4] : raw;
    const problem = fieldProblem(f, v) || extraProblem(f[0], v, warnings);
    if (problem) errors.push({ path: f[0], message: problem });
    put(value, f[0], problem ? f[4] : v);
  }
  const settings = value as unknown as Settings;
  return errors.length ? { ok: false, errors, value: settings } : { ok: true, value: settings, warnings };
}

/** A copy safe to log or publish: every secret replaced by "set" or "not set". */
export function redactSettings(s: Settings): Obj {
  const copy = JSON.parse(JSON.stringify(s)) as Obj;
  for (let i = 0; i < SECRET_FIELDS.length; i++) {
    const path = SECRET_FIELDS[i] as string;
    put(copy, path, get(s, path) ? 'set' : 'not set');
  }
  return copy;
}
