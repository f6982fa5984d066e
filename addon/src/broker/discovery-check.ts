// What a module may say in its own discovery message (issue 11 attack 3: a sensor on module B whose state topic was
// A's cmd/config with `value_template: {{ value_json.meter.key }}` would make Home Assistant record A's MBK key in
// its history; a button on B could command A). Pure. Every topic in the payload (any key ending in `_topic` or its
// abbreviation `_t`, and `t`/`topic` inside availability entries, after expanding HA's `~` base) must lie below the
// module's own base topic (acl.ts baseEnd: a topic whose device-id level is this module's id), and only command
// topics (`command_topic`, `cmd_t`, `*_command_topic`, `*_cmd_t`) may point at `<base>/cmd/…`. An empty payload
// (removing the device) is always fine; anything that is not a JSON object is refused.
import { ownBaseEnd } from './acl';

export type DiscoveryVerdict = { ok: true } | { ok: false; reason: string };

const MAX_DEPTH = 8;

function isTopicKey(key: string, inAvailability: boolean): boolean {
  if (inAvailability && (key === 't' || key === 'topic')) return true;
  return key.endsWith('_topic') || key.endsWith('_t');
}

function isCommandKey(key: string): boolean {
  return key === 'command_topic' || key === 'cmd_t' || key.endsWith('_command_topic') || key.endsWith('_cmd_t');
}

/** HA replaces `~` at the start or the end of a topic value with the base from the same object (or a parent). */
function expand(value: string, tilde: string | null): string {
  if (tilde === null) return value;
  if (value.startsWith('~')) return tilde + value.slice(1);
  if (value.endsWith('~')) return value.slice(0, -1) + tilde;
  return value;
}

export function checkDiscoveryPayload(deviceId: string, payload: Buffer): DiscoveryVerdict {
  if (payload.length === 0) return { ok: true };
  let root: unknown;
  try {
    root = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ok: false, reason: 'the discovery message is not JSON' };
  }
  if (typeof root !== 'object' || root === null || Array.isArray(root)) return { ok: false, reason: 'the discovery message is not a JSON object' };
  return walk(deviceId, root, null, false, '', 0);
}

function walk(deviceId: string, node: unknown, parentTilde: string | null, inAvailability: boolean, path: string, depth: number): DiscoveryVerdict {
  if (depth > MAX_DEPTH) return { ok: false, reason: 'the discovery message nests too deep' };
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const v = walk(deviceId, node[i], parentTilde, inAvailability, `${path}[${i}]`, depth + 1);
      if (!v.ok) return v;
    }
    return { ok: true };
  }
  if (typeof node !== 'object' || node === null) return { ok: true };
  const obj = node as { [key: string]: unknown };
  let tilde = parentTilde;
  if (Object.prototype.hasOwnProperty.call(obj, '~')) {
    if (typeof obj['~'] !== 'string') return { ok: false, reason: `${path}~ is not a topic` };
    tilde = obj['~'];
    const v = checkTopic(deviceId, tilde, false, `${path}~`, true);
    if (!v.ok) return v;
  }
  for (const key of Object.keys(obj)) {
    if (key === '~') continue;
    const value = obj[key];
    const at = path === '' ? key : `${path}.${key}`;
    if (isTopicKey(key, inAvailability)) {
      if (typeof value !== 'string') return { ok: false, reason: `${at} is not a topic` };
      const v = checkTopic(deviceId, expand(value, tilde), isCommandKey(key), at, false);
      if (!v.ok) return v;
      continue;
    }
    const v = walk(deviceId, value, tilde, key === 'avty' || key === 'availability', at, depth + 1);
    if (!v.ok) return v;
  }
  return { ok: true };
}

function checkTopic(deviceId: string, topic: string, command: boolean, at: string, isBase: boolean): DiscoveryVerdict {
  if (topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0 || topic.startsWith('$')) return { ok: false, reason: `${at} is not a plain topic` };
  const levels = topic.split('/');
  const end = ownBaseEnd(levels, deviceId);
  if (end < 0) return { ok: false, reason: `${at} lies outside ${deviceId}'s own topics` };
  if (isBase) return { ok: true };
  if (!command && levels[end + 1] === 'cmd') return { ok: false, reason: `${at} reads a command topic` };
  return { ok: true };
}
