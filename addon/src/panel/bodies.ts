// Validation of the panel API's JSON bodies (pure). Every problem names its field; messages never contain a value,
// so a mistyped MBK key cannot end up in a response or a log. Limits follow the device's settings table
// (device/src/settings/validate.ts FIELDS) so the device does not refuse what the panel accepted.
import { ConfigCommand } from '../../../discovery/contract';
import { parseMbk } from '../../../discovery/mbk-key';

export interface FieldError {
  field: string;
  message: string;
}

export type BodyResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

type Obj = { [key: string]: unknown };

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownFields(body: Obj, allowed: string[]): FieldError[] {
  return Object.keys(body)
    .filter((k) => !allowed.includes(k))
    .map((k) => ({ field: k.length <= 40 ? k : k.slice(0, 40) + '…', message: 'unknown field' }));
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

const NOT_OBJECT: FieldError[] = [{ field: '', message: 'the body must be a JSON object' }];

/** { key }: the MBK key, validated exactly as the protocol core does (discovery/mbk-key.ts, spec §4.1). */
export function parseKeyBody(body: unknown): BodyResult<{ key: string; warnings: string[] }> {
  if (!isObject(body)) return { ok: false, errors: NOT_OBJECT };
  const errors = unknownFields(body, ['key']);
  const key = body.key;
  if (typeof key !== 'string') {
    errors.push({ field: 'key', message: 'enter the MBK key from your utility' });
    return { ok: false, errors };
  }
  const parsed = parseMbk(key);
  if (!parsed.ok) errors.push({ field: 'key', message: parsed.message });
  if (errors.length || !parsed.ok) return { ok: false, errors };
  return { ok: true, value: { key, warnings: parsed.warnings } };
}

export interface MeterSettings {
  name?: string;
  pollIntervalS?: number;
  compatibility?: boolean;
}

export const NAME_MAX = 32;
export const POLL_MIN_S = 1;
/** The module reads the present values at most every 30 s (DOCS.md "How often the meter is read": the guide's
 *  health watchdog alarms after 60 s without a request); it still accepts up to 3600 from older configurations. */
export const POLL_MAX_S = 30;

/** { name?, poll_interval_s?, compatibility? }: at least one of them. */
export function parseSettingsBody(body: unknown): BodyResult<MeterSettings> {
  if (!isObject(body)) return { ok: false, errors: NOT_OBJECT };
  const errors = unknownFields(body, ['name', 'poll_interval_s', 'compatibility']);
  const value: MeterSettings = {};
  if (body.name !== undefined) {
    const name = body.name;
    if (typeof name !== 'string' || name.trim().length === 0 || name.length > NAME_MAX || hasControl(name)) {
      errors.push({ field: 'name', message: `the name must be 1 to ${NAME_MAX} characters without control characters` });
    } else value.name = name;
  }
  if (body.poll_interval_s !== undefined) {
    const s = body.poll_interval_s;
    if (typeof s !== 'number' || !Number.isInteger(s) || s < POLL_MIN_S || s > POLL_MAX_S) {
      errors.push({ field: 'poll_interval_s', message: `the poll interval must be a whole number of seconds from ${POLL_MIN_S} to ${POLL_MAX_S}` });
    } else value.pollIntervalS = s;
  }
  if (body.compatibility !== undefined) {
    if (typeof body.compatibility !== 'boolean') errors.push({ field: 'compatibility', message: 'must be true or false' });
    else value.compatibility = body.compatibility;
  }
  if (errors.length) return { ok: false, errors };
  if (Object.keys(value).length === 0) return { ok: false, errors: [{ field: '', message: 'nothing to change' }] };
  return { ok: true, value };
}

/** The config command (without id) that applies `s` on the device (discovery/contract.ts ConfigCommand). */
export function settingsCommand(s: MeterSettings): Omit<ConfigCommand, 'id'> {
  const cmd: Omit<ConfigCommand, 'id'> = {};
  if (s.name !== undefined) cmd.name = s.name;
  if (s.pollIntervalS !== undefined) cmd.meter = { poll_interval_s: s.pollIntervalS };
  if (s.compatibility !== undefined) cmd.mqtt = { compatibility: s.compatibility };
  return cmd;
}

/** { entryId, deviceIds? }: deviceIds absent or empty = every known meter ("update all"). */
export function parseRolloutBody(body: unknown): BodyResult<{ entryId: string; deviceIds: string[] }> {
  if (!isObject(body)) return { ok: false, errors: NOT_OBJECT };
  const errors = unknownFields(body, ['entryId', 'deviceIds']);
  const entryId = body.entryId;
  if (typeof entryId !== 'string' || entryId.length === 0 || entryId.length > 128) {
    errors.push({ field: 'entryId', message: 'choose a firmware package' });
  }
  const ids = body.deviceIds === undefined ? [] : body.deviceIds;
  if (!Array.isArray(ids) || ids.length > 1000 || !ids.every((d) => typeof d === 'string' && d.length > 0 && d.length <= 64)) {
    errors.push({ field: 'deviceIds', message: 'must be a list of meter ids' });
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { entryId: entryId as string, deviceIds: ids as string[] } };
}
