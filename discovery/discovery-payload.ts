// The device-based discovery message (home-assistant.md §3.2-§3.5, architecture-and-style.md C5), built as
// chunks so the device never holds it as one string: head (dev, o, shared availability/state topic, qos), one
// chunk per component, tail. Their concatenation is the JSON; key order is fixed (golden files, dedupe).
import { ABBR, DEVICE_ABBR, ORIGIN_ABBR } from './abbreviations';
import { AVAILABILITY_OFFLINE, AVAILABILITY_ONLINE, PAYLOAD_INSTALL, PAYLOAD_PRESS } from './contract';
import { entitiesFor, EntityDescriptor, ENTITIES, meterHas } from './entities';
import { jsonFixed, jsonString, object, prop, propString } from './json';
import { buildTopics, commandTopic, Topics } from './topics';

/** Origin name (§3.5). */
export const ORIGIN_NAME = 'MEP Bridge';
/** Subscription QoS for HA (state, availability) and its button publishes; shared at the root. */
export const DISCOVERY_QOS = 1;
const SLUG_MAX = 40;

/** Meter identity from BT01 / ET03 (spec §10.1, §10.7); goes into the device block, not into entities. */
export interface MeterIdentity {
  manufacturer?: string;
  model?: string;
  serial?: string;
  /** Meter firmware, e.g. "4.52" (BT01 FW version.revision). */
  firmware?: string;
  /** Meter hardware, e.g. "3.1" (BT01 HW version.revision). */
  hardware?: string;
}

export interface DiscoveryContext {
  /** deviceIdFromMac (topics.ts). */
  deviceId: string;
  /** Base topic from the settings; empty/invalid = mep/<device id>. */
  baseTopic: string;
  /** Usually "homeassistant". */
  discoveryPrefix: string;
  /** Friendly device name (settings). */
  deviceName: string;
  /** Absent until BT01 has been read. */
  meter?: MeterIdentity;
  /** Bridge firmware version (origin sw). */
  firmwareVersion: string;
  phases: 1 | 3;
  /** Device page link: the add-on panel or http://<device ip>/. */
  configurationUrl?: string;
  /** Origin support URL (§3.5). */
  supportUrl?: string;
  /** expire_after (s) for the 'reading' sensors, e.g. 3 poll intervals; absent = never expire (§3.3). */
  expireAfterS?: number;
}

/** Lower-case [a-z0-9_] slug of a name for entity ids; "" when nothing usable is left. */
export function slugify(name: string): string {
  const lower = name.toLowerCase();
  let out = '';
  for (let i = 0; i < lower.length && out.length < SLUG_MAX; i++) {
    const c = lower.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) out += lower.charAt(i);
    else if (out.length > 0 && out.charAt(out.length - 1) !== '_') out += '_';
  }
  while (out.length > 0 && out.charAt(out.length - 1) === '_') out = out.substring(0, out.length - 1);
  return out;
}

/** default_entity_id, e.g. sensor.mep_bridge_energy_import (§0 #10: the full id incl. domain, not object_id).
 *  The object part is the device-name slug (the device id when the name has none) + the stable key. */
export function defaultEntityId(e: EntityDescriptor, deviceName: string, deviceId: string): string {
  const slug = slugify(deviceName);
  return e.component + '.' + (slug === '' ? deviceId : slug) + '_' + e.key;
}

/** unique_id: <device id>_<key> (§3.3). */
export function uniqueId(deviceId: string, key: string): string {
  return deviceId + '_' + key;
}

/** Template reading `key` from the JSON state message. A missing key renders '' for numeric sensors (HA ignores
 *  an empty state: last value kept, no 0) or 'None' for text/enum/timestamp (HA's "unknown"), without HA's
 *  "Template variable warning" that a bare {{ value_json.key }} logs for every missing key (§3.3). */
export function valueTemplate(e: EntityDescriptor): string {
  const fallback = e.decimals !== undefined ? "''" : "'None'";
  return '{{ value_json.' + e.key + ' | default(' + fallback + ') }}';
}

/** Row i of an entity table, or undefined past its end. The firmware reads rows one at a time from Storage
 *  (discovery/entity-rows.ts) instead of holding the ENTITIES object tree (~1,800 JsVars on the device). */
