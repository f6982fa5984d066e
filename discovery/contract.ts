// The device <-> add-on wire contract (architecture-and-style.md C4): what travels on each topic of topics.ts.
// Keys are snake_case on the wire. Numbers are already in the entity's unit (entities.ts) and printed with toFixed.
// A key that is absent means "no new value" (HA keeps the last one for numeric sensors); numbers are never null.

/** Retained payloads of <base>/availability (Last Will = offline, home-assistant.md §3.4). */
export type Availability = 'online' | 'offline';
export const AVAILABILITY_ONLINE: Availability = 'online';
export const AVAILABILITY_OFFLINE: Availability = 'offline';
/** What HA's buttons publish on <base>/cmd/restart and <base>/cmd/poll (§3.6). */
export const PAYLOAD_PRESS = 'PRESS';

/** <base>/state: one message per poll; keys = entities.ts rows with topic 'state'. */
export interface StatePayload {
  energy_import?: number;
  energy_export?: number;
  reactive_energy_import?: number;
  reactive_energy_export?: number;
  power_import?: number;
  power_export?: number;
  /** power_import - power_export, signed. */
  power_net?: number;
  power_import_l1?: number;
  power_import_l2?: number;
  power_import_l3?: number;
  power_export_l1?: number;
  power_export_l2?: number;
  power_export_l3?: number;
  voltage_l1?: number;
  voltage_l2?: number;
  voltage_l3?: number;
  current_l1?: number;
  current_l2?: number;
  current_l3?: number;
  /** Ratio -1..1 (meter 1/1000 units divided by 1000). */
  power_factor_l1?: number;
  power_factor_l2?: number;
  power_factor_l3?: number;
  frequency?: number;
  reactive_power_import?: number;
  reactive_power_export?: number;
  apparent_power?: number;
  /** ISO 8601 with zone. */
  meter_clock?: string;
}

/** <base>/diagnostics: the device's health; keys = entities.ts rows with topic 'diagnostics'. */
export interface DiagnosticsPayload {
  /** One of entities.ts LINK_STATES. */
  link_state?: string;
  last_error?: string;
  /** dBm. */
  wifi_rssi?: number;
  ip_address?: string;
  /** ISO 8601 with zone; omitted until the wall clock is known. */
  last_boot?: string;
  /** Bytes. */
  free_memory?: number;
  polls?: number;
  poll_errors?: number;
  /** JS time of one poll cycle in the firmware, ms: median and largest of the last 16 cycles; omitted before the
   *  first cycle. */
  poll_ms?: number;
  poll_ms_max?: number;
  /** The mean per phase, e.g. "build 1.0 / verify 2.5 / decode 0.8 / publish 3.1 ms". */
  poll_phases?: string;
  /** Commands refused since boot (unsigned, bad-mac, stale-counter: command-mac.ts); 0 on a module not paired. */
  refused_commands?: number;
  /** Bridge firmware version. */
  firmware?: string;
}

/** <base>/cmd/restart and <base>/cmd/poll: PAYLOAD_PRESS from HA, or this JSON from the add-on to get a
 *  CommandResult with the same id. */
export interface ButtonCommand {
  id: string;
}

/** <base>/cmd/config: configuration pushed by the add-on. Absent fields stay unchanged. Paths in
 *  CONFIG_SECRET_FIELDS are secrets: the publisher must not retain the message (every MQTT client may read it,
 *  home-assistant.md §0 #16), and the device never echoes, logs or republishes their values. */
export interface ConfigCommand {
  /** Request id, echoed in CommandResult.id. */
  id: string;
  name?: string;
  wifi?: { ssid?: string; password?: string };
  mqtt?: {
    host?: string;
    port?: number;
    username?: string;
    password?: string;
    base_topic?: string;
    discovery_prefix?: string;
    /** Also publish the reference firmware's topics (compat.ts). */
    compatibility?: boolean;
  };
  meter?: {
    /** MBK: 20 ASCII characters (16 used) or the 40-hex form (spec §4.1, home-assistant.md §0 #17). */
    key?: string;
    poll_interval_s?: number;
    reply_digest?: 'off' | 'log' | 'enforce';
  };
}

/** <base>/cmd/read, not retained (issue 13): a raw partial read of a meter table for the add-on, which decodes it
 *  in Node (device/src/meter/tables): the module relays the bytes and never decodes them. Signed like every command
 *  when the module is paired. The meter session performs it between its regular polls, one at a time (a second
 *  while one is pending is refused); the answer is a CommandResult with `table`, `offset` and `hex`. */
export interface ReadCommand {
  /** Request id, echoed in CommandResult.id. */
  id: string;
  /** Table id: BTnn = nn, ETnn = 2048 + nn (0x0000–0xFFFF). */
  table: number;
  /** First byte, 0–0xFFFFFF. */
  offset: number;
  /** Bytes, 1–465 (the most one reply carries: guide p. 8). */
  count: number;
}

/** The largest `count` of a read command (476-byte messages: guide p. 8). */
export const READ_MAX_COUNT = 465;

/** What an update package is: the firmware application (.bin) or the web bundle (.wwws). */
export type PackageKind = 'bin' | 'wwws';

