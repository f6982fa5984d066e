// A small stand-in for Home Assistant Core's websocket API, speaking its real protocol (home-assistant.md §2.2,
// §4.3): auth_required → auth{access_token} → auth_ok{ha_version} | auth_invalid; result envelopes
// {id, type:"result", success, result | error{code,message}}; ping/pong; get_config; energy/get_prefs and
// energy/save_prefs validated per version like HA's voluptuous schemas; call_service (persistent_notification);
// subscribe_events; the recorder's recorder/statistics_during_period and recorder/import_statistics (period hour,
// validated like Core's recorder/websocket_api.py and statistics.py), and compileHour(): the recorder's own hourly
// compile of a total_increasing sensor, for tests that feed it readings. Served at /core/api/websocket, /core/websocket (the Supervisor proxy) and /api/websocket.
// The only stand-in the project allows for HA Core (common rules): everything else in the tests is real.
import { createServer, IncomingMessage, Server } from 'http';
import { AddressInfo, Socket } from 'net';
import { WebSocket, WebSocketServer } from 'ws';
import { validateSavePrefs } from '../addon/ha/energy-prefs-validator';

export interface StandinOptions {
  /** Access token the stand-in accepts (the add-on's SUPERVISOR_TOKEN). */
  token: string;
  /** ha_version in auth_ok and get_config; decides the Energy prefs format (≥ 2026.3 unified). */
  version: string;
  /** Stored Energy prefs; null = the dashboard was never configured (get_prefs answers not_found). */
  prefs?: StoredPrefs | null;
  internalUrl?: string | null;
  /** Port to listen on (0: any free port). */
  port?: number;
  /** Entities that exist with long-term statistics; energy/validate reports the others (absent: all exist). */
  recordedEntities?: string[];
}

export interface StoredPrefs {
  energy_sources: { type: string; [key: string]: unknown }[];
  device_consumption: unknown[];
  device_consumption_water?: unknown[];
}

export interface ReceivedMessage {
  /** Connection number (1 for the first client that connected). */
  connection: number;
  message: { [key: string]: unknown };
}

export interface ServiceCall {
  domain: string;
  service: string;
  data: { [key: string]: unknown };
}

export interface SavePrefsAttempt {
  payload: { [key: string]: unknown };
  /** null: accepted. */
  error: string | null;
}

interface ClientState {
  number: number;
  /** A hung link: messages are read but never answered. */
  frozen: boolean;
  authenticated: boolean;
  lastId: number;
  subscriptions: Map<number, string | undefined>;
}

// Supervisor proxy (supervisor/api/proxy.py DENIED_WS_TYPE_PREFIXES): add-ons may not send these.
const DENIED_PREFIXES = ['supervisor/', 'hassio/'];
const WS_PATHS = new Set(['/core/api/websocket', '/core/websocket', '/api/websocket']);

export class HaStandin {
  readonly received: ReceivedMessage[] = [];
  /** Request paths of the websocket upgrades, in order. */
  readonly upgradePaths: string[] = [];
  readonly serviceCalls: ServiceCall[] = [];
  /** Events fired by clients (fire_event), in order. */
  readonly firedEvents: { eventType: string; data: { [key: string]: unknown } }[] = [];
  readonly savePrefsAttempts: SavePrefsAttempt[] = [];
  /** Open persistent notifications by notification_id (HA's persistent_notification state). */
  readonly notifications = new Map<string, { title: string | null; message: string }>();
  /** Hourly long-term statistics: statistic id -> hour start (epoch ms) -> row (HA's statistics table). */
  readonly statistics = new Map<string, Map<number, StatisticRowStore>>();
  /** Metadata of imported statistics (HA's statistics_meta table). */
  readonly statisticsMeta = new Map<string, { [key: string]: unknown }>();
  /** The entity registry: config/entity_registry/list answers it in Core's as_partial_dict shape (partialEntry);
   *  registerEntity adds an entry, renameEntity renames one and moves its statistics like the recorder. */
  readonly entityRegistry: RegistryEntryStore[] = [];
  prefs: StoredPrefs | null;
  version: string;
  recordedEntities: string[] | undefined;
  private readonly token: string;
  private readonly internalUrl: string | null;
  private http: Server | null = null;
  private wss: WebSocketServer | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly clients = new Map<WebSocket, ClientState>();
  private connections = 0;
  private boundPort = 0;

