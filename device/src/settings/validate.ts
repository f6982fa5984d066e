// Pure validation of device settings (architecture C8): every field checked, every problem reported with its path.
// Messages never contain the value of a secret field.
import { parseMbk } from '../meter/key';
import { Settings } from './schema';

export interface FieldError {
  path: string;
  message: string;
}

export type SettingsResult = { ok: true; value: Settings; warnings: string[] } | { ok: false; errors: FieldError[] };

type Raw = { [key: string]: unknown };

function section(raw: Raw, name: string): Raw {
  const v = raw[name];
  return v && typeof v === 'object' ? (v as Raw) : {};
}

function text(obj: Raw, key: string, path: string, opts: { min: number; max: number; fallback?: string }, errors: FieldError[]): string {
  const v = obj[key];
  if (v === undefined && opts.fallback !== undefined) return opts.fallback;
  if (typeof v !== 'string') {
    errors.push({ path, message: 'must be text' });
    return '';
  }
  if (v.length < opts.min || v.length > opts.max) {
    errors.push({ path, message: opts.min === opts.max ? `must be ${opts.min} characters` : `must be ${opts.min} to ${opts.max} characters` });
  }
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      errors.push({ path, message: 'must not contain control characters' });
      break;
    }
  }
  return v;
}

function integer(obj: Raw, key: string, path: string, opts: { min: number; max: number; fallback: number }, errors: FieldError[]): number {
  const v = obj[key];
  if (v === undefined) return opts.fallback;
  if (typeof v !== 'number' || Math.floor(v) !== v || v < opts.min || v > opts.max) {
    errors.push({ path, message: `must be a whole number from ${opts.min} to ${opts.max}` });
    return opts.fallback;
  }
  return v;
}

/** Host names: letters, digits, '-', '.', or an IPv4/IPv6 literal; no scheme, no port. */
function validHost(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  for (let i = 0; i < host.length; i++) {
    const c = host.charAt(i);
    const ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '-' || c === '.' || c === ':';
    if (!ok) return false;
  }
  return true;
}

/** MQTT topic level path without wildcards, leading/trailing slash or empty levels. */
function validTopic(topic: string): boolean {
  if (topic.length === 0 || topic.charAt(0) === '/' || topic.charAt(topic.length - 1) === '/') return false;
  if (topic.indexOf('//') >= 0 || topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) return false;
  return true;
}

function validateMqtt(raw: Raw, errors: FieldError[]): Settings['mqtt'] {
  const m = section(raw, 'mqtt');
  const host = text(m, 'host', 'mqtt.host', { min: 0, max: 253, fallback: '' }, errors);
  if (host !== '' && !validHost(host)) errors.push({ path: 'mqtt.host', message: 'must be a host name or IP address (no scheme or port)' });
  const baseTopic = text(m, 'baseTopic', 'mqtt.baseTopic', { min: 0, max: 64, fallback: '' }, errors);
  if (baseTopic !== '' && !validTopic(baseTopic)) errors.push({ path: 'mqtt.baseTopic', message: 'must be a topic without wildcards or empty levels' });
  const prefix = text(m, 'discoveryPrefix', 'mqtt.discoveryPrefix', { min: 1, max: 64, fallback: 'homeassistant' }, errors);
  if (!validTopic(prefix)) errors.push({ path: 'mqtt.discoveryPrefix', message: 'must be a topic without wildcards or empty levels' });
  const compat = m.compatibility;
  if (compat !== undefined && typeof compat !== 'boolean') errors.push({ path: 'mqtt.compatibility', message: 'must be true or false' });
  return {
    host,
    port: integer(m, 'port', 'mqtt.port', { min: 1, max: 65535, fallback: 1883 }, errors),
    username: text(m, 'username', 'mqtt.username', { min: 0, max: 64, fallback: '' }, errors),
    password: text(m, 'password', 'mqtt.password', { min: 0, max: 128, fallback: '' }, errors),
    baseTopic,
    discoveryPrefix: prefix,
    compatibility: compat === true,
  };
}

function validateMeter(raw: Raw, errors: FieldError[], warnings: string[]): Settings['meter'] {
  const m = section(raw, 'meter');
  let key = '';
  if (m.key !== undefined && m.key !== '') {
    if (typeof m.key !== 'string') errors.push({ path: 'meter.key', message: 'must be text' });
    else {
      const parsed = parseMbk(m.key);
      if (parsed.ok) {
        key = m.key;
        for (let i = 0; i < parsed.warnings.length; i++) warnings.push(parsed.warnings[i] as string);
      } else errors.push({ path: 'meter.key', message: parsed.message });
    }
  }
  const digest = m.replyDigest === undefined ? 'log' : m.replyDigest;
  if (digest !== 'off' && digest !== 'log' && digest !== 'enforce') {
    errors.push({ path: 'meter.replyDigest', message: 'must be off, log or enforce' });
  }
  return {
    key,
    pollIntervalS: integer(m, 'pollIntervalS', 'meter.pollIntervalS', { min: 1, max: 3600, fallback: 10 }, errors),
    replyDigest: digest === 'off' || digest === 'enforce' ? digest : 'log',
  };
}

/** Validates settings as loaded from Storage or received from the add-on; missing fields take their defaults. */
export function validateSettings(input: unknown): SettingsResult {
  const errors: FieldError[] = [];
  const warnings: string[] = [];
  if (!input || typeof input !== 'object') return { ok: false, errors: [{ path: '', message: 'settings must be an object' }] };
  const raw = input as Raw;
  const wifi = section(raw, 'wifi');
  const login = section(raw, 'login');
  const value: Settings = {
    name: text(raw, 'name', 'name', { min: 1, max: 32, fallback: 'MEP meter' }, errors),
    wifi: {
      ssid: text(wifi, 'ssid', 'wifi.ssid', { min: 0, max: 32, fallback: '' }, errors),
      password: text(wifi, 'password', 'wifi.password', { min: 0, max: 63, fallback: '' }, errors),
    },
    mqtt: validateMqtt(raw, errors),
    meter: validateMeter(raw, errors, warnings),
    login: {
      user: text(login, 'user', 'login.user', { min: 0, max: 32, fallback: '' }, errors),
      passwordHash: text(login, 'passwordHash', 'login.passwordHash', { min: 0, max: 200, fallback: '' }, errors),
    },
  };
  const wpa = value.wifi.password.length;
  if (wpa > 0 && wpa < 8) errors.push({ path: 'wifi.password', message: 'a WPA2 password has 8 to 63 characters' });
  return errors.length ? { ok: false, errors } : { ok: true, value, warnings };
}

/** A copy safe to log or publish: every secret replaced by "set" or "not set". */
export function redactSettings(s: Settings): { [key: string]: unknown } {
  const mark = (v: string) => (v ? 'set' : 'not set');
  return {
    name: s.name,
    wifi: { ssid: s.wifi.ssid, password: mark(s.wifi.password) },
    mqtt: {
      host: s.mqtt.host, port: s.mqtt.port, username: s.mqtt.username, password: mark(s.mqtt.password),
      baseTopic: s.mqtt.baseTopic, discoveryPrefix: s.mqtt.discoveryPrefix, compatibility: s.mqtt.compatibility,
    },
    meter: { key: mark(s.meter.key), pollIntervalS: s.meter.pollIntervalS, replyDigest: s.meter.replyDigest },
    login: { user: s.login.user, password: mark(s.login.passwordHash) },
  };
}
