// Which broker the add-on uses (issue 5, home-assistant.md §2.1): a host in the options wins; else the broker the
// Supervisor's MQTT service names (GET /services/mqtt); else the embedded aedes broker. Pure: the Supervisor's
// answer is looked up by supervisor.ts and passed in.
import { Options } from '../options/types';

/** `local`: `npm start` on one machine; `addon`: inside Home Assistant (authentication always on). */
export type RunMode = 'local' | 'addon';

/** The data of a Supervisor `{"result":"ok","data":{…}}` answer (§2.1). */
export interface SupervisorMqtt {
  host: string;
  port: number;
  ssl: boolean;
  protocol: '3.1' | '3.1.1';
  username?: string;
  password?: string;
  /** Slug of the add-on providing the service, e.g. core_mosquitto. */
  addon?: string;
}

export type SupervisorLookup =
  | { status: 'ok'; mqtt: SupervisorMqtt }
  /** The Supervisor answered with an error ("Service not enabled") or could not be reached. */
  | { status: 'unavailable'; reason: string }
  /** No SUPERVISOR_TOKEN: not running as an add-on. */
  | { status: 'no-supervisor' };

/** How to reach a broker: the Supervisor's answer without its provider slug, or the same fields from the options. */
export type BrokerConnection = Omit<SupervisorMqtt, 'addon'>;

export type BrokerChoice =
  | ({ kind: 'external'; source: 'options' | 'supervisor'; provider?: string } & BrokerConnection)
  | {
      kind: 'embedded';
      host: '127.0.0.1' | '0.0.0.0';
      port: number;
      /** Local mode only. */
      anonymous: boolean;
      username?: string;
      password?: string;
      devicePassword?: string;
    };

export interface BrokerDecision {
  choice: BrokerChoice;
  /** Why, for the start-up log (no secrets). */
  reason: string;
}

export const DEFAULT_MQTT_PORT = 1883;
export const DEFAULT_MQTTS_PORT = 8883;

/** `supervisor` is null when it was not asked (a host is in the options). */
export function chooseBroker(options: Options, supervisor: SupervisorLookup | null, mode: RunMode): BrokerDecision {
  const m = options.mqtt;
  if (m.host !== undefined && m.host.trim() !== '') {
    const ssl = m.ssl === true;
    return {
      choice: {
        kind: 'external', source: 'options', host: m.host.trim(), port: m.port ?? (ssl ? DEFAULT_MQTTS_PORT : DEFAULT_MQTT_PORT),
        ssl, protocol: '3.1.1', username: m.username, password: m.password,
      },
      reason: 'the options name an MQTT broker',
    };
  }
  if (supervisor && supervisor.status === 'ok') {
    const s = supervisor.mqtt;
    return {
      choice: {
        kind: 'external', source: 'supervisor', host: s.host, port: s.port, ssl: s.ssl, protocol: s.protocol,
        username: s.username, password: s.password, provider: s.addon,
      },
      reason: `Home Assistant's MQTT service is provided${s.addon ? ` by ${s.addon}` : ''}`,
    };
  }
  const e = options.embedded_broker;
  const why =
    supervisor === null || supervisor.status === 'no-supervisor'
      ? 'no broker in the options and not running under the Supervisor'
      : `no broker in the options and the Supervisor has none (${supervisor.reason})`;
  return {
    choice: {
      kind: 'embedded', host: mode === 'local' ? '127.0.0.1' : '0.0.0.0', port: e.port, anonymous: mode === 'local',
      username: e.username, password: e.password, devicePassword: e.device_password,
    },
    reason: why,
  };
}

/** One line for the log: where, how, which user name; never a password. */
export function describeBrokerChoice(choice: BrokerChoice): string {
  if (choice.kind === 'external') {
    const scheme = choice.ssl ? 'mqtts' : 'mqtt';
    const user = choice.username ? ` as ${choice.username}` : ' without login';
    const from = choice.source === 'options' ? 'broker from the options' : 'Home Assistant\'s broker';
    return `${from}: ${scheme}://${choice.host}:${choice.port}${user} (MQTT ${choice.protocol})`;
  }
  if (choice.anonymous) return `embedded broker on ${choice.host}:${choice.port}, anonymous clients allowed (local mode)`;
  const logins = [
    choice.username && choice.password ? `full access for ${choice.username}` : 'no full-access login configured',
    choice.devicePassword ? 'devices with their device id and the device password' : 'no device password configured: devices cannot log in',
  ];
  return `embedded broker on ${choice.host}:${choice.port}, authentication on (${logins.join('; ')})`;
}
