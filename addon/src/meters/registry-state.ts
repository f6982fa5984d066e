// The meter registry as a pure reducer (issue 5): (state, message) -> { state, effects }. It routes each MQTT
// message to a device by topic (discovery/topics.ts), checks the payload (parse.ts) and records what it learned.
// Garbage never throws and never erases what is known: the message is ignored with a counted reason.
import { CommandResult, DiagnosticsPayload, PAYLOAD_INSTALL, StatePayload, UpdateState } from '../../../discovery/contract';
import { defaultBaseTopic, isDeviceId, BASE_TOPIC_ROOT } from '../../../discovery/topics';
import { parseCommandResult, parseDiagnostics, parseDiscovery, parseState, parseUpdateState } from './parse';

export interface DeviceRecord {
  deviceId: string;
  /** From discovery; null before. */
  name: string | null;
  /** Learned from discovery; mep/<id> before. */
  baseTopic: string;
  discovered: boolean;
  phases: 1 | 3 | null;
  entityIds: { [key: string]: string };
  online: boolean | null;
  lastSeen: number | null;
  state: StatePayload | null;
  stateAt: number | null;
  /** Time between the last two state messages (the device's poll interval as seen here), null before two. */
  stateIntervalMs: number | null;
  diagnostics: DiagnosticsPayload | null;
  update: UpdateState | null;
  /** The device's last answer to an update command (problems: update failed). */
  lastUpdateResult: CommandResult | null;
}

export interface RegistryState {
  discoveryPrefix: string;
  devices: { readonly [deviceId: string]: DeviceRecord };
  /** Ignored messages by reason. */
  ignored: { readonly [reason: string]: number };
}

export interface IncomingMessage {
  topic: string;
  payload: Buffer;
  retained: boolean;
  /** Epoch ms of arrival. */
  at: number;
}

export type Effect =
  | { kind: 'changed'; deviceId: string }
  | { kind: 'removed'; deviceId: string }
  | { kind: 'state'; deviceId: string; state: StatePayload }
  | { kind: 'diagnostics'; deviceId: string; diagnostics: DiagnosticsPayload }
  | { kind: 'availability'; deviceId: string; online: boolean }
  | { kind: 'update'; deviceId: string; update: UpdateState }
  | { kind: 'commandResult'; deviceId: string; result: CommandResult }
  | { kind: 'installRequested'; deviceId: string }
  /** A new base topic outside mep/: the service subscribes to it. */
  | { kind: 'baseTopic'; deviceId: string; baseTopic: string }
  | { kind: 'ignored'; reason: string; topic: string };

export interface Reduction {
  state: RegistryState;
  effects: Effect[];
}

/** Largest payload the registry reads (the embedded broker refuses more than 256 KiB anyway). */
export const MAX_REGISTRY_PAYLOAD = 256 * 1024;

export function emptyRegistry(discoveryPrefix: string): RegistryState {
  return { discoveryPrefix, devices: {}, ignored: {} };
}

function newRecord(deviceId: string): DeviceRecord {
  return {
    deviceId, name: null, baseTopic: defaultBaseTopic(deviceId), discovered: false, phases: null, entityIds: {},
    online: null, lastSeen: null, state: null, stateAt: null, stateIntervalMs: null, diagnostics: null, update: null, lastUpdateResult: null,
  };
}

/** Topics below a device's base that are not for the registry (commands the add-on or HA send, the reference
 *  firmware's compatibility topics): no effect, not counted as garbage. */
function isOtherTraffic(suffix: string): boolean {
  return suffix.startsWith('cmd/') || suffix === 'update/latest' || suffix === 'lwt' || suffix.endsWith('/mydatajson');
}

function ignore(s: RegistryState, reason: string, topic: string): Reduction {
  return { state: { ...s, ignored: { ...s.ignored, [reason]: (s.ignored[reason] ?? 0) + 1 } }, effects: [{ kind: 'ignored', reason, topic }] };
}

function put(s: RegistryState, record: DeviceRecord): RegistryState {
  return { ...s, devices: { ...s.devices, [record.deviceId]: record } };
}

function nests(a: string, b: string): boolean {
  return a === b || a.startsWith(b + '/') || b.startsWith(a + '/');
}

/** The device whose base topic is the longest prefix of `topic`, and the rest of the topic. */
function routeByBase(s: RegistryState, topic: string): { deviceId: string; suffix: string } | null {
  let best: { deviceId: string; suffix: string; length: number } | null = null;
  for (const id of Object.keys(s.devices)) {
    const base = (s.devices[id] as DeviceRecord).baseTopic;
    if (topic.startsWith(base + '/') && (!best || base.length > best.length)) {
      best = { deviceId: id, suffix: topic.slice(base.length + 1), length: base.length };
    }
  }
  if (best) return best;
  // mep/<device id>/…: a device seen before its discovery (default base topic).
  const levels = topic.split('/');
  if (levels.length >= 3 && levels[0] === BASE_TOPIC_ROOT && isDeviceId(levels[1] as string)) {
    const other = Object.values(s.devices).find((d) => nests(d.baseTopic, `${BASE_TOPIC_ROOT}/${levels[1]}`));
    if (other) return null; // the default topic of a new device inside a known device's custom base
    return { deviceId: levels[1] as string, suffix: levels.slice(2).join('/') };
  }
  return null;
}

