// The add-on's link to Home Assistant Core: home-assistant-js-websocket over Node's `ws` (home-assistant.md §2.2,
// §2.3). In the add-on hassUrl is http://supervisor/core and the token is SUPERVISOR_TOKEN (§0 #7); the library
// derives ws://supervisor/core/api/websocket, which the Supervisor proxies. The library re-connects after a lost
// link; this service adds the first connection's retries, a heartbeat, and the `haConnection` bus events.
import {
  Connection, createConnection, createLongLivedTokenAuth, ERR_CANNOT_CONNECT, ERR_INVALID_AUTH, HaWebSocket, MessageBase,
} from 'home-assistant-js-websocket';
import { HaStatus } from '../backend';
import { EventBus } from '../bus';
import { Logger, Service } from '../service';
import { createNodeSocket } from './node-socket';

export const NOT_IN_HOME_ASSISTANT = 'Not running inside Home Assistant: Energy dashboard and notifications are off';
const SUPERVISOR_CORE_URL = 'http://supervisor/core';

/** Where Home Assistant Core is and the token to use. Never logged: the token is a secret. */
export interface HaTarget {
  hassUrl: string;
  token: string;
}

/** Inside Home Assistant: the Supervisor proxy with SUPERVISOR_TOKEN. Outside (development against a real Core):
 *  MEP_HA_URL + MEP_HA_TOKEN (a long-lived access token). Otherwise null: the HA features are off. */
export function resolveHaTarget(env: NodeJS.ProcessEnv): HaTarget | null {
  const supervisorToken = env['SUPERVISOR_TOKEN'];
  if (supervisorToken !== undefined && supervisorToken !== '') {
    return { hassUrl: env['MEP_HA_URL'] ?? SUPERVISOR_CORE_URL, token: supervisorToken };
  }
  const url = env['MEP_HA_URL'];
  const token = env['MEP_HA_TOKEN'];
  if (url !== undefined && url !== '' && token !== undefined && token !== '') return { hassUrl: url, token };
  return null;
}

/** A command Home Assistant refused, or no connection. `code` is HA's error code ("not_found", "invalid_format",
 *  …) or "not_connected". */
export class HaError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** What the Energy and notification services need from the connection. */
export interface HaLink {
  status(): HaStatus;
  /** One websocket command; resolves with its `result`, rejects with HaError. */
  send<T>(message: MessageBase): Promise<T>;
}

export interface HaConnectionDeps {
  bus: EventBus;
  log: Logger;
  /** null: not inside Home Assistant (resolveHaTarget). */
  target: HaTarget | null;
  /** Waits between attempts of the first connection (the last one repeats). */
  retryDelaysMs?: number[];
  /** Heartbeat: a ping this often; no pong within the same time re-connects (the Supervisor proxy's is 30 s). */
  heartbeatMs?: number;
  /** Per attempt: how long to wait for the socket to open and authenticate. */
  connectTimeoutMs?: number;
}

export class HaConnection implements Service, HaLink {
  readonly name = 'home-assistant';
  private conn: Connection | null = null;
  private connected = false;
  private version: string | undefined;
  private lastError: string | undefined;
  private stopped = true;
  private retryTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private attempt = 0;

  constructor(private readonly deps: HaConnectionDeps) {}

  describe(): string {
    if (this.deps.target === null) return `Home Assistant: off (${NOT_IN_HOME_ASSISTANT})`;
    return `Home Assistant: ${safeUrl(this.deps.target.hassUrl)}`;
  }

  status(): HaStatus {
    if (this.deps.target === null) return { available: false, connected: false, reason: NOT_IN_HOME_ASSISTANT };
    const status: HaStatus = { available: true, connected: this.connected };
    if (this.version !== undefined) status.version = this.version;
    if (!this.connected) status.reason = this.lastError ?? 'Connecting to Home Assistant…';
    return status;
  }

  async start(): Promise<void> {
    if (this.deps.target === null) {
      this.deps.log.info(NOT_IN_HOME_ASSISTANT);
      return;
    }
    this.stopped = false;
    // Not awaited: the add-on starts without Home Assistant and the link comes up when Core does.
    this.connect(this.deps.target);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.stopHeartbeat();
    const conn = this.conn;
    this.conn = null;
    if (conn !== null) conn.close();
    if (this.connected) this.setState(false, 'The add-on is stopping', 'info');
  }