  private constructor(options: StandinOptions) {
    this.token = options.token;
    this.version = options.version;
    this.prefs = options.prefs === undefined ? null : structuredClone(options.prefs);
    this.internalUrl = options.internalUrl === undefined ? 'http://homeassistant.local:8123' : options.internalUrl;
    this.boundPort = options.port ?? 0;
    this.recordedEntities = options.recordedEntities;
  }

  static async start(options: StandinOptions): Promise<HaStandin> {
    const standin = new HaStandin(options);
    await standin.listen();
    return standin;
  }

  get port(): number {
    return this.boundPort;
  }

  /** The hassUrl a client passes to createLongLivedTokenAuth, like `http://supervisor/core` in the add-on. */
  get hassUrl(): string {
    return `http://127.0.0.1:${this.boundPort}/core`;
  }

  /** Number of authenticated clients connected now. */
  get connectedClients(): number {
    return [...this.clients.values()].filter((c) => c.authenticated).length;
  }

  /** Messages of one type, in arrival order. */
  messagesOfType(type: string): { [key: string]: unknown }[] {
    return this.received.filter((r) => r.message['type'] === type).map((r) => r.message);
  }

  /** Sends an event to every client subscribed to it (subscribe_events without event_type gets all). */
  fireEvent(eventType: string, data: { [key: string]: unknown }): void {
    for (const [ws, state] of this.clients) {
      for (const [id, wanted] of state.subscriptions) {
        if (wanted !== undefined && wanted !== eventType) continue;
        send(ws, {
          id, type: 'event',
          event: { event_type: eventType, data, origin: 'LOCAL', time_fired: new Date().toISOString(), context: context() },
        });
      }
    }
  }

  /** The connected clients' links hang: their messages (pings included) get no answer, the sockets stay open.
   *  New connections work normally. */
  freezeClients(): void {
    for (const state of this.clients.values()) state.frozen = true;
  }

  /** Stops and starts again on the same port (a Home Assistant restart): clients are disconnected, and persistent
   *  notifications are gone (Core keeps them in memory only); Energy prefs are kept (they are stored). */
  async restart(downMs = 0): Promise<void> {
    await this.close();
    this.notifications.clear();
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    await this.listen();
  }

  async close(): Promise<void> {
    for (const ws of this.clients.keys()) ws.terminate();
    this.clients.clear();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    const wss = this.wss;
    const http = this.http;
    this.wss = null;
    this.http = null;
    if (wss !== null) await new Promise<void>((r) => wss.close(() => r()));
    if (http !== null) await new Promise<void>((r) => http.close(() => r()));
  }

