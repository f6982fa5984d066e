// The device's MQTT 3.1.1 client over the HAL's Tcp and Clock (architecture C2): CONNECT with Last Will, QoS 0/1
// publish from a bounded queue, subscriptions renewed on every connection, keep-alive, and reconnects with jittered
// exponential backoff. publish() never waits and never throws; problems are values reported via 'error' and status().
import { PieceSource, TimerHandle } from '../hal/types';
import { backoffDelay } from './backoff';
import {
  Payload, QoS, connackMessage, encodeConnect, encodeDisconnect, encodePingreq, encodePuback, payloadLength,
} from './codec';
import { Connection, ConnectionHandlers, connectSocket, endSocket, newConnection, writeQuietly } from './connection';
import { Incoming, PublishIn } from './decoder';
import { Emitter } from './emitter';
import { Keepalive } from './keepalive';
import {
  MqttClientDeps, MqttClientOptions, MqttError, MqttEvents, MqttStatus, PublishOptions, ResolvedOptions, mqttError,
  resolveOptions,
} from './options';
import { Outbox } from './outbox';
import { checkTopicFilter, checkTopicName } from './topics';

type Phase = 'idle' | 'connecting' | 'connected' | 'waiting';

/** A connection that lasted this long resets the reconnect back-off. */
const STABLE_CONNECTION_MS = 30000;

export class MqttClient {
  private readonly deps: MqttClientDeps;
  private readonly opts: ResolvedOptions;
  private readonly outbox: Outbox;
  private readonly keepalive: Keepalive;
  private readonly events: Emitter<MqttEvents>;
  private conn: Connection | null = null;
  private phase: Phase = 'idle';
  private stopped = true;
  private authFailed = false;
  private attempt = 0;
  /** When the current connection got its CONNACK (clock ms). */
  private connectedAt = 0;
  private connections = 0;
  private timer: TimerHandle | null = null;
  private lastError: { code: MqttError['code']; message: string } | null = null;
  private readonly handlers: ConnectionHandlers = {
    up: (conn) => this.sendConnect(conn),
    data: (conn, chunk) => this.data(conn, chunk),
    lost: (conn, error) => this.lost(conn, error),
  };

  constructor(deps: MqttClientDeps, options: MqttClientOptions) {
    this.deps = deps;
    this.opts = resolveOptions(options);
    this.events = new Emitter<MqttEvents>((line) => this.log(line));
    this.outbox = new Outbox(
      {
        write: (bytes) => this.writeNow(bytes),
        report: (e) => this.report(e),
        log: (line) => this.log(line),
        acked: (key) => this.emit('acked', key),
      },
      options.queueLimit,
      this.opts.maxInflight,
    );
    this.keepalive = new Keepalive(
      {
        clock: deps.clock,
        ping: () => this.writeNow(encodePingreq()),
        timeout: () => {
          const s = (this.opts.keepaliveS * 1.5).toFixed(1);
          this.lost(this.conn, mqttError('keepalive-timeout', `nothing from the broker for ${s} s`));
        },
      },
      this.opts.keepaliveS * 1000,
    );
  }

  /** For the boot log: never contains the password. */
  describe(): string {
    const o = this.opts;
    const user = o.username !== undefined ? `${o.username}@` : '';
    const pass = o.password !== undefined ? ', password set' : '';
    return `mqtt://${user}${o.host}:${o.port} client '${o.clientId}', keepalive ${o.keepaliveS} s${pass}`;
  }

  on<K extends keyof MqttEvents>(event: K, listener: MqttEvents[K]): void {
    this.events.on(event, listener);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempt = 0;
    this.open();
  }

