// Every MQTT topic of the bridge, defined once (architecture-and-style.md C4; home-assistant.md §3.1, §3.4).
//   device id      mep_<12 hex of the module MAC>: stable across reboots, firmware updates and MBK key changes
//   base           <base topic>, default mep/<device id>
//   availability   <base>/availability   retained online/offline, offline = the MQTT Last Will
//   state          <base>/state          one JSON message per poll (contract.ts StatePayload)
//   diagnostics    <base>/diagnostics    the device's own health (DiagnosticsPayload)
//   commands       <base>/cmd/restart, <base>/cmd/poll, <base>/cmd/config, <base>/cmd/update; results on <base>/cmd/result
//   update entity  <base>/update (device, retained UpdateState), <base>/update/latest (add-on, retained version text),
//                  <base>/update/install (HA's install button -> the add-on, which then sends cmd/update)
//   discovery      <prefix>/device/<device id>/config (device-based discovery, §3.2); HA birth <prefix>/status
import { DeviceCommand } from './entities';

export const DEFAULT_DISCOVERY_PREFIX = 'homeassistant';
/** First level of the default base topic. */
export const BASE_TOPIC_ROOT = 'mep';
export const DEVICE_ID_PREFIX = 'mep_';

export interface Topics {
  base: string;
  availability: string;
  state: string;
  diagnostics: string;
  cmdRestart: string;
  cmdPoll: string;
  cmdConfig: string;
  /** Add-on -> device: pull an update package (contract.ts UpdateCommand). */
  cmdUpdate: string;
  /** Add-on -> device: a raw partial table read (contract.ts ReadCommand, issue 13). */
  cmdRead: string;
  cmdResult: string;
  /** Subscription filter for all commands: <base>/cmd/+ (also matches cmd/result: ignore it, commandOf does). */
  cmdFilter: string;
  /** Device-based discovery config topic. */
  discovery: string;
  /** HA's birth/will topic: republish discovery (with a random delay) when it says online (§3.4). */
  haStatus: string;
  /** Device -> retained UpdateState: the state_topic of the HA MQTT update entity. */
  update: string;
  /** Add-on -> retained latest firmware version text: the update entity's latest_version_topic. */
  updateLatest: string;
  /** HA -> add-on: the update entity's command_topic (payload PAYLOAD_INSTALL). The device ignores it. */
  updateInstall: string;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66);
}

/** `mep_<12 lower-case hex>` from a MAC such as "24:0A:C4:12:34:56" (':', '-', '.' separators or none).
 *  null for anything else, and for the all-zero and broadcast addresses (a HAL that has no MAC yet). */
export function deviceIdFromMac(mac: string): string | null {
  const lower = mac.toLowerCase();
  let hex = '';
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if (isHex(c)) hex += lower.charAt(i);
    else if (c !== 0x3a && c !== 0x2d && c !== 0x2e) return null;
  }
  if (hex.length !== 12 || hex === '000000000000' || hex === 'ffffffffffff') return null;
  return DEVICE_ID_PREFIX + hex;
}

/** True for an id deviceIdFromMac can return (also a valid discovery object id, §3.1). */
export function isDeviceId(id: string): boolean {
  if (id.length !== DEVICE_ID_PREFIX.length + 12 || id.substring(0, DEVICE_ID_PREFIX.length) !== DEVICE_ID_PREFIX) {
    return false;
  }
  for (let i = DEVICE_ID_PREFIX.length; i < id.length; i++) if (!isHex(id.charCodeAt(i))) return false;
  return true;
}

/** mep/<device id>. */
export function defaultBaseTopic(deviceId: string): string {
  return BASE_TOPIC_ROOT + '/' + deviceId;
}

/** A topic prefix we can publish below: 1..100 printable ASCII characters, no wildcards (+ #), no empty level,
 *  no leading or trailing '/', and not starting with '$' (broker-reserved). */
export function isValidTopicPrefix(topic: string): boolean {
  if (topic.length < 1 || topic.length > 100) return false;
  if (topic.charAt(0) === '/' || topic.charAt(topic.length - 1) === '/' || topic.charAt(0) === '$') return false;
  if (topic.indexOf('//') >= 0) return false;
  for (let i = 0; i < topic.length; i++) {
    const c = topic.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || c === 0x2b || c === 0x23) return false;
  }
  return true;
}

/** <prefix>/device/<device id>/config. */
export function discoveryTopic(discoveryPrefix: string, deviceId: string): string {
  return discoveryPrefix + '/device/' + deviceId + '/config';
}

/** All topics of one device. An empty or invalid baseTopic / discoveryPrefix falls back to the default (settings
 *  validation should have rejected it before; the device must still come up with working topics). */
export function buildTopics(deviceId: string, baseTopic?: string, discoveryPrefix?: string): Topics {
  const base = baseTopic !== undefined && isValidTopicPrefix(baseTopic) ? baseTopic : defaultBaseTopic(deviceId);
  const prefix =
    discoveryPrefix !== undefined && isValidTopicPrefix(discoveryPrefix) ? discoveryPrefix : DEFAULT_DISCOVERY_PREFIX;
  const cmd = base + '/cmd/';
  return {
    base,
    availability: base + '/availability',
    state: base + '/state',
    diagnostics: base + '/diagnostics',
    cmdRestart: cmd + 'restart',
    cmdPoll: cmd + 'poll',
    cmdConfig: cmd + 'config',
    cmdUpdate: cmd + 'update',
    cmdRead: cmd + 'read',
    cmdResult: cmd + 'result',
    cmdFilter: cmd + '+',
    discovery: discoveryTopic(prefix, deviceId),
    haStatus: prefix + '/status',
    update: base + '/update',
    updateLatest: base + '/update/latest',
    updateInstall: base + '/update/install',
  };
}

/** The command a received topic asks for, or null (cmd/result and foreign topics). */
export function commandOf(topics: Topics, topic: string): DeviceCommand | 'config' | 'update' | null {
  if (topic === topics.cmdRestart) return 'restart';
  if (topic === topics.cmdPoll) return 'poll';
  if (topic === topics.cmdConfig) return 'config';
  if (topic === topics.cmdUpdate) return 'update';
  return null;
}

/** Command topic of a button's command. */
export function commandTopic(topics: Topics, command: DeviceCommand): string {
  return command === 'restart' ? topics.cmdRestart : topics.cmdPoll;
}
