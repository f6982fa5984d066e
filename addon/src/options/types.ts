// The add-on's options after validation (options/ owns loading and validation; config.yaml `options:` holds the
// defaults and `schema:` the first gate, home-assistant.md §1.3). Keys are snake_case as in config.yaml.
export type LogLevel = 'debug' | 'info' | 'warning' | 'error';

export interface Options {
  log_level: LogLevel;
  /** An MQTT broker given by the user. Absent host: use the Supervisor's MQTT service, else the embedded broker. */
  mqtt: {
    host?: string;
    port?: number;
    username?: string;
    password?: string;
    ssl?: boolean;
  };
  /** The embedded aedes broker, used only when no other broker exists. In add-on mode authentication is always on:
   *  `username`/`password` is the full-access login (for Home Assistant's MQTT integration), devices log in with
   *  their device id (mep_<mac>) as user name and `device_password`. */
  embedded_broker: {
    port: number;
    username?: string;
    password?: string;
    device_password?: string;
  };
  /** Where devices download update packages: an HTTP port of the add-on outside ingress, and the host name or
   *  address devices use to reach it (absent: Home Assistant's internal URL host). */
  ota: {
    port: number;
    host?: string;
  };
  /** Persistent notification in Home Assistant when a meter stays offline this long (minutes); 0 = never. */
  offline_notify_minutes: number;
}