export type EntityRows = (i: number) => EntityDescriptor | undefined;

/** ENTITIES as EntityRows. */
export function tableRow(i: number): EntityDescriptor | undefined {
  return ENTITIES[i];
}

function trimmed(s: string | undefined): string {
  return s === undefined ? '' : s.trim();
}

function deviceBlock(ctx: DiscoveryContext): string {
  const parts = [prop(DEVICE_ABBR.identifiers, '[' + jsonString(ctx.deviceId) + ']')];
  parts.push(propString(DEVICE_ABBR.name, ctx.deviceName));
  const m = ctx.meter;
  const fields: [string, string][] = [
    [DEVICE_ABBR.manufacturer, trimmed(m && m.manufacturer)],
    [DEVICE_ABBR.model, trimmed(m && m.model)],
    [DEVICE_ABBR.serial_number, trimmed(m && m.serial)],
    [DEVICE_ABBR.sw_version, trimmed(m && m.firmware)],
    [DEVICE_ABBR.hw_version, trimmed(m && m.hardware)],
    [DEVICE_ABBR.configuration_url, trimmed(ctx.configurationUrl)],
  ];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as [string, string];
    if (f[1] !== '') parts.push(propString(f[0], f[1]));
  }
  return object(parts);
}

function originBlock(ctx: DiscoveryContext): string {
  const parts = [propString(ORIGIN_ABBR.name, ORIGIN_NAME)];
  if (trimmed(ctx.firmwareVersion) !== '') parts.push(propString(ORIGIN_ABBR.sw_version, ctx.firmwareVersion.trim()));
  if (trimmed(ctx.supportUrl) !== '') parts.push(propString(ORIGIN_ABBR.support_url, trimmed(ctx.supportUrl)));
  return object(parts);
}

function stringArray(values: readonly string[]): string {
  const items: string[] = [];
  for (let i = 0; i < values.length; i++) items.push(jsonString(values[i] as string));
  return '[' + items.join(',') + ']';
}

/** The JSON object of one component (without its key). */
export function componentJson(e: EntityDescriptor, ctx: DiscoveryContext, topics: Topics): string {
  const parts = [
    propString(ABBR.platform, e.component),
    propString(ABBR.unique_id, uniqueId(ctx.deviceId, e.key)),
    propString(ABBR.default_entity_id, defaultEntityId(e, ctx.deviceName, ctx.deviceId)),
    propString(ABBR.name, e.name),
  ];
  if (e.device_class !== undefined) parts.push(propString(ABBR.device_class, e.device_class));
  if (e.unit_of_measurement !== undefined) parts.push(propString(ABBR.unit_of_measurement, e.unit_of_measurement));
  if (e.state_class !== undefined) parts.push(propString(ABBR.state_class, e.state_class));
  if (e.suggested_display_precision !== undefined) {
    parts.push(prop(ABBR.suggested_display_precision, jsonFixed(e.suggested_display_precision, 0)));
  }
  if (e.options !== undefined) parts.push(prop(ABBR.options, stringArray(e.options)));
  if (e.entity_category !== undefined) parts.push(propString(ABBR.entity_category, e.entity_category));
  if (!e.enabled_by_default) parts.push(prop(ABBR.enabled_by_default, 'false'));
  if (e.icon !== undefined) parts.push(propString(ABBR.icon, e.icon));
  if (e.topic !== undefined) {
    // The root stat_t is the state topic (shared option, §3.2); only diagnostics rows name their topic.
    if (e.topic === 'diagnostics') parts.push(propString(ABBR.state_topic, topics.diagnostics));
    parts.push(propString(ABBR.value_template, valueTemplate(e)));
    if (ctx.expireAfterS !== undefined && ctx.expireAfterS > 0 && e.group === 'reading') {
      parts.push(prop(ABBR.expire_after, jsonFixed(Math.round(ctx.expireAfterS), 0)));
    }
  }
  if (e.component === 'update') {
    // The JSON state carries installed_version, in_progress, update_percentage, release_summary (UpdateState).
    parts.push(propString(ABBR.state_topic, topics.update));
    parts.push(propString(ABBR.latest_version_topic, topics.updateLatest));
    parts.push(propString(ABBR.command_topic, topics.updateInstall));
    parts.push(propString(ABBR.payload_install, PAYLOAD_INSTALL));
  }
  if (e.command !== undefined) {
    parts.push(propString(ABBR.command_topic, commandTopic(topics, e.command)));
    parts.push(propString(ABBR.payload_press, PAYLOAD_PRESS));
  }
  return object(parts);
}

