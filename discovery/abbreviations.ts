// Home Assistant's abbreviated MQTT discovery keys (home-assistant.md §3.3), each documented once. HA expands them
// before validating, so the long names are equally valid; the short ones only save RAM and bytes on the device
// (architecture-and-style.md C5). Source of truth: shared/schemas/ha-mqtt-discovery-abbreviations.json (a test
// checks every pair below against it). They are string enums, not objects: the firmware bundler (esbuild) writes
// each value where it is used, so the discovery module keeps no table in RAM while it runs (~125 JsVars, issue 9).

/** Keys at the root of a device-based discovery payload and inside each component (§3.2). */
export enum ABBR {
  /** Device block: identity of the meter as seen through this bridge (C5 "Metadata"). */
  device = 'dev',
  /** Origin block: the software that published the discovery; mandatory for device-based discovery (§3.5). */
  origin = 'o',
  /** The entities of the device, keyed by component id (§3.2). */
  components = 'cmps',
  /** Entity platform of one component: sensor, button, ... (§3.2). */
  platform = 'p',
  /** Topic with the device's retained LWT (§3.4). Shared by all components when set at the root. */
  availability_topic = 'avty_t',
  /** Payload meaning "online" on availability_topic. */
  payload_available = 'pl_avail',
  /** Payload meaning "offline" on availability_topic. */
  payload_not_available = 'pl_not_avail',
  /** Topic a sensor reads; at the root it is the default for every component (§3.2 shared options). */
  state_topic = 'stat_t',
  /** Topic a button publishes to when pressed (§3.6). */
  command_topic = 'cmd_t',
  /** What a button publishes (§3.6). */
  payload_press = 'pl_prs',
  /** Update entity: topic with the latest available version as plain text (contract.ts, topics.ts updateLatest). */
  latest_version_topic = 'l_ver_t',
  /** Update entity: what HA publishes on command_topic when the user presses Install. */
  payload_install = 'pl_inst',
  /** Stable id, `<deviceId>_<key>` (§3.3). */
  unique_id = 'uniq_id',
  /** Entity id suggested at creation, e.g. `sensor.mep_bridge_energy_import`; replaces object_id (§0 #10). */
  default_entity_id = 'def_ent_id',
  /** HA device class; must exist or the entity is rejected (§0 #11). */
  device_class = 'dev_cla',
  /** Unit; must be valid for the device class (§4.4, ha-sensor-units.json). */
  unit_of_measurement = 'unit_of_meas',
  /** measurement / total / total_increasing (§4.1, §4.2). */
  state_class = 'stat_cla',
  /** Decimals HA shows (§3.3). */
  suggested_display_precision = 'sug_dsp_prc',
  /** `diagnostic` (sensors) or `config` (buttons) (§3.3, §3.6). */
  entity_category = 'ent_cat',
  /** false: the entity is created disabled. */
  enabled_by_default = 'en',
  /** mdi:... icon. */
  icon = 'ic',
  /** Allowed states of an enum sensor (§3.3). */
  options = 'ops',
  /** Jinja template extracting the value from the JSON state message. */
  value_template = 'val_tpl',
  /** Seconds after which a sensor without updates becomes unavailable (§3.3). */
  expire_after = 'exp_aft',
  /** QoS HA uses for its subscriptions and button publishes; shared at the root. */
  qos = 'qos',
  /** Entity name (the friendly name is device name + this, §3.3). */
  name = 'name',
}

/** Keys of the device block (`dev`). */
export enum DEVICE_ABBR {
  identifiers = 'ids',
  name = 'name',
  manufacturer = 'mf',
  model = 'mdl',
  serial_number = 'sn',
  sw_version = 'sw',
  hw_version = 'hw',
  /** Link shown on the device page (the add-on panel or the device's own page). */
  configuration_url = 'cu',
}

/** Keys of the origin block (`o`, §3.5). */
export enum ORIGIN_ABBR {
  name = 'name',
  sw_version = 'sw',
  support_url = 'url',
}
