// The add-on's MQTT side as one Service (addon/src/service.ts): decides the broker (choice.ts), starts the embedded
// broker or connects to the external one, and reports the link state on the bus as `mqttConnection`. Other
// services use `link` after start().
import { brokerPassword } from '../../../discovery/command-mac';
import { DEFAULT_DISCOVERY_PREFIX } from '../../../discovery/topics';
import { EventBus } from '../bus';
import { Options } from '../options/types';
import { SecretStore } from '../pairing/secret-store';
import { nodeSha256 } from '../pairing/signer';
import { Logger, Service } from '../service';
import { BrokerChoice, chooseBroker, describeBrokerChoice, RunMode } from './choice';
import { EmbeddedBroker, startEmbeddedBroker } from './embedded';
import { connectExternalBroker } from './external';
import { MqttLink } from './link';
import { lookupSupervisorMqtt, SupervisorAccess } from './supervisor';

export interface BrokerServiceDeps {
  options: Options;
  mode: RunMode;
  bus: EventBus;
  logger: Logger;
  /** The add-on's data dir (/data); the embedded broker keeps retained.json there. */
  dataDir: string;
  supervisor: SupervisorAccess;
  discoveryPrefix?: string;
  /** Paired modules: each logs in to the embedded broker with the password derived from its own secret. */
  pairing?: SecretStore;
  /** Tests: wait this long for an external broker at start-up. */
  firstConnectTimeoutMs?: number;
}

export class BrokerService implements Service {
  readonly name = 'broker';
  private current: MqttLink | null = null;
  private embedded: EmbeddedBroker | null = null;
  private chosen: BrokerChoice | null = null;

  constructor(private readonly deps: BrokerServiceDeps) {}

  /** The add-on's MQTT link; throws before start(). */
  get link(): MqttLink {
    if (!this.current) throw new Error('the broker service has not started');
    return this.current;
  }

  /** What was chosen (null before start). Holds credentials: never log or send it; use describe(). */
  get choice(): BrokerChoice | null {
    return this.chosen;
  }

  /** The embedded broker's port (null when an external broker is used). */
  get embeddedPort(): number | null {
    return this.embedded ? this.embedded.port : null;
  }

  async start(): Promise<void> {
    const { options, mode, logger, bus } = this.deps;
    const asksSupervisor = !(options.mqtt.host && options.mqtt.host.trim() !== '');
    const lookup = asksSupervisor ? await lookupSupervisorMqtt(this.deps.supervisor) : null;
    if (lookup && lookup.status === 'unavailable') logger.info(`Supervisor MQTT service: ${lookup.reason}`);
    const decision = chooseBroker(options, lookup, mode);
    this.chosen = decision.choice;
    logger.info(`MQTT: ${describeBrokerChoice(decision.choice)}, because ${decision.reason}`);
    const c = decision.choice;
    if (c.kind === 'embedded') {
      if (!c.anonymous && !(c.username && c.password) && !c.devicePassword) {
        logger.warn('embedded broker: set embedded_broker.username/password and device_password, or nobody can log in');
      }
      this.embedded = await startEmbeddedBroker({
        port: c.port,
        host: c.host,
        login: {
          anonymous: c.anonymous, username: c.username, password: c.password, devicePassword: c.devicePassword,
          pairedPassword: (deviceId) => {
            const secret = this.deps.pairing?.secretOf(deviceId);
            return secret ? brokerPassword(nodeSha256, secret) : null;
          },
        },
        acl: c.anonymous ? null : { discoveryPrefix: this.deps.discoveryPrefix ?? DEFAULT_DISCOVERY_PREFIX },
        dataDir: this.deps.dataDir,
        logger,
      });
      this.current = this.embedded.link;
      bus.emit('mqttConnection', { connected: true });
      return;
    }
    this.current = await connectExternalBroker({
      host: c.host,
      port: c.port,
      ssl: c.ssl,
      username: c.username,
      password: c.password,
      protocol: c.protocol,
      logger,
      firstConnectTimeoutMs: this.deps.firstConnectTimeoutMs,
      onConnection: (connected, error) => bus.emit('mqttConnection', error ? { connected, error } : { connected }),
    });
  }

  async stop(): Promise<void> {
    const link = this.current;
    this.current = null;
    if (link) await link.close();
    if (this.embedded) await this.embedded.close();
    this.embedded = null;
    if (link) this.deps.bus.emit('mqttConnection', { connected: false });
  }

  describe(): string {
    return this.chosen ? describeBrokerChoice(this.chosen) : 'MQTT broker not chosen yet';
  }
}
