// The MQTT client's dependencies, options (one JSDoc line each: unit and default), events, status and error codes.
import { Clock, Tcp } from '../hal/types';
import { BackoffOptions } from './backoff';
import { Will } from './codec';
import { QueueLimit } from './queue';

export interface MqttClientDeps {
  tcp: Tcp;
  clock: Clock;
  /** Uniform in [0, 1): jitter for the reconnect delays. */
  random: () => number;
  /** One line per call, already prefixed 'mqtt: '. Passwords are never part of it. */
  log?: (line: string) => void;
}

export interface MqttClientOptions {
  host: string;
  port: number;
  clientId: string;
  username?: string;
  /** Sent in CONNECT only; never logged or reported. */
  password?: string;
  /** Seconds; 0 disables PINGREQ and the dead-connection check. Default 60. */
  keepaliveS?: number;
  /** Published by the broker when the connection dies without DISCONNECT (e.g. 'offline' on the availability topic). */
  will?: Will;
  /** Default true. */
  cleanSession?: boolean;
  /** Reconnect delays. Default {initialMs: 1000, maxMs: 60000}. */
  backoff?: Partial<BackoffOptions>;
  /** Bounds of the outgoing queue. Default {count: 32, bytes: 8192}. */
  queueLimit?: QueueLimit;
  /** QoS 1 publishes sent but not yet acknowledged, at most. Default 8. */
  maxInflight?: number;
  /** Largest incoming packet kept, in bytes; bigger ones are skipped (and acknowledged). Default 4096. */
  maxPacketSize?: number;
  /** From opening the TCP connection to CONNACK, in ms. Default 15000. */
  connectTimeoutMs?: number;
}

export interface ResolvedOptions {
  host: string;
  port: number;
  clientId: string;
  username?: string;
  password?: string;
  keepaliveS: number;
  will?: Will;
  cleanSession: boolean;
  backoff: BackoffOptions;
  maxInflight: number;
  maxPacketSize: number;
  connectTimeoutMs: number;
}

function orDefault(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && value >= 0 && isFinite(value) ? value : fallback;
}

export function resolveOptions(o: MqttClientOptions): ResolvedOptions {
  const backoff = o.backoff || {};
  const initialMs = Math.max(1, orDefault(backoff.initialMs, 1000));
  return {
    host: o.host,
    port: o.port,
    clientId: o.clientId,
    username: o.username,
    password: o.password,
    keepaliveS: Math.min(65535, Math.floor(orDefault(o.keepaliveS, 60))),
    will: o.will,
    cleanSession: o.cleanSession !== false,
    backoff: { initialMs, maxMs: Math.max(initialMs, orDefault(backoff.maxMs, 60000)) },
    maxInflight: Math.max(1, orDefault(o.maxInflight, 8)),
    maxPacketSize: Math.max(16, orDefault(o.maxPacketSize, 4096)),
    connectTimeoutMs: Math.max(1, orDefault(o.connectTimeoutMs, 15000)),
  };
}

/** Connection and protocol problems, reported through the 'error' event and status().lastError. */
export type MqttErrorCode =
  | 'connect-failed' // TCP connection could not be opened
  | 'connect-timeout' // no CONNACK within connectTimeoutMs
  | 'connection-lost' // the socket closed or failed after it was up
  | 'keepalive-timeout' // nothing from the broker for 1.5 keep-alive periods
  | 'not-authorized' // CONNACK 4 (bad user name or password) or 5 (not authorized)
  | 'connack-refused' // CONNACK 1, 2, 3 or reserved
  | 'protocol-error' // malformed or unexpected packet from the broker
  | 'packet-too-large' // an incoming packet over maxPacketSize was skipped
  | 'subscribe-failed' // SUBACK 0x80 for a filter
  | 'invalid-topic' // publish/subscribe refused locally
  | 'message-too-large' // a payload larger than the whole queue, offered while offline
  | 'unsupported-qos'; // an incoming QoS 2 PUBLISH (we never subscribe with QoS 2)

export interface MqttError extends Error {
  code: MqttErrorCode;
}

export function mqttError(code: MqttErrorCode, message: string): MqttError {
  const e = new Error(message) as MqttError;
  e.code = code;
  return e;
}

export type MqttState = 'connecting' | 'connected' | 'backoff' | 'not-authorized' | 'stopped';

export interface MqttStatus {
  state: MqttState;
  lastError: { code: MqttErrorCode; message: string } | null;
  /** Messages waiting in the outgoing queue, and their payload bytes. */
  queued: number;
  queuedBytes: number;
  /** QoS 1 messages sent and not yet acknowledged. */
  inflight: number;
  /** Messages dropped from the full queue since construction. */
  dropped: number;
  /** Successful connections after the first one. */
  reconnects: number;
}

export interface MessageInfo {
  qos: number;
  retain: boolean;
  dup: boolean;
}

export interface MqttEvents {
  connected: (info: { sessionPresent: boolean }) => void;
  disconnected: (reason: string) => void;
  message: (topic: string, payload: Uint8Array, info: MessageInfo) => void;
  error: (error: MqttError) => void;
  /** The broker acknowledged a QoS 1 message: its replaceKey (PublishOptions). */
  acked: (replaceKey: string | undefined) => void;
}

export interface PublishOptions {
  /** Default 0. */
  qos?: 0 | 1;
  /** Default false. */
  retain?: boolean;
  /** A later publish with the same key replaces this message while it is still queued (latest state wins). */
  replaceKey?: string;
}
