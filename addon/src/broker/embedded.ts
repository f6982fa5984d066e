// The embedded MQTT broker (issue 5): aedes on a net server, used when neither the options nor the Supervisor name a
// broker. Local mode (`npm start`): 127.0.0.1 only, anonymous clients. Add-on mode: every interface, logins checked
// by credentials.ts, topics by acl.ts. Retained messages persist through retained-store.ts. The add-on's own link
// uses aedes' in-process API (no socket, no internal credential to leak).
import * as net from 'node:net';
import type { Aedes, AuthenticateError, Client, PublishPacket } from 'aedes';
import { discoveryTopic, isDeviceId } from '../../../discovery/topics';
import { Logger } from '../service';
import { AclConfig, authorizePublish, authorizeSubscribe, BrokerIdentity } from './acl';
import { createAuthenticator, LoginConfig } from './credentials';
import { checkDiscoveryPayload } from './discovery-check';
import { MqttFrameScanner } from './frame-scanner';
import { LinkMessage, MqttLink } from './link';
import { LoginThrottle } from './login-throttle';
import { OWNER_ADDON, OWNER_FULL, RetainedQuota } from './retained-quota';
import { RetainedStore } from './retained-store';

/** Largest PUBLISH payload accepted from a client: discovery of a 3-phase meter is ~15 KiB, a state message
 *  < 1 KiB; update packages travel over HTTP, never MQTT. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
/** A PUBLISH frame also carries its topic (up to 64 KiB) and packet id. */
const FRAME_OVERHEAD_BYTES = 65536 + 4;

export interface EmbeddedBrokerConfig {
  /** 0 = any free port (tests). */
  port: number;
  /** '127.0.0.1' in local mode, '0.0.0.0' (devices on the LAN) in add-on mode. */
  host: string;
  login: LoginConfig;
  /** Per-device topic rules; null = none (local mode: anonymous full access). */
  acl: AclConfig | null;
  /** Directory for retained.json; null = retained messages live in memory only. */
  dataDir: string | null;
  maxPayloadBytes?: number;
  /** Failed-login back-off (tests inject one with their own clock or limits). */
  throttle?: LoginThrottle;
  /** Retained-message quota (tests inject smaller limits). */
  quota?: RetainedQuota;
  logger: Logger;
}

export interface EmbeddedBroker {
  link: MqttLink;
  host: string;
  port: number;
  close(): Promise<void>;
}

interface RetainedPersistence {
  storeRetained(packet: PublishPacket): Promise<void>;
  createRetainedStream(pattern: string): AsyncIterable<PublishPacket>;
}


function asBuffer(payload: Buffer | string): Buffer {
  return Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
}

/** The address a client connected from ('in-process' for the add-on's own link): IPv4 as such (also when the
 *  socket reports it IPv4-mapped), IPv6 by its /64, since one host may hold a whole /64 (login-throttle.ts). */
function remoteAddressOf(client: Client): string {
  const conn = (client as unknown as { conn?: { remoteAddress?: string } }).conn;
  const address = conn?.remoteAddress;
  if (!address) return 'in-process';
  if (address.startsWith('::ffff:') && address.indexOf('.') > 0) return address.slice(7);
  if (address.indexOf(':') < 0) return address;
  const groups = address.split('::')[0]!.split(':');
  return groups.length >= 4 ? groups.slice(0, 4).join(':') + '::/64' : address;
}

/** A client id as it may appear in a log line: printable ASCII, at most 64 characters. */
function printable(id: string): string {
  const clean = id.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 64 ? clean.slice(0, 64) + '…' : clean;
}

/** Restored retained messages are charged to the module whose id is a level of their topic (else nobody). */
function ownerFromTopic(topic: string): string {
  return topic.split('/').find((level) => isDeviceId(level)) ?? OWNER_FULL;
}