function applyDiscovery(s: RegistryState, id: string, m: IncomingMessage): Reduction {
  const known = s.devices[id];
  if (m.payload.length === 0) {
    if (!known) return { state: s, effects: [] };
    const devices = { ...s.devices };
    delete devices[id];
    return { state: { ...s, devices }, effects: [{ kind: 'removed', deviceId: id }] };
  }
  const info = parseDiscovery(m.payload);
  if (!info) return ignore(s, 'discovery payload is not a device discovery message', m.topic);
  if (info.identifiers.indexOf(id) < 0) return ignore(s, 'discovery names another device', m.topic);
  const base = info.baseTopic ?? defaultBaseTopic(id);
  if (base.split('/').some((level) => level !== id && isDeviceId(level))) {
    return ignore(s, 'discovery claims topics of another device', m.topic);
  }
  const clash = Object.values(s.devices).find((d) => d.deviceId !== id && nests(d.baseTopic, base));
  if (clash) return ignore(s, 'discovery claims topics of another device', m.topic);
  const record: DeviceRecord = {
    ...(known ?? newRecord(id)),
    name: info.name ?? known?.name ?? null,
    baseTopic: base,
    discovered: true,
    phases: info.phases,
    entityIds: info.entityIds,
    lastSeen: m.at,
  };
  const effects: Effect[] = [{ kind: 'changed', deviceId: id }];
  if (!base.startsWith(BASE_TOPIC_ROOT + '/') && (!known || known.baseTopic !== base)) {
    effects.unshift({ kind: 'baseTopic', deviceId: id, baseTopic: base });
  }
  return { state: put(s, record), effects };
}

function applyDeviceTopic(s: RegistryState, id: string, suffix: string, m: IncomingMessage): Reduction {
  const known = s.devices[id];
  if (suffix === 'update/install') {
    if (!known) return ignore(s, 'install request for an unknown device', m.topic);
    if (m.payload.toString('utf8') !== PAYLOAD_INSTALL) return ignore(s, 'install request with an unknown payload', m.topic);
    return { state: s, effects: [{ kind: 'installRequested', deviceId: id }] };
  }
  if (isOtherTraffic(suffix) && suffix !== 'cmd/result') return { state: s, effects: [] };
  if (m.payload.length === 0) return { state: s, effects: [] }; // a cleared retained message: nothing to learn
  const record: DeviceRecord = { ...(known ?? newRecord(id)), lastSeen: m.at };
  const changed: Effect = { kind: 'changed', deviceId: id };
  switch (suffix) {
    case 'availability': {
      const text = m.payload.toString('utf8');
      if (text !== 'online' && text !== 'offline') return ignore(s, 'availability is neither online nor offline', m.topic);
      record.online = text === 'online';
      return { state: put(s, record), effects: [{ kind: 'availability', deviceId: id, online: record.online }, changed] };
    }
    case 'state': {
      const state = parseState(m.payload);
      if (!state) return ignore(s, 'state message without valid readings', m.topic);
      record.state = { ...(known?.state ?? {}), ...state };
      if (known?.stateAt != null && m.at > known.stateAt) record.stateIntervalMs = m.at - known.stateAt;
      record.stateAt = m.at;
      return { state: put(s, record), effects: [{ kind: 'state', deviceId: id, state }, changed] };
    }
    case 'diagnostics': {
      const diagnostics = parseDiagnostics(m.payload);
      if (!diagnostics) return ignore(s, 'diagnostics message without valid fields', m.topic);
      record.diagnostics = diagnostics;
      return { state: put(s, record), effects: [{ kind: 'diagnostics', deviceId: id, diagnostics }, changed] };
    }
    case 'update': {
      const update = parseUpdateState(m.payload);
      if (!update) return ignore(s, 'update state does not match the contract', m.topic);
      record.update = update;
      return { state: put(s, record), effects: [{ kind: 'update', deviceId: id, update }, changed] };
    }
    case 'cmd/result': {
      const result = parseCommandResult(m.payload);
      if (!result) return ignore(s, 'command result does not match the contract', m.topic);
      if (result.command === 'update') record.lastUpdateResult = result;
      return { state: put(s, record), effects: [{ kind: 'commandResult', deviceId: id, result }, changed] };
    }
    default:
      return ignore(s, 'unknown topic below a device', m.topic);
  }
}

export function reduce(s: RegistryState, m: IncomingMessage): Reduction {
  if (m.payload.length > MAX_REGISTRY_PAYLOAD) return ignore(s, 'payload too large', m.topic);
  const prefix = s.discoveryPrefix + '/device/';
  if (m.topic.startsWith(prefix)) {
    const rest = m.topic.slice(prefix.length).split('/');
    if (rest.length !== 2 || rest[1] !== 'config' || !isDeviceId(rest[0] as string)) {
      return { state: s, effects: [] }; // another integration's device (zigbee2mqtt, ESPHome …)
    }
    return applyDiscovery(s, rest[0] as string, m);
  }
  const route = routeByBase(s, m.topic);
  if (!route) return { state: s, effects: [] }; // not a bridge topic
  return applyDeviceTopic(s, route.deviceId, route.suffix, m);
}