function headChunk(ctx: DiscoveryContext, topics: Topics): string {
  return (
    '{' +
    [
      prop(ABBR.device, deviceBlock(ctx)),
      prop(ABBR.origin, originBlock(ctx)),
      propString(ABBR.availability_topic, topics.availability),
      propString(ABBR.payload_available, AVAILABILITY_ONLINE),
      propString(ABBR.payload_not_available, AVAILABILITY_OFFLINE),
      propString(ABBR.state_topic, topics.state),
      prop(ABBR.qos, jsonFixed(DISCOVERY_QOS, 0)),
    ].join(',') +
    ',"' + ABBR.components + '":{'
  );
}

/** Head + one per component + tail. */
export function discoveryChunkCount(ctx: DiscoveryContext): number {
  return entitiesFor(ctx.phases).length + 2;
}

/**
 * The message's chunks (0 = head, one per component, tail last; null past the end) from the entities in `rows`, made
 * on demand: build, send, drop, one at a time on the device. Asking for the next index continues from the last row
 * read, so a pass over the message reads each row once (the device makes two: its length, then its bytes); any
 * other index starts the scan over.
 */
export function discoveryChunksIn(rows: EntityRows, ctx: DiscoveryContext): (index: number) => string | null {
  let row = 0; // the first row not read yet
  let seen = 0; // entities of this meter among the rows read
  return (index) => {
    // Made per chunk, not kept: on the device it would stay in RAM (~80 JsVars) as long as the message is sent.
    const topics = buildTopics(ctx.deviceId, ctx.baseTopic, ctx.discoveryPrefix);
    if (index === 0) return headChunk(ctx, topics);
    if (index < 0) return null;
    const wanted = index - 1;
    if (wanted < seen) row = seen = 0;
    for (let e = rows(row); e !== undefined; e = rows(row)) {
      row++;
      if (!meterHas(ctx.phases, e)) continue;
      if (seen++ === wanted) return (wanted > 0 ? ',' : '') + prop(e.key, componentJson(e, ctx, topics));
    }
    return seen === wanted ? '}}' : null;
  };
}

/** Chunk `index` of the discovery message (0 = head, last = tail), or null past the end. */
export function discoveryChunk(ctx: DiscoveryContext, index: number): string | null {
  return discoveryChunksIn(tableRow, ctx)(index);
}

/** All chunks; their concatenation is buildDiscoveryPayload(ctx). */
export function discoveryChunks(ctx: DiscoveryContext): string[] {
  const out: string[] = [];
  const chunks = discoveryChunksIn(tableRow, ctx);
  for (let i = 0; ; i++) {
    const chunk = chunks(i);
    if (chunk === null) return out;
    out.push(chunk);
  }
}

/** Bytes of the payload (all ASCII, so characters = bytes): the MQTT PUBLISH length, computed chunk by chunk. */
export function discoveryLength(ctx: DiscoveryContext): number {
  let total = 0;
  const chunks = discoveryChunksIn(tableRow, ctx);
  for (let i = 0; ; i++) {
    const chunk = chunks(i);
    if (chunk === null) return total;
    total += chunk.length;
  }
}

/** The whole discovery JSON (Node side, tests, the add-on). */
export function buildDiscoveryPayload(ctx: DiscoveryContext): string {
  return discoveryChunks(ctx).join('');
}

/** Removes the device and all its entities from HA: an empty retained payload on the discovery topic (§3.2). */
export function discoveryRemoval(discoveryPrefix: string, deviceId: string): { topic: string; payload: string } {
  return { topic: buildTopics(deviceId, undefined, discoveryPrefix).discovery, payload: '' };
}