export async function startEmbeddedBroker(config: EmbeddedBrokerConfig): Promise<EmbeddedBroker> {
  const { logger } = config;
  const maxPayload = config.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
  const authenticator = createAuthenticator(config.login);
  const throttle = config.throttle ?? new LoginThrottle();
  const quota = config.quota ?? new RetainedQuota();
  const identities = new WeakMap<Client, BrokerIdentity>();
  let liveClient: (id: string) => Client | null = () => null;
  // null client = the add-on's in-process publishes; a client without a recorded login gets no rights at all.
  const identityOf = (client: Client | null): BrokerIdentity | null => (client ? identities.get(client) ?? null : { kind: 'full' });
  const store = config.dataDir ? new RetainedStore(RetainedStore.fileIn(config.dataDir), logger) : null;

  // aedes is ESM-only: loaded with a dynamic import (tsx and Node 20 load it from CommonJS too; an esbuild ESM
  // bundle includes it).
  const { Aedes: AedesClass } = await import('aedes');
  const broker: Aedes = await AedesClass.createBroker({
    authenticate(client, username, password, done) {
      const address = remoteAddressOf(client);
      const user = username ?? '';
      const refuse = (reason: string): void => {
        const note = throttle.failed(address, user);
        const more = note.suppressed > 0 ? ` (and ${note.suppressed} more failed login(s) not logged)` : '';
        if (note.warn) logger.warn(`login refused for client ${printable(client.id)} from ${address}: ${reason}${more}`);
        else logger.debug(`login refused for client ${printable(client.id)} from ${address}: ${reason}`);
        const error = new Error(reason) as AuthenticateError;
        error.returnCode = 4; // MQTT 3.1.1 CONNACK "bad user name or password"
        done(error, null);
      };
      if (config.login.anonymous) {
        identities.set(client, { kind: 'full' });
        return done(null, true);
      }
      const gate = throttle.check(address, user);
      if (!gate.allowed) return refuse(`too many failed logins, next attempt in ${Math.ceil(gate.retryAfterMs / 1000)} s`);
      const result = authenticator.check(username, password, client.id);
      if (!result.ok) return refuse(result.reason);
      // A module that is online from one address is not taken over from another (issue 11 attack 2: the shared
      // password let an impostor kick module A off 14 times in 35 s and receive its commands). The module itself
      // reconnecting from its address takes its session over as MQTT says; from a new address (a DHCP change while
      // the old connection is still open) it gets in once the broker has dropped the old one (1.5 keep-alives).
      const live = liveClient(client.id);
      if (result.identity.kind === 'device' && live && live !== client && remoteAddressOf(live) !== address) {
        return refuse(`${user} is online from another address`);
      }
      throttle.succeeded(address, user);
      identities.set(client, result.identity);
      done(null, true);
    },
    authorizePublish(client, packet, done) {
      const size = packet.payload.length;
      if (size > maxPayload) {
        logger.warn(`refused ${size}-byte message on ${packet.topic} from ${client?.id ?? 'the add-on'}: over ${maxPayload} bytes`);
        return done(new Error('payload too large'));
      }
      const identity = identityOf(client);
      if (config.acl) {
        const decision = identity ? authorizePublish(identity, packet.topic, config.acl) : { allowed: false as const, reason: 'no login' };
        if (!decision.allowed) {
          logger.warn(`refused publish from ${client?.id ?? '?'}: ${decision.reason}`);
          return done(new Error('not authorised'));
        }
        if (identity?.kind === 'device' && packet.topic === discoveryTopic(config.acl.discoveryPrefix, identity.deviceId)) {
          const verdict = checkDiscoveryPayload(identity.deviceId, asBuffer(packet.payload));
          if (!verdict.ok) {
            logger.warn(`dropped the discovery message of ${identity.deviceId}: ${verdict.reason}`);
            return done(new Error('discovery refused'));
          }
        }
      }
      if (packet.retain) {
        const owner = client === null ? OWNER_ADDON : identity?.kind === 'device' ? identity.deviceId : OWNER_FULL;
        const verdict = quota.admit(owner, packet.topic, size);
        if (!verdict.ok) {
          logger.warn(`refused a retained message on ${packet.topic}: ${verdict.reason}`);
          return done(new Error('retained quota'));
        }
      }
      done(null);
    },
    authorizeSubscribe(client, subscription, done) {
      if (config.acl) {
        const identity = identityOf(client);
        const decision = identity ? authorizeSubscribe(identity, subscription.topic, config.acl) : { allowed: false as const, reason: 'no login' };
        if (!decision.allowed) {
          logger.warn(`refused subscription of ${client.id}: ${decision.reason}`);
          return done(null, null);
        }
      }
      done(null, subscription);
    },
  });
  liveClient = (id) => (broker as unknown as { clients: { [id: string]: Client | undefined } }).clients[id] ?? null;
  broker.on('clientError', (client, err) => {
    // A refused login was logged (once, quietly) by authenticate above.
    if ((err as Partial<AuthenticateError>).returnCode === undefined) logger.debug(`client ${printable(client.id)}: ${err.message}`);
  });
  broker.on('connectionError', (client, err) => logger.debug(`connection ${client.id ?? '?'}: ${err.message}`));

  const persistence = (broker as unknown as { persistence: RetainedPersistence }).persistence;
  if (store) {
    const storeRetained = persistence.storeRetained.bind(persistence);
    persistence.storeRetained = async (packet) => {
      await storeRetained(packet);
      store.record(packet.topic, asBuffer(packet.payload), packet.qos);
    };
    for (const m of store.load()) {
      if (!quota.admit(ownerFromTopic(m.topic), m.topic, m.payload.length).ok) {
        store.record(m.topic, Buffer.alloc(0), m.qos); // over the quota (a file from before it existed): dropped
        continue;
      }
      await new Promise<void>((resolve) =>
        broker.publish({ cmd: 'publish', topic: m.topic, payload: m.payload, qos: m.qos, retain: true, dup: false }, () => resolve()),
      );
    }
  }

  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    broker.handle(socket);
    // aedes reads with read() on 'readable'; a 'data' listener then sees each chunk as aedes takes it (Node streams:
    // 'readable' controls the flow), so the scanner watches without changing how aedes reads.
    const scanner = new MqttFrameScanner(maxPayload + FRAME_OVERHEAD_BYTES);
    socket.on('data', (chunk: Buffer) => {
      const scan = scanner.push(chunk);
      if (scan.ok) return;
      const what = scan.declared === null ? 'a malformed packet length' : `a ${scan.declared}-byte packet`;
      logger.warn(`closed a connection from ${socket.remoteAddress ?? '?'}: ${what} (limit ${maxPayload} bytes of payload)`);
      socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => logger.error(`embedded broker: ${err.message}`));
  const port = (server.address() as net.AddressInfo).port;
  const auth = config.login.anonymous ? 'anonymous clients allowed' : 'authentication on';
  logger.info(`embedded MQTT broker listening on ${config.host}:${port} (${auth}${config.acl ? ', per-device topics' : ''})`);

  let closed = false;
  const link = createInProcessLink(broker, persistence, logger, () => !closed);
  return {
    link,
    host: config.host,
    port,
    close: async () => {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      if (store) await store.flush();
    },
  };
}

function createInProcessLink(
  broker: Aedes,
  persistence: RetainedPersistence,
  logger: Logger,
  open: () => boolean,
): MqttLink {
  const listeners = new Set<(m: LinkMessage) => void>();
  const emit = (message: LinkMessage): void => {
    for (const fn of [...listeners]) {
      try {
        fn(message);
      } catch (err) {
        logger.error(`message listener failed on ${message.topic}: ${(err as Error).message}`);
      }
    }
  };
  const subscribed = new Set<string>();
  return {
    kind: 'embedded',
    connected: open,
    publish(topic, payload, options) {
      if (!open()) return Promise.reject(new Error('the embedded broker is closed'));
      return new Promise((resolve, reject) =>
        broker.publish(
          { cmd: 'publish', topic, payload: asBuffer(payload), qos: options.qos, retain: options.retain, dup: false },
          (err) => (err ? reject(err) : resolve()),
        ),
      );
    },
    async subscribe(filter) {
      if (!subscribed.has(filter)) {
        subscribed.add(filter);
        await new Promise<void>((resolve) =>
          broker.subscribe(
            filter,
            (packet, done) => {
              emit({ topic: packet.topic, payload: asBuffer(packet.payload), retained: false });
              done();
            },
            () => resolve(),
          ),
        );
      }
      // In-process subscriptions get no retained messages from aedes: replay them like a broker does on SUBSCRIBE.
      for await (const packet of persistence.createRetainedStream(filter)) {
        emit({ topic: packet.topic, payload: asBuffer(packet.payload), retained: true });
      }
    },
    onMessage(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    close: async () => {
      listeners.clear();
    },
  };
}