  private async listen(): Promise<void> {
    const http = createServer((_req, res) => {
      res.writeHead(404).end();
    });
    const wss = new WebSocketServer({ noServer: true });
    http.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      this.upgradePaths.push(path);
      if (!WS_PATHS.has(path)) {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.boundPort, '127.0.0.1', () => resolve());
    });
    this.boundPort = (http.address() as AddressInfo).port;
    this.http = http;
    this.wss = wss;
  }

  private accept(ws: WebSocket): void {
    const state: ClientState = { number: ++this.connections, frozen: false, authenticated: false, lastId: 0, subscriptions: new Map() };
    this.clients.set(ws, state);
    ws.on('close', () => this.clients.delete(ws));
    ws.on('message', (data) => this.onMessage(ws, state, data.toString()));
    send(ws, { type: 'auth_required', ha_version: this.version });
  }

  private onMessage(ws: WebSocket, state: ClientState, text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      ws.close(1003, 'invalid JSON');
      return;
    }
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      ws.close(1003, 'invalid message');
      return;
    }
    const msg = message as { [key: string]: unknown };
    this.received.push({ connection: state.number, message: redactAuth(msg) });
    if (state.frozen) return;
    if (!state.authenticated) {
      this.authenticate(ws, state, msg);
      return;
    }
    const id = msg['id'];
    if (typeof id !== 'number' || !Number.isInteger(id) || typeof msg['type'] !== 'string') {
      send(ws, { id: typeof id === 'number' ? id : null, type: 'result', success: false,
        error: { code: 'invalid_format', message: 'Message incorrectly formatted.' } });
      return;
    }
    // HA: "Identifier values have to increase." (websocket_api/connection.py)
    if (id <= state.lastId) {
      send(ws, errorResult(id, 'id_reuse', 'Identifier values have to increase.'));
      return;
    }
    state.lastId = id;
    try {
      this.dispatch(ws, state, id, msg['type'], msg);
    } catch {
      // websocket_api/connection.py async_handle_exception
      send(ws, errorResult(id, 'unknown_error', 'Unknown error'));
    }
  }

  private authenticate(ws: WebSocket, state: ClientState, msg: { [key: string]: unknown }): void {
    if (msg['type'] !== 'auth') {
      send(ws, { type: 'auth_invalid', message: 'Auth message incorrectly formatted: expected auth' });
      ws.close();
      return;
    }
    if (msg['access_token'] !== this.token) {
      send(ws, { type: 'auth_invalid', message: 'Invalid access token or password' });
      ws.close();
      return;
    }
    state.authenticated = true;
    send(ws, { type: 'auth_ok', ha_version: this.version });
  }

  private dispatch(ws: WebSocket, state: ClientState, id: number, type: string, msg: { [key: string]: unknown }): void {
    if (DENIED_PREFIXES.some((p) => type.startsWith(p))) {
      send(ws, errorResult(id, 'unauthorized', `Unauthorized command type ${type}`));
      return;
    }
    switch (type) {
      case 'ping':
        send(ws, { id, type: 'pong' });
        return;
      case 'supported_features':
        send(ws, okResult(id, null));
        return;
      case 'get_config':
        send(ws, okResult(id, this.config()));
        return;
      case 'energy/get_prefs':
        if (this.prefs === null) send(ws, errorResult(id, 'not_found', 'No prefs'));
        else send(ws, okResult(id, structuredClone(this.prefs)));
        return;
      case 'energy/validate':
        send(ws, okResult(id, this.validateEnergy()));
        return;
      case 'energy/save_prefs':
        this.savePrefs(ws, id, msg);
        return;
      case 'call_service':
        this.callService(ws, id, msg);
        return;
      case 'fire_event':
        this.clientFireEvent(ws, id, msg);
        return;
      case 'recorder/statistics_during_period':
        this.statisticsDuringPeriod(ws, id, msg);
        return;
      case 'recorder/import_statistics':
        this.importStatistics(ws, id, msg);
        return;
      case 'config/entity_registry/list':
        send(ws, okResult(id, this.entityRegistry.map(partialEntry)));
        return;
      case 'subscribe_events': {
        const eventType = msg['event_type'];
        state.subscriptions.set(id, typeof eventType === 'string' ? eventType : undefined);
        send(ws, okResult(id, null));
        return;
      }
      case 'unsubscribe_events': {
        const sub = msg['subscription'];
        if (typeof sub !== 'number' || !state.subscriptions.delete(sub)) {
          send(ws, errorResult(id, 'not_found', 'Subscription not found.'));
        } else {
          send(ws, okResult(id, null));
        }
        return;
      }
      default:
        send(ws, errorResult(id, 'unknown_command', 'Unknown command.'));
    }
  }

  private config(): { [key: string]: unknown } {
    return {
      version: this.version, location_name: 'Home', time_zone: 'Europe/Copenhagen', unit_system: { length: 'km' },
      components: ['energy', 'mqtt', 'persistent_notification'], state: 'RUNNING', safe_mode: false,
      recovery_mode: false, internal_url: this.internalUrl, external_url: null, currency: 'DKK', country: 'DK',
      language: 'en', latitude: 55.7, longitude: 12.6, elevation: 0, radius: 100, config_dir: '/config',
      allowlist_external_dirs: [], allowlist_external_urls: [], config_source: 'storage',
    };
  }

  /** energy/validate (energy/validate.py, simplified): per source, the statistics that do not exist. */
  private validateEnergy(): { [key: string]: unknown } {
    const recorded = this.recordedEntities;
    const issuesOf = (ids: string[]): unknown[] => {
      if (recorded === undefined) return [];
      return ids.filter((i) => !recorded.includes(i)).flatMap((i) => [
        { type: 'statistics_not_defined', affected_entities: [[i, null]], translation_placeholders: null },
        { type: 'entity_not_defined', affected_entities: [[i, null]], translation_placeholders: null },
      ]);
    };
    const prefs = this.prefs ?? { energy_sources: [], device_consumption: [], device_consumption_water: [] };
    return {
      energy_sources: prefs.energy_sources.map((s) => issuesOf(statisticsOf(s))),
      device_consumption: prefs.device_consumption.map((d) => issuesOf(statisticsOf(d))),
      device_consumption_water: (prefs.device_consumption_water ?? []).map((d) => issuesOf(statisticsOf(d))),
    };
  }

  private savePrefs(ws: WebSocket, id: number, msg: { [key: string]: unknown }): void {
    const payload: { [key: string]: unknown } = {};
    for (const [key, value] of Object.entries(msg)) if (key !== 'id' && key !== 'type') payload[key] = value;
    const error = validateSavePrefs(this.version, payload);
    this.savePrefsAttempts.push({ payload: structuredClone(payload), error });
    if (error !== null) {
      send(ws, errorResult(id, 'invalid_format', error));
      return;
    }
    // energy/data.py async_update: each provided list replaces the stored one; power_config → stat_rate.
    const next: StoredPrefs = this.prefs === null
      ? { energy_sources: [], device_consumption: [], device_consumption_water: [] }
      : structuredClone(this.prefs);
    if (Array.isArray(payload['energy_sources'])) {
      next.energy_sources = (payload['energy_sources'] as StoredPrefs['energy_sources']).map((s) => processPower(s));
    }
    if (Array.isArray(payload['device_consumption'])) next.device_consumption = payload['device_consumption'];
    if (Array.isArray(payload['device_consumption_water'])) next.device_consumption_water = payload['device_consumption_water'];
    this.prefs = next;
    send(ws, okResult(id, structuredClone(next)));
  }

  /** recorder/statistics_during_period (websocket_api.py ws_handle_get_statistics_during_period), period hour only:
   *  {<id>: [{start, end (epoch ms), <types>}]}, ids without rows left out; `change` is the sum's rise since the
   *  row before (0 before the first). */
  private statisticsDuringPeriod(ws: WebSocket, id: number, msg: { [key: string]: unknown }): void {
    const allowed = ['id', 'type', 'start_time', 'end_time', 'statistic_ids', 'period', 'units', 'types'];
    const extra = Object.keys(msg).find((k) => !allowed.includes(k));
    if (extra !== undefined) return send(ws, errorResult(id, 'invalid_format', `extra keys not allowed @ data['${extra}']`));
    for (const key of ['start_time', 'statistic_ids', 'period']) {
      if (msg[key] === undefined) return send(ws, errorResult(id, 'invalid_format', `required key not provided @ data['${key}']`));
    }
    const ids = msg['statistic_ids'];
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((i) => typeof i === 'string')) {
      return send(ws, errorResult(id, 'invalid_format', "length of value must be at least 1 for dictionary value @ data['statistic_ids']"));
    }
    if (!['5minute', 'hour', 'day', 'week', 'month'].includes(msg['period'] as string)) {
      return send(ws, errorResult(id, 'invalid_format', "value must be one of ['5minute', 'day', 'hour', 'month', 'week'] for dictionary value @ data['period']"));
    }
    if (msg['period'] !== 'hour') return send(ws, errorResult(id, 'not_supported', 'the stand-in answers period "hour" only'));
    const start = parseZoned(msg['start_time']);
    if (start === null) return send(ws, errorResult(id, 'invalid_start_time', 'Invalid start_time'));
    const end = msg['end_time'] === undefined ? Infinity : parseZoned(msg['end_time']);
    if (end === null) return send(ws, errorResult(id, 'invalid_end_time', 'Invalid end_time'));
    const types = Array.isArray(msg['types']) ? (msg['types'] as string[]) : ['change', 'last_reset', 'max', 'mean', 'min', 'state', 'sum'];
    const result: { [id: string]: unknown[] } = {};
    for (const statId of new Set(ids as string[])) {
      const rows = [...(this.statistics.get(statId) ?? new Map<number, StatisticRowStore>()).entries()].sort((a, b) => a[0] - b[0]);
      const out: unknown[] = [];
      let prevSum = 0;
      for (const [hour, row] of rows) {
        if (hour >= start && hour < end) {
          const r: { [key: string]: unknown } = { start: hour, end: hour + 3_600_000 };
          if (types.includes('change')) r['change'] = row.sum === null ? null : row.sum - prevSum;
          if (types.includes('last_reset')) r['last_reset'] = null;
          for (const t of ['max', 'mean', 'min']) if (types.includes(t)) r[t] = null;
          if (types.includes('state')) r['state'] = row.state;
          if (types.includes('sum')) r['sum'] = row.sum;
          out.push(r);
        }
        if (row.sum !== null) prevSum = row.sum;
      }
      if (out.length > 0) result[statId] = out;
    }
    send(ws, okResult(id, result));
  }

  /** recorder/import_statistics (websocket_api.py ws_import_statistics, statistics.py async_import_statistics /
   *  async_add_external_statistics / _async_import_statistics): schema, source, whole-hour zoned starts; upsert. */
  private importStatistics(ws: WebSocket, id: number, msg: { [key: string]: unknown }): void {
    const problem = importSchemaProblem(msg);
    if (problem !== null) return send(ws, errorResult(id, 'invalid_format', problem));
    const meta = msg['metadata'] as { [key: string]: unknown };
    const statId = meta['statistic_id'] as string;
    const source = meta['source'] as string;
    // HomeAssistantError in a websocket handler -> code home_assistant_error (websocket_api/connection.py).
    if (ENTITY_ID.test(statId)) {
      if (source !== 'recorder') return send(ws, errorResult(id, 'home_assistant_error', 'Invalid source'));
    } else {
      const m = /^([a-z0-9_]+):[a-z0-9_]+$/.exec(statId);
      if (m === null) return send(ws, errorResult(id, 'home_assistant_error', 'Invalid statistic_id'));
      if (source !== m[1]) return send(ws, errorResult(id, 'home_assistant_error', 'Invalid source'));
    }
    const rows: [number, StatisticRowStore][] = [];
    for (const stat of msg['stats'] as { [key: string]: unknown }[]) {
      const text = stat['start'] as string;
      const start = parseZoned(text);
      if (start === null) return send(ws, errorResult(id, 'home_assistant_error', 'Naive timestamp'));
      const offsetMin = zoneOffsetMinutes(text);
      const localMinutes = ((Math.floor(start / 60_000) + offsetMin) % 60 + 60) % 60;
      if (localMinutes !== 0 || start % 60_000 !== 0) return send(ws, errorResult(id, 'home_assistant_error', 'Invalid timestamp'));
      rows.push([start, { state: typeof stat['state'] === 'number' ? stat['state'] : null, sum: typeof stat['sum'] === 'number' ? stat['sum'] : null }]);
    }
    const table = this.statistics.get(statId) ?? new Map<number, StatisticRowStore>();
    for (const [start, row] of rows) table.set(start, row);
    this.statistics.set(statId, table);
    this.statisticsMeta.set(statId, structuredClone(meta));
    send(ws, okResult(id, null));
  }

  /** What the recorder's compiler continues from per statistic (its own last state and sum; imports do not move it). */
  private readonly compiled = new Map<string, { state: number; sum: number }>();

  /** The recorder's hourly compile of a total_increasing sensor (sensor/recorder.py compile_statistics, simplified to
   *  whole hours): `lastState` is the sensor's last valid state in the hour, null when it had none (unavailable the
   *  whole hour: no row is written). sum = the compiler's last sum + the state's rise (a fall is a new meter cycle:
   *  + the state); the first row starts at sum 0. Written like a compiled row, i.e. upserted by hour start. */
  compileHour(statisticId: string, hourStart: number, lastState: number | null): void {
    if (lastState === null) return;
    const last = this.compiled.get(statisticId);
    const rise = last === undefined ? 0 : lastState >= last.state ? lastState - last.state : lastState;
    const sum = Math.round(((last?.sum ?? 0) + rise) * 1e6) / 1e6;
    this.compiled.set(statisticId, { state: lastState, sum });
    const table = this.statistics.get(statisticId) ?? new Map<number, StatisticRowStore>();
    table.set(hourStart, { state: lastState, sum });
    this.statistics.set(statisticId, table);
  }

  /** fire_event (commands.py: schema {type, event_type: str, event_data?: dict}, require_admin; the Supervisor's user
   *  is an admin): hass.bus.async_fire, then the result {context}. */
  private clientFireEvent(ws: WebSocket, id: number, msg: { [key: string]: unknown }): void {
    const extra = Object.keys(msg).find((k) => !['id', 'type', 'event_type', 'event_data'].includes(k));
    if (extra !== undefined) return send(ws, errorResult(id, 'invalid_format', `extra keys not allowed @ data['${extra}']`));
    const eventType = msg['event_type'];
    if (eventType === undefined) return send(ws, errorResult(id, 'invalid_format', "required key not provided @ data['event_type']"));
    if (typeof eventType !== 'string') return send(ws, errorResult(id, 'invalid_format', "expected str for dictionary value @ data['event_type']"));
    const raw = msg['event_data'];
    if (raw !== undefined && (raw === null || typeof raw !== 'object' || Array.isArray(raw))) {
      return send(ws, errorResult(id, 'invalid_format', "expected dict for dictionary value @ data['event_data']"));
    }
    const data = structuredClone((raw ?? {}) as { [key: string]: unknown });
    this.firedEvents.push({ eventType, data });
    this.fireEvent(eventType, data);
    send(ws, okResult(id, { context: context() }));
  }

  /** An entity in the registry (an MQTT entity from discovery: platform "mqtt", unique_id from its config). */
  registerEntity(entityId: string, platform: string, uniqueId: string): void {
    this.entityRegistry.push({ entity_id: entityId, platform, unique_id: uniqueId });
  }

  /** The user renames an entity (config/entity_registry/update new_entity_id): the registry entry changes and the
   *  recorder moves its statistics to the new id (recorder/core.py: entity_registry_updated → update_statistics_metadata). */
  renameEntity(from: string, to: string): void {
    const entry = this.entityRegistry.find((e) => e.entity_id === from);
    if (!entry) throw new Error(`${from} is not in the entity registry`);
    entry.entity_id = to;
    for (const table of [this.statistics, this.statisticsMeta] as Map<string, unknown>[]) {
      const v = table.get(from);
      if (v !== undefined) {
        table.delete(from);
        table.set(to, v);
      }
    }
    const compiled = this.compiled.get(from);
    if (compiled) {
      this.compiled.delete(from);
      this.compiled.set(to, compiled);
    }
  }

  private callService(ws: WebSocket, id: number, msg: { [key: string]: unknown }): void {
    const domain = msg['domain'];
    const service = msg['service'];
    const raw = msg['service_data'];
    const data = raw !== null && typeof raw === 'object' ? (raw as { [key: string]: unknown }) : {};
    if (typeof domain !== 'string' || typeof service !== 'string') {
      send(ws, errorResult(id, 'invalid_format', "required key not provided @ data['domain']"));
      return;
    }
    if (domain !== 'persistent_notification' || (service !== 'create' && service !== 'dismiss')) {
      send(ws, errorResult(id, 'not_found', `Service ${domain}.${service} not found.`));
      return;
    }
    // persistent_notification SCHEMA_SERVICE_NOTIFICATION / SCHEMA_SERVICE_NOTIFICATION_DISMISS.
    const allowed = service === 'create' ? ['message', 'title', 'notification_id'] : ['notification_id'];
    const extra = Object.keys(data).find((k) => !allowed.includes(k));
    if (extra !== undefined) {
      send(ws, errorResult(id, 'invalid_format', `extra keys not allowed @ data['${extra}']`));
      return;
    }
    const required = service === 'create' ? 'message' : 'notification_id';
    if (typeof data[required] !== 'string') {
      send(ws, errorResult(id, 'invalid_format', `required key not provided @ data['${required}']`));
      return;
    }
    this.serviceCalls.push({ domain, service, data: structuredClone(data) });
    const notificationId = typeof data['notification_id'] === 'string' ? data['notification_id'] : `auto_${id}`;
    if (service === 'create') {
      this.notifications.set(notificationId, {
        title: typeof data['title'] === 'string' ? data['title'] : null, message: data['message'] as string,
      });
    } else {
      this.notifications.delete(notificationId);
    }
    send(ws, okResult(id, { context: context(), response: null }));
  }
}

