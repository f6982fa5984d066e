// Topic authorisation for the embedded broker in add-on mode (issue 5: "a device may only publish under its own
// topics and the discovery prefix"). Pure: who may publish / subscribe what. home-assistant.md §6.2 explains why
// per-device rules matter (on a shared broker every client can read and write every topic).
//
// Identities: `full` (the options' login for Home Assistant and tools, anonymous clients in local mode, the add-on
// itself) may do anything; a `device` logs in with its device id (mep_<12 hex>) as user name.
//
// A device's base topic is any topic whose LAST level is its device id and whose other levels are not device ids:
// the default `mep/<id>` and custom ones like `house/meters/<id>`. Two such bases can never nest inside each other
// (the inner one would contain the outer device's id as a non-last level), so a device cannot reach another
// device's topics, while a user-chosen base topic keeps working without telling the broker. A custom base topic
// that does not end in the device id is refused in add-on mode (DOCS: use `…/<device id>`). The reference
// firmware's compatibility topics (discovery/compat.ts) live below the base topic (`<base>/sensors/mydatajson`,
// `<base>/lwt`), so they follow the same rule.
import { isDeviceId } from '../../../discovery/topics';

export type BrokerIdentity = { kind: 'full' } | { kind: 'device'; deviceId: string };

export interface AclConfig {
  /** HA discovery prefix, normally "homeassistant". */
  discoveryPrefix: string;
}

export type AclDecision = { allowed: true } | { allowed: false; reason: string };

const ALLOW: AclDecision = { allowed: true };
function deny(reason: string): AclDecision {
  return { allowed: false, reason };
}

/** Below a device's base: topics only the add-on or Home Assistant publish (commands, the update entity's latest
 *  version and install button). A device publishing them could command itself or fake what the add-on offers. */
const ADDON_ONLY_SUFFIXES = ['cmd/restart', 'cmd/poll', 'cmd/config', 'cmd/update', 'update/latest', 'update/install'];

/** The index of `deviceId` as a topic level such that the levels before it are not device ids, or -1 (the end of
 *  that device's base topic; discovery-check.ts uses it too). */
export function ownBaseEnd(levels: string[], deviceId: string): number {
  for (let i = 0; i < levels.length; i++) {
    if (levels[i] === deviceId) return i;
    if (isDeviceId(levels[i] as string)) return -1;
  }
  return -1;
}

function underDiscoveryPrefix(topic: string, config: AclConfig): boolean {
  return topic === config.discoveryPrefix || topic.startsWith(config.discoveryPrefix + '/');
}

export function authorizePublish(identity: BrokerIdentity, topic: string, config: AclConfig): AclDecision {
  if (identity.kind === 'full') return ALLOW;
  const id = identity.deviceId;
  if (topic === `${config.discoveryPrefix}/device/${id}/config`) return ALLOW;
  if (underDiscoveryPrefix(topic, config)) return deny(`${id} may publish only its own discovery topic`);
  if (topic.startsWith('$')) return deny('$ topics are reserved');
  const levels = topic.split('/');
  const end = ownBaseEnd(levels, id);
  if (end < 0 || end === levels.length - 1) return deny(`${topic} is not below ${id}'s base topic`);
  const suffix = levels.slice(end + 1).join('/');
  if (ADDON_ONLY_SUFFIXES.indexOf(suffix) >= 0) return deny(`${suffix} is published by the add-on, not the device`);
  return ALLOW;
}

/** Devices subscribe to their command topics (`<base>/cmd/+` or one of them) and HA's birth topic. */
export function authorizeSubscribe(identity: BrokerIdentity, filter: string, config: AclConfig): AclDecision {
  if (identity.kind === 'full') return ALLOW;
  const id = identity.deviceId;
  if (filter === `${config.discoveryPrefix}/status`) return ALLOW;
  const levels = filter.split('/');
  const end = ownBaseEnd(levels, id);
  const wildcardInBase = levels.slice(0, Math.max(end, 0)).some((l) => l === '+' || l === '#');
  if (end >= 0 && !wildcardInBase && levels.length === end + 3 && levels[end + 1] === 'cmd') {
    const last = levels[end + 2] as string;
    if (last === '+' || last === '#' || (last !== 'result' && /^[a-z]+$/.test(last))) return ALLOW;
  }
  return deny(`${id} may subscribe only to its own command topics and ${config.discoveryPrefix}/status`);
}