  /** Clean close: DISCONNECT first, so the broker discards the Will [MQTT-3.14.4-3]. Queued messages are kept. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.clearTimer();
    this.keepalive.stop();
    const conn = this.conn;
    const wasConnected = this.phase === 'connected';
    this.conn = null;
    this.phase = 'idle';
    this.outbox.disconnected();
    if (conn) {
      conn.closed = true;
      if (conn.open && conn.socket) writeQuietly(conn.socket, encodeDisconnect());
      if (conn.socket) endSocket(conn.socket);
    }
    if (wasConnected) this.emit('disconnected', 'stopped');
  }

  /** Queues or sends; returns false when the message was refused (bad topic, or too large while offline). */
  publish(topic: string, payload: Payload, options?: PublishOptions): boolean {
    const problem = checkTopicName(topic);
    if (problem) return this.refuse(mqttError('invalid-topic', problem));
    return this.outbox.publish({
      topic,
      payload,
      qos: options && options.qos === 1 ? 1 : 0,
      retain: !!(options && options.retain),
      bytes: payloadLength(payload),
      replaceKey: options ? options.replaceKey : undefined,
      packetId: 0,
      dup: false,
    });
  }

  /** A message published with this replaceKey is queued or waits for its PUBACK. */
  holds(replaceKey: string): boolean {
    return this.outbox.holds(replaceKey);
  }

  /** Subscribes now if connected, and again after every reconnect. QoS is capped at 1. */
  subscribe(filter: string, qos?: QoS): boolean {
    const problem = checkTopicFilter(filter);
    if (problem) return this.refuse(mqttError('invalid-topic', problem));
    this.outbox.subscribe({ topic: filter, qos: qos === 1 ? 1 : 0 });
    return true;
  }

  status(): MqttStatus {
    let state: MqttStatus['state'] = 'backoff';
    if (this.stopped) state = 'stopped';
    else if (this.phase === 'connected') state = 'connected';
    else if (this.authFailed) state = 'not-authorized';
    else if (this.phase === 'connecting') state = 'connecting';
    const c = this.outbox.counts();
    return {
      state,
      lastError: this.lastError,
      queued: c.queued,
      queuedBytes: c.queuedBytes,
      inflight: c.inflight,
      dropped: c.dropped,
      reconnects: Math.max(0, this.connections - 1),
    };
  }

  // ------------------------------------------------------------------ connection lifecycle

