// Checks what devices publish against the wire contract (discovery/contract.ts) before the registry believes it.
// Pure; every function returns null (or an empty result) for garbage instead of throwing.
import { CommandResult, DiagnosticsPayload, StatePayload, UpdateState } from '../../../discovery/contract';
import { isValidTopicPrefix } from '../../../discovery/topics';

/** Longest text field kept from a device (names, errors, versions). */
const MAX_TEXT = 200;

export function parseJsonObject(payload: Buffer): { [key: string]: unknown } | null {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return null;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { [key: string]: unknown }) : null;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.length <= MAX_TEXT ? v : undefined;
}

function finite(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

const STATE_NUMBERS: readonly (keyof StatePayload)[] = [
  'energy_import', 'energy_export', 'reactive_energy_import', 'reactive_energy_export', 'power_import', 'power_export',
  'power_net', 'power_import_l1', 'power_import_l2', 'power_import_l3', 'power_export_l1', 'power_export_l2',
  'power_export_l3', 'voltage_l1', 'voltage_l2', 'voltage_l3', 'current_l1', 'current_l2', 'current_l3',
  'power_factor_l1', 'power_factor_l2', 'power_factor_l3', 'frequency', 'reactive_power_import',
  'reactive_power_export', 'apparent_power',
];

/** The known, well-typed fields of a state message (unknown keys are ignored: forward compatible); null when
 *  none is left. */
export function parseState(payload: Buffer): StatePayload | null {
  const o = parseJsonObject(payload);
  if (!o) return null;
  const out: { [key: string]: number | string } = {};
  for (const key of STATE_NUMBERS) {
    const n = finite(o[key]);
    if (n !== undefined) out[key] = n;
  }
  const clock = text(o.meter_clock);
  if (clock !== undefined) out.meter_clock = clock;
  return Object.keys(out).length > 0 ? (out as StatePayload) : null;
}

export function parseDiagnostics(payload: Buffer): DiagnosticsPayload | null {
  const o = parseJsonObject(payload);
  if (!o) return null;
  const d: DiagnosticsPayload = {};
  const strings = ['link_state', 'last_error', 'ip_address', 'last_boot', 'poll_phases', 'firmware'] as const;
  const numbers = ['wifi_rssi', 'free_memory', 'polls', 'poll_errors', 'poll_ms', 'poll_ms_max', 'refused_commands'] as const;
  for (const key of strings) {
    const v = text(o[key]);
    if (v !== undefined) d[key] = v;
  }
  for (const key of numbers) {
    const v = finite(o[key]);
    if (v !== undefined) d[key] = v;
  }
  return Object.keys(d).length > 0 ? d : null;
}

export function parseUpdateState(payload: Buffer): UpdateState | null {
  const o = parseJsonObject(payload);
  if (!o) return null;
  const installed = text(o.installed_version);
  if (installed === undefined || typeof o.in_progress !== 'boolean') return null;
  const pct = o.update_percentage;
  if (pct !== null && pct !== undefined && (finite(pct) === undefined || (pct as number) < 0 || (pct as number) > 100)) return null;
  const u: UpdateState = { installed_version: installed, in_progress: o.in_progress, update_percentage: (pct as number | undefined) ?? null };
  const title = text(o.title);
  const summary = text(o.release_summary);
  if (title !== undefined) u.title = title;
  if (summary !== undefined) u.release_summary = summary;
  return u;
}

const COMMANDS: readonly CommandResult['command'][] = ['restart', 'poll', 'config', 'update', 'read'];

export function parseCommandResult(payload: Buffer): CommandResult | null {
  const o = parseJsonObject(payload);
  if (!o) return null;
  const id = o.id === null ? null : text(o.id);
  const command = COMMANDS.find((c) => c === o.command);
  if (id === undefined || command === undefined || typeof o.ok !== 'boolean') return null;
  const r: CommandResult = { id, command, ok: o.ok };
  const error = text(o.error);
  if (error !== undefined) r.error = error;
  if (Array.isArray(o.applied) && o.applied.every((a) => typeof a === 'string' && a.length <= MAX_TEXT)) r.applied = o.applied as string[];
  if (typeof o.restart === 'boolean') r.restart = o.restart;
  const version = text(o.version);
  if (version !== undefined) r.version = version;
  if (typeof o.counter_floor === 'number' && Number.isSafeInteger(o.counter_floor) && o.counter_floor > 0) r.counter_floor = o.counter_floor;
  // read (issue 13): the range read and its bytes (up to 465 → 930 hex digits).
  if (typeof o.table === 'number' && Number.isSafeInteger(o.table)) r.table = o.table;
  if (typeof o.offset === 'number' && Number.isSafeInteger(o.offset)) r.offset = o.offset;
  if (typeof o.hex === 'string' && o.hex.length <= 930 && /^([0-9a-f]{2})*$/.test(o.hex)) r.hex = o.hex;
  return r;
}

/** What the registry learns from a device's discovery payload (home-assistant.md §3.2; abbreviated or long keys). */
export interface DiscoveryInfo {
  /** dev.ids (identifiers). */
  identifiers: string[];
  name: string | null;
  /** From avty_t (<base>/availability) or stat_t (<base>/state); null when neither fits. */
  baseTopic: string | null;
  phases: 1 | 3;
  /** Component key -> default_entity_id. */
  entityIds: { [key: string]: string };
}

function pick(o: { [key: string]: unknown }, short: string, long: string): unknown {
  return o[short] !== undefined ? o[short] : o[long];
}

function baseOf(topic: unknown, suffix: string): string | null {
  if (typeof topic !== 'string' || !topic.endsWith(suffix)) return null;
  const base = topic.slice(0, topic.length - suffix.length);
  return isValidTopicPrefix(base) ? base : null;
}

export function parseDiscovery(payload: Buffer): DiscoveryInfo | null {
  const o = parseJsonObject(payload);
  if (!o) return null;
  const dev = pick(o, 'dev', 'device');
  const cmps = pick(o, 'cmps', 'components');
  if (typeof dev !== 'object' || dev === null || typeof cmps !== 'object' || cmps === null || Array.isArray(cmps)) return null;
  const d = dev as { [key: string]: unknown };
  const ids = pick(d, 'ids', 'identifiers');
  const identifiers = (Array.isArray(ids) ? ids : [ids]).filter((i): i is string => typeof i === 'string');
  const entityIds: { [key: string]: string } = {};
  let phases: 1 | 3 = 1;
  for (const [key, value] of Object.entries(cmps as { [key: string]: unknown })) {
    if (/_l[23]$/.test(key)) phases = 3;
    if (typeof value !== 'object' || value === null || !/^[a-z0-9_]{1,64}$/.test(key)) continue;
    const entityId = text(pick(value as { [key: string]: unknown }, 'def_ent_id', 'default_entity_id'));
    if (entityId !== undefined && /^[a-z_]+\.[a-z0-9_]+$/.test(entityId)) entityIds[key] = entityId;
  }
  const name = text(d.name);
  return {
    identifiers,
    name: name !== undefined && name.trim() !== '' ? name.trim() : null,
    baseTopic: baseOf(pick(o, 'avty_t', 'availability_topic'), '/availability') ?? baseOf(pick(o, 'stat_t', 'state_topic'), '/state'),
    phases,
    entityIds,
  };
}