/** <base>/cmd/update, not retained: the add-on asks the device to pull a package over HTTP (issue 4/5).
 *  The device downloads `url` in chunks with HTTP Range requests (resuming after a dropped connection), sending
 *  `Authorization: Bearer <token>`; it verifies size and SHA-256 before anything running is touched. */
export interface UpdateCommand {
  /** Request id, echoed in CommandResult.id. */
  id: string;
  kind: PackageKind;
  /** http:// URL on a port the device can reach (no TLS on the device, espruino.md §2.8). */
  url: string;
  /** Package length in bytes. */
  size: number;
  /** Lower-case hex SHA-256 of the whole package. */
  sha256: string;
  /** Version the package carries (the .bin header's firmware version, the .wwws bundle version). */
  version: string;
  /** One-time download token; a secret: never logged or echoed. */
  token: string;
}

/** <base>/update, retained: the state_topic JSON of Home Assistant's MQTT update entity (keys as HA reads them).
 *  latest_version is deliberately absent: the add-on publishes it on <base>/update/latest. */
export interface UpdateState {
  installed_version: string;
  in_progress: boolean;
  /** 0..100 while downloading/verifying, null otherwise. */
  update_percentage: number | null;
  title?: string;
  /** Short text of the last update outcome, e.g. "rolled back: 1.2.0 never became healthy". */
  release_summary?: string;
}

/** What HA's update entity publishes on <base>/update/install. */
export const PAYLOAD_INSTALL = 'install';

/** Secret paths of ConfigCommand (the same paths as device/src/settings SECRET_FIELDS). */
export const CONFIG_SECRET_FIELDS: readonly string[] = ['wifi.password', 'mqtt.password', 'meter.key'];

/** <base>/cmd/result, not retained: the outcome of one command. */
export interface CommandResult {
  /** The command's id; null for a plain PRESS. */
  id: string | null;
  command: 'restart' | 'poll' | 'config' | 'update' | 'read';
  ok: boolean;
  /** Short ASCII reason when !ok; never contains a secret. */
  error?: string;
  /** config: dotted paths applied (secret paths by name only). */
  applied?: string[];
  /** config: the device restarts to apply them; update: the device reboots into the new firmware (on trial). */
  restart?: boolean;
  /** update: the version now installed (a .wwws is live at once; a .bin once it has booted healthy). */
  version?: string;
  /** error "stale-counter" (command-mac.ts): the counter floor the module holds; the add-on resends above it. */
  counter_floor?: number;
  /** read: the table and offset read, and the bytes as lower-case hex (2 × count characters). */
  table?: number;
  offset?: number;
  hex?: string;
}

/** Topic name (topics.ts Topics) -> payload type: the one map device, add-on and tests share. */
export interface TopicPayloads {
  availability: Availability;
  state: StatePayload;
  diagnostics: DiagnosticsPayload;
  cmdRestart: typeof PAYLOAD_PRESS | ButtonCommand;
  cmdPoll: typeof PAYLOAD_PRESS | ButtonCommand;
  cmdConfig: ConfigCommand;
  cmdUpdate: UpdateCommand;
  cmdRead: ReadCommand;
  cmdResult: CommandResult;
  update: UpdateState;
  updateLatest: string;
  updateInstall: typeof PAYLOAD_INSTALL;
  /** JSON text of payloads.ts buildDiscoveryPayload, or '' to remove the device. */
  discovery: string;
  haStatus: Availability;
}

export interface PublishOptions {
  qos: 0 | 1;
  retain: boolean;
}

/** How each topic is published. Retained: availability (LWT), diagnostics and discovery (C5); never retained:
 *  state (the device republishes after HA's birth), commands (secrets) and results. */
export const PUBLISH: { [topic: string]: PublishOptions } = {
  availability: { qos: 1, retain: true },
  state: { qos: 0, retain: false },
  diagnostics: { qos: 0, retain: true },
  cmdResult: { qos: 1, retain: false },
  discovery: { qos: 1, retain: true },
  cmdRestart: { qos: 1, retain: false },
  cmdPoll: { qos: 1, retain: false },
  cmdConfig: { qos: 1, retain: false },
  cmdUpdate: { qos: 1, retain: false },
  cmdRead: { qos: 1, retain: false },
  update: { qos: 1, retain: true },
  updateLatest: { qos: 1, retain: true },
  updateInstall: { qos: 1, retain: false },
};

/** A copy of a config command with every secret value replaced by "***" (for logs and the add-on panel). */
export function redactConfigCommand(cmd: ConfigCommand): ConfigCommand {
  const copy = JSON.parse(JSON.stringify(cmd)) as { [k: string]: { [k: string]: unknown } };
  for (let i = 0; i < CONFIG_SECRET_FIELDS.length; i++) {
    const path = (CONFIG_SECRET_FIELDS[i] as string).split('.');
    const group = copy[path[0] as string];
    const field = path[1] as string;
    if (group && typeof group === 'object' && group[field] !== undefined) group[field] = '***';
  }
  return copy as unknown as ConfigCommand;
}