  private open(): void {
    this.phase = 'connecting';
    const conn = newConnection(this.opts.maxPacketSize);
    this.conn = conn;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = null;
      this.lost(conn, mqttError('connect-timeout', `no CONNACK within ${this.opts.connectTimeoutMs} ms`));
    }, this.opts.connectTimeoutMs);
    connectSocket(this.deps.tcp, this.opts, conn, this.handlers);
  }

  private sendConnect(conn: Connection): void {
    const o = this.opts;
    const packet = encodeConnect({
      clientId: o.clientId,
      username: o.username,
      password: o.password,
      keepaliveS: o.keepaliveS,
      cleanSession: o.cleanSession,
      will: o.will,
    });
    this.write(conn, packet);
  }

  /** Ends a connection attempt or a live connection; reconnects later unless stopped. Idempotent per connection. */
  private lost(conn: Connection | null, error: MqttError, maxBackoff?: boolean): void {
    if (!conn || this.conn !== conn) return;
    this.conn = null;
    conn.closed = true;
    this.clearTimer();
    this.keepalive.stop();
    this.outbox.disconnected();
    const wasConnected = this.phase === 'connected';
    // The back-off starts over only after a connection that held: a broker that accepts and then drops us (say, a
    // second device with the same client id) must not get a reconnect every second.
    if (wasConnected && this.deps.clock.now() - this.connectedAt >= STABLE_CONNECTION_MS) this.attempt = 0;
    this.phase = 'waiting';
    if (conn.socket) endSocket(conn.socket);
    this.report(error);
    if (wasConnected) this.emit('disconnected', error.message);
    if (!this.stopped && this.conn === null) this.scheduleReconnect(maxBackoff === true);
  }

  private scheduleReconnect(maxBackoff: boolean): void {
    this.clearTimer();
    const delay = backoffDelay(maxBackoff ? 64 : this.attempt, this.opts.backoff, this.deps.random);
    this.attempt++;
    this.log(`reconnecting in ${delay} ms`);
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = null;
      if (!this.stopped && this.conn === null) this.open();
    }, delay);
  }

  private connack(conn: Connection, returnCode: number, sessionPresent: boolean): void {
    this.clearTimer();
    if (returnCode !== 0) {
      // 4/5: credentials; 1/2: configuration. Retrying soon cannot help, so wait the longest step. 3: broker busy.
      const auth = returnCode === 4 || returnCode === 5;
      if (auth) this.authFailed = true;
      const text = `broker refused the connection: ${connackMessage(returnCode)} (${returnCode})`;
      this.lost(conn, mqttError(auth ? 'not-authorized' : 'connack-refused', text), returnCode !== 3);
      return;
    }
    this.phase = 'connected';
    this.authFailed = false;
    this.connectedAt = this.deps.clock.now();
    this.connections++;
    this.keepalive.start();
    this.log(`connected to ${this.opts.host}:${this.opts.port}`);
    this.outbox.connected();
    if (this.conn === conn) this.emit('connected', { sessionPresent });
  }

  // ------------------------------------------------------------------ incoming

  private data(conn: Connection, chunk: Uint8Array): void {
    if (this.conn !== conn) return;
    this.keepalive.received();
    conn.decoder.push(chunk, (packet) => this.packet(conn, packet));
  }

  private packet(conn: Connection, p: Incoming): void {
    if (this.conn !== conn) return;
    if (p.type === 'error') return this.lost(conn, mqttError('protocol-error', `${p.code}: ${p.message}`));
    if (p.type === 'connack') {
      if (this.phase === 'connecting') return this.connack(conn, p.returnCode, p.sessionPresent);
      return this.lost(conn, mqttError('protocol-error', 'second CONNACK'));
    }
    if (this.phase !== 'connected') return this.lost(conn, mqttError('protocol-error', `${p.type} before CONNACK`));
    if (p.type === 'publish') this.incoming(conn, p);
    else if (p.type === 'puback') this.outbox.acked(p.packetId);
    else if (p.type === 'suback') this.outbox.subacked(p.packetId, p.granted);
    else if (p.type === 'skipped') {
      this.report(mqttError('packet-too-large', `skipped a ${p.size}-byte packet (limit ${this.opts.maxPacketSize})`));
      if (p.qos === 1 && p.packetId > 0) this.write(conn, encodePuback(p.packetId));
    } else if (p.type !== 'pingresp') this.log(`ignored ${p.type}`);
  }

  /** QoS 1 is acknowledged before delivery; a broken connection still delivers (at least once, §4.3.2). */
  private incoming(conn: Connection, p: PublishIn): void {
    if (p.qos > 1) return this.report(mqttError('unsupported-qos', `QoS ${p.qos} message on '${p.topic}' ignored`));
    if (p.qos === 1) this.write(conn, encodePuback(p.packetId));
    this.events.emit('message', p.topic, p.payload, { qos: p.qos, retain: p.retain, dup: p.dup });
  }

  // ------------------------------------------------------------------ outgoing

  private writeNow(data: Uint8Array | PieceSource): boolean {
    return this.write(this.conn, data);
  }

  /** A failed write means the connection is gone. */
  private write(conn: Connection | null, data: Uint8Array | PieceSource): boolean {
    if (!conn || this.conn !== conn || !conn.socket) return false;
    const ok = writeQuietly(conn.socket, data);
    if (ok) this.keepalive.sent();
    else this.lost(conn, mqttError('connection-lost', 'write failed'));
    return ok;
  }

  // ------------------------------------------------------------------ helpers

  private clearTimer(): void {
    if (this.timer !== null) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private refuse(error: MqttError): boolean {
    this.report(error);
    return false;
  }

  private report(error: MqttError): void {
    this.lastError = { code: error.code, message: error.message };
    this.log(`${error.code}: ${error.message}`);
    this.emit('error', error);
  }

  private emit(event: keyof MqttEvents, a?: unknown, b?: unknown): void {
    this.events.emit(event, a, b);
  }

  private log(line: string): void {
    if (this.deps.log) this.deps.log(`mqtt: ${line}`);
  }
}
