// The add-on's link to a broker it does not run: the Supervisor's MQTT service or the broker in the options
// (issue 5). mqtt.js with automatic reconnect; ssl selects mqtts (home-assistant.md §2.1). Connection changes go to
// the caller (BrokerService emits them on the bus as `mqttConnection`); error texts never carry the password.
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { Logger } from '../service';
import { LinkMessage, MqttLink } from './link';

export interface ExternalBrokerConfig {
  host: string;
  port: number;
  ssl: boolean;
  username?: string;
  password?: string;
  /** MQTT 3.1.1 unless the Supervisor says "3.1". */
  protocol?: '3.1' | '3.1.1';
  logger: Logger;
  /** ms between reconnect attempts. */
  reconnectPeriodMs?: number;
  onConnection?: (connected: boolean, error?: string) => void;
  /** How long start-up waits for the first connection before going on disconnected (reconnecting). */
  firstConnectTimeoutMs?: number;
}

/** "mqtt://host:port" / "mqtts://…": the address for logs (never credentials). */
export function brokerAddress(host: string, port: number, ssl: boolean): string {
  return `${ssl ? 'mqtts' : 'mqtt'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Connects. Resolves once the first connection is up, or after firstConnectTimeoutMs with the link still trying
 *  (the add-on runs and shows "not connected" rather than hanging); rejects when the broker refuses the login.
 *  Reconnects itself; publishes made while disconnected are queued by mqtt.js. */
export function connectExternalBroker(config: ExternalBrokerConfig): Promise<MqttLink> {
  const { logger } = config;
  const address = brokerAddress(config.host, config.port, config.ssl);
  const client = mqtt.connect(address, {
    username: config.username,
    password: config.password,
    clientId: `mep-addon-${randomBytes(4).toString('hex')}`,
    protocolVersion: config.protocol === '3.1' ? 3 : 4,
    protocolId: config.protocol === '3.1' ? 'MQIsdp' : 'MQTT',
    reconnectPeriod: config.reconnectPeriodMs ?? 5000,
    connectTimeout: 10000,
    clean: true,
  });
  const listeners = new Set<(m: LinkMessage) => void>();
  let lastError: string | undefined;
  const notify = (connected: boolean, error?: string): void => config.onConnection?.(connected, error);

  client.on('message', (topic, payload, packet) => {
    const message: LinkMessage = { topic, payload, retained: packet.retain === true };
    for (const fn of [...listeners]) {
      try {
        fn(message);
      } catch (err) {
        logger.error(`message listener failed on ${topic}: ${(err as Error).message}`);
      }
    }
  });
  // mqtt.js restores the subscriptions after a reconnect itself (its `resubscribe` option, on by default).
  client.on('connect', () => {
    lastError = undefined;
    logger.info(`connected to ${address}`);
    notify(true);
  });
  client.on('error', (err) => {
    const text = err.message;
    if (text !== lastError) logger.warn(`MQTT ${address}: ${text}`);
    lastError = text;
  });
  client.on('close', () => {
    if (client.connected === false) notify(false, lastError);
  });

  const link: MqttLink = {
    kind: 'external',
    connected: () => client.connected,
    publish(topic, payload, options) {
      return new Promise((resolve, reject) =>
        client.publish(topic, payload, { qos: options.qos, retain: options.retain }, (err) => (err ? reject(err) : resolve())),
      );
    },
    subscribe(filter, qos = 1) {
      if (!client.connected) {
        // Offline: mqtt.js queues the SUBSCRIBE until it connects; start-up must not wait for the broker.
        client.subscribe(filter, { qos }, (err) => err && logger.warn(`subscribe ${filter}: ${err.message}`));
        return Promise.resolve();
      }
      return new Promise((resolve, reject) =>
        client.subscribe(filter, { qos }, (err, granted) => {
          if (err) return reject(err);
          if (granted?.some((g) => g.qos === 128)) return reject(new Error(`the broker refused the subscription to ${filter}`));
          resolve();
        }),
      );
    },
    onMessage(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    // Connected: finish in-flight publishes first; disconnected: nothing to finish, stop reconnecting now.
    close: () => new Promise((resolve) => client.end(!client.connected, {}, () => resolve())),
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      logger.warn(`${address} not reachable yet (${lastError ?? 'no answer'}); retrying in the background`);
      resolve(link);
    }, config.firstConnectTimeoutMs ?? 10000);
    const onConnect = (): void => {
      cleanup();
      resolve(link);
    };
    const onError = (err: Error & { code?: number }): void => {
      // CONNACK 4/5 (bad credentials, not authorised) will not get better by retrying.
      if (err.code === 4 || err.code === 5) {
        cleanup();
        client.end(true);
        reject(new Error(`${address} refused the login: ${err.message}`));
      }
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      client.off('connect', onConnect);
      client.off('error', onError);
    };
    client.on('connect', onConnect);
    client.on('error', onError);
  });
}