  async send<T>(message: MessageBase): Promise<T> {
    const conn = this.conn;
    if (conn === null || !this.connected) {
      throw new HaError('not_connected', this.status().reason ?? 'Home Assistant is not connected');
    }
    try {
      return await conn.sendMessagePromise<T>(message);
    } catch (err) {
      throw toHaError(err);
    }
  }

  private connect(target: HaTarget): void {
    const auth = createLongLivedTokenAuth(target.hassUrl, target.token);
    const timeoutMs = this.deps.connectTimeoutMs ?? 10_000;
    // The library types its socket as the DOM WebSocket; ws has the parts it uses (addEventListener, readyState/OPEN,
    // send, close).
    createConnection({ auth, createSocket: () => createNodeSocket(auth, timeoutMs) as unknown as Promise<HaWebSocket> }).then(
      (conn) => {
        if (this.stopped) {
          conn.close();
          return;
        }
        this.attempt = 0;
        this.conn = conn;
        conn.addEventListener('ready', () => this.onReady(conn));
        conn.addEventListener('disconnected', () => this.setState(false, 'Connection to Home Assistant lost; reconnecting'));
        conn.addEventListener('reconnect-error', () => this.setState(false, 'Home Assistant refused the add-on\'s token'));
        this.onReady(conn);
      },
      (err: unknown) => {
        if (this.stopped) return;
        if (err === ERR_INVALID_AUTH) {
          // The Supervisor token does not change while the add-on runs: retrying would not help.
          this.setState(false, 'Home Assistant refused the add-on\'s token (is homeassistant_api enabled?)');
          return;
        }
        const reason = err === ERR_CANNOT_CONNECT ? 'Cannot reach Home Assistant; retrying' : `Home Assistant: ${describeError(err)}`;
        this.setState(false, reason);
        const delays = this.deps.retryDelaysMs ?? [1000, 2000, 5000, 10_000, 30_000];
        const delay = delays[Math.min(this.attempt, delays.length - 1)] ?? 30_000;
        this.attempt++;
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          if (!this.stopped) this.connect(target);
        }, delay);
      },
    );
  }

  private onReady(conn: Connection): void {
    this.version = conn.haVersion;
    this.setState(true);
    this.startHeartbeat(conn);
  }

  private setState(connected: boolean, error?: string, level: 'info' | 'warn' = 'warn'): void {
    const changed = connected !== this.connected || error !== this.lastError;
    this.connected = connected;
    this.lastError = connected ? undefined : error;
    if (!connected) this.stopHeartbeat();
    if (!changed) return;
    if (connected) this.deps.log.info(`connected to Home Assistant ${this.version ?? ''}`.trim());
    else this.deps.log[level](error ?? 'Home Assistant disconnected');
    const event: { connected: boolean; version?: string; error?: string } = { connected };
    if (this.version !== undefined) event.version = this.version;
    if (!connected && error !== undefined) event.error = error;
    this.deps.bus.emit('haConnection', event);
  }

  private startHeartbeat(conn: Connection): void {
    this.stopHeartbeat();
    const every = this.deps.heartbeatMs ?? 30_000;
    if (every <= 0) return;
    this.heartbeatTimer = setInterval(() => {
      let answered = false;
      const deadline = setTimeout(() => {
        if (!answered && this.conn === conn && this.connected) {
          this.deps.log.warn('Home Assistant did not answer a ping; reconnecting');
          conn.reconnect(true);
        }
      }, every);
      conn.ping().then(() => { answered = true; clearTimeout(deadline); }, () => { clearTimeout(deadline); });
    }, every);
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }
}

/** Scheme, host and port only (no credentials or query in logs). */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (err !== null && typeof err === 'object' && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}

/** The library rejects with HA's error object {code, message}, or a bare number for its own errors. */
function toHaError(err: unknown): HaError {
  if (err instanceof HaError) return err;
  if (err !== null && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown; error?: { code?: unknown; message?: unknown } };
    const inner = e.error ?? e;
    const code = inner.code === 3 ? 'connection_lost' : String(inner.code ?? 'unknown_error');
    return new HaError(code, typeof inner.message === 'string' ? inner.message : 'Home Assistant refused the command');
  }
  if (err === 3) return new HaError('connection_lost', 'Connection to Home Assistant lost');
  return new HaError('unknown_error', String(err));
}