export interface StatisticRowStore {
  state: number | null;
  sum: number | null;
}

/** core.valid_entity_id. */
const ENTITY_ID = /^(?!.+__)(?!_)[\da-z_]+(?<!_)\.(?!_)[\da-z_]+(?<!_)$/;

/** An ISO 8601 time with a zone (Z or ±hh:mm) as epoch ms; null when unparsable or naive (dt_util.parse_datetime +
 *  Core's "Naive timestamp" check). */
function parseZoned(v: unknown): number | null {
  if (typeof v !== 'string' || !/(Z|[+-]\d{2}:?\d{2})$/.test(v)) return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : ms;
}

function zoneOffsetMinutes(text: string): number {
  const m = /([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (m === null) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** The voluptuous schema of recorder/import_statistics, in HA's wording; null when the message fits. */
function importSchemaProblem(msg: { [key: string]: unknown }): string | null {
  const extra = Object.keys(msg).find((k) => !['id', 'type', 'metadata', 'stats'].includes(k));
  if (extra !== undefined) return `extra keys not allowed @ data['${extra}']`;
  const meta = msg['metadata'];
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return "required key not provided @ data['metadata']";
  const m = meta as { [key: string]: unknown };
  const metaKeys = ['has_mean', 'mean_type', 'has_sum', 'name', 'source', 'statistic_id', 'unit_class', 'unit_of_measurement'];
  const extraMeta = Object.keys(m).find((k) => !metaKeys.includes(k));
  if (extraMeta !== undefined) return `extra keys not allowed @ data['metadata']['${extraMeta}']`;
  for (const key of ['has_sum', 'name', 'source', 'statistic_id', 'unit_of_measurement']) {
    if (!(key in m)) return `required key not provided @ data['metadata']['${key}']`;
  }
  if (typeof m['has_sum'] !== 'boolean') return "expected bool for dictionary value @ data['metadata']['has_sum']";
  if ('has_mean' in m && typeof m['has_mean'] !== 'boolean') return "expected bool for dictionary value @ data['metadata']['has_mean']";
  if ('mean_type' in m && ![0, 1, 2].includes(m['mean_type'] as number)) return "value must be one of [0, 1, 2] for dictionary value @ data['metadata']['mean_type']";
  for (const key of ['name', 'unit_class', 'unit_of_measurement']) {
    if (key in m && m[key] !== null && typeof m[key] !== 'string') return `expected str for dictionary value @ data['metadata']['${key}']`;
  }
  for (const key of ['source', 'statistic_id']) if (typeof m[key] !== 'string') return `expected str for dictionary value @ data['metadata']['${key}']`;
  const stats = msg['stats'];
  if (!Array.isArray(stats)) return "required key not provided @ data['stats']";
  for (let i = 0; i < stats.length; i++) {
    const row = stats[i] as { [key: string]: unknown } | null;
    if (row === null || typeof row !== 'object') return `expected a dictionary @ data['stats'][${i}]`;
    const extraRow = Object.keys(row).find((k) => !['start', 'mean', 'min', 'max', 'last_reset', 'state', 'sum'].includes(k));
    if (extraRow !== undefined) return `extra keys not allowed @ data['stats'][${i}]['${extraRow}']`;
    if (typeof row['start'] !== 'string' || Number.isNaN(Date.parse(row['start']))) return `invalid datetime for dictionary value @ data['stats'][${i}]['start']`;
    for (const key of ['mean', 'min', 'max', 'state', 'sum']) {
      if (key in row && (typeof row[key] !== 'number' || !Number.isFinite(row[key]))) return `expected float for dictionary value @ data['stats'][${i}]['${key}']`;
    }
  }
  return null;
}

function send(ws: WebSocket, message: unknown): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
}

function okResult(id: number, result: unknown): unknown {
  return { id, type: 'result', success: true, result };
}

function errorResult(id: number, code: string, message: string): unknown {
  return { id, type: 'result', success: false, error: { code, message } };
}

function context(): { id: string; parent_id: null; user_id: string } {
  return { id: Math.random().toString(36).slice(2), parent_id: null, user_id: 'supervisor' };
}

/** The recorded auth message keeps whether a token was sent, not the token. */
function redactAuth(msg: { [key: string]: unknown }): { [key: string]: unknown } {
  if (msg['type'] !== 'auth') return msg;
  return { type: 'auth', access_token: msg['access_token'] === undefined ? undefined : '<redacted>' };
}

/** Every statistic id a prefs entry refers to (any depth: legacy flow lists, power_config). */
function statisticsOf(entry: unknown): string[] {
  if (Array.isArray(entry)) return entry.flatMap(statisticsOf);
  if (entry === null || typeof entry !== 'object') return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(entry)) {
    if (key.startsWith('stat_') && typeof value === 'string') out.push(value);
    else if (typeof value === 'object') out.push(...statisticsOf(value));
  }
  return [...new Set(out)];
}

/** energy/data.py _process_grid_power: a power_config with stat_rate sets stat_rate; other methods get a generated
 *  template sensor id. */
function processPower(source: { type: string; [key: string]: unknown }): { type: string; [key: string]: unknown } {
  if (source.type !== 'grid' || !('power_config' in source) || 'flow_from' in source) return source;
  const config = source['power_config'] as { [key: string]: string };
  if (config['stat_rate'] !== undefined) return { ...source, stat_rate: config['stat_rate'] };
  const base = (config['stat_rate_from'] ?? config['stat_rate_inverted'] ?? 'power').replace(/^sensor\./, '');
  return { ...source, stat_rate: `sensor.energy_grid_${base}_net_power` };
}

/** What the stand-in's entity registry keeps of an entry. */
interface RegistryEntryStore {
  entity_id: string;
  platform: string;
  unique_id: string;
}

/** One config/entity_registry/list element: Core's RegistryEntry.as_partial_dict (helpers/entity_registry.py). */
function partialEntry(e: RegistryEntryStore): { [key: string]: unknown } {
  return {
    area_id: null, categories: {}, config_entry_id: null, config_subentry_id: null, created_at: 0, device_id: null,
    disabled_by: null, entity_category: null, entity_id: e.entity_id, has_entity_name: true, hidden_by: null, icon: null,
    id: `reg-${e.unique_id}`, labels: [], modified_at: 0, name: null, options: {}, original_name: null,
    platform: e.platform, translation_key: null, unique_id: e.unique_id,
  };
}
