// The add-on's Home Assistant link (addon/src/ha/connection.ts) through home-assistant-js-websocket and `ws`
// against the websocket stand-in: the add-on's URL and token, auth_ok/auth_invalid, re-connection after Home
// Assistant restarts, and "not inside Home Assistant" (home-assistant.md §0 #7, §2.2, §2.3).
import { HaConnection, HaError, NOT_IN_HOME_ASSISTANT, resolveHaTarget } from '../../../addon/src/ha/connection';
import { coreInternalHost } from '../../../addon/src/ha/core-config';
import { createNodeSocket } from '../../../addon/src/ha/node-socket';
import { callService, createConnection, createLongLivedTokenAuth, HaWebSocket } from 'home-assistant-js-websocket';
import { HaStandin } from '../../helpers/ha-standin';
import { recordingBus, RecordingLogger, waitFor } from './support';

const TOKEN = 'supervisor-token-0123456789abcdef';

describe('Home Assistant connection', () => {
  let standin: HaStandin | null = null;
  let connection: HaConnection | null = null;

  afterEach(async () => {
    await connection?.stop();
    await standin?.close();
    connection = null;
    standin = null;
  });

  function connect(hassUrl: string, token: string, log = new RecordingLogger(), heartbeatMs = 0): { log: RecordingLogger; events: { name: string; payload: unknown }[] } {
    const { bus, events } = recordingBus(log);
    connection = new HaConnection({ bus, log, target: { hassUrl, token }, retryDelaysMs: [100, 200], heartbeatMs });
    void connection.start();
    return { log, events };
  }

  it('authenticates with the token at <hassUrl>/api/websocket, reports the version and answers commands', async () => {
    standin = await HaStandin.start({ token: TOKEN, version: '2026.3.1' });
    const { log, events } = connect(standin.hassUrl, TOKEN);
    await waitFor('connected', () => connection?.status().connected === true);
    expect(connection?.status()).toEqual({ available: true, connected: true, version: '2026.3.1' });
    expect(events).toContainEqual({ name: 'haConnection', payload: { connected: true, version: '2026.3.1' } });
    expect(standin.upgradePaths).toEqual(['/core/api/websocket']);
    const config = await connection?.send<{ internal_url: string }>({ type: 'get_config' });
    expect(config?.internal_url).toBe('http://homeassistant.local:8123');
    await expect(connection?.send({ type: 'no/such_command' })).rejects.toEqual(new HaError('unknown_command', 'Unknown command.'));
    // The Supervisor proxy refuses supervisor/* and hassio/* types.
    await expect(connection?.send({ type: 'supervisor/api' })).rejects.toMatchObject({ code: 'unauthorized' });
    expect(JSON.stringify({ lines: log.lines, events, describe: connection?.describe() })).not.toContain(TOKEN);
  });

  it('reports a refused token without retrying and without showing it', async () => {
    standin = await HaStandin.start({ token: TOKEN, version: '2026.2.0' });
    const wrong = 'not-the-supervisor-token';
    const { log, events } = connect(standin.hassUrl, wrong);
    await waitFor('refusal', () => events.some((e) => e.name === 'haConnection'));
    await new Promise((r) => setTimeout(r, 500));
    const status = connection?.status();
    expect(status?.connected).toBe(false);
    expect(status?.reason).toMatch(/refused the add-on's token/);
    expect(standin.messagesOfType('auth')).toHaveLength(1);
    await expect(connection?.send({ type: 'energy/get_prefs' })).rejects.toMatchObject({ code: 'not_connected' });
    expect(JSON.stringify({ lines: log.lines, events, status, received: standin.received })).not.toContain(wrong);
  });

  it('reconnects when Home Assistant restarts, and works again afterwards', async () => {
    standin = await HaStandin.start({ token: TOKEN, version: '2026.3.0' });
    const { events } = connect(standin.hassUrl, TOKEN);
    await waitFor('connected', () => connection?.status().connected === true);
    standin.version = '2026.4.0'; // upgraded while it was down: the Energy format follows the running version
    await standin.restart(300);
    await waitFor('disconnect seen', () => events.some((e) => (e.payload as { connected: boolean }).connected === false));
    await waitFor('reconnected', () => connection?.status().connected === true && standin?.connectedClients === 1);
    const states = events.filter((e) => e.name === 'haConnection').map((e) => (e.payload as { connected: boolean }).connected);
    expect(states).toEqual([true, false, true]);
    expect(connection?.status().version).toBe('2026.4.0');
    await expect(connection?.send({ type: 'get_config' })).resolves.toMatchObject({ version: '2026.4.0' });
  });

  it('notices a hung link by its unanswered ping and connects again', async () => {
    standin = await HaStandin.start({ token: TOKEN, version: '2026.3.0' });
    const { events } = connect(standin.hassUrl, TOKEN, new RecordingLogger(), 150);
    await waitFor('connected', () => connection?.status().connected === true);
    standin.freezeClients();
    await waitFor('second connection', () => standin?.messagesOfType('auth').length === 2 && connection?.status().connected === true);
    const states = events.filter((e) => e.name === 'haConnection').map((e) => (e.payload as { connected: boolean }).connected);
    expect(states).toEqual([true, false, true]);
    expect(standin.messagesOfType('ping').length).toBeGreaterThan(0);
  });

  it('reads the host of Core\'s internal URL (where devices reach the add-on), none without one', async () => {
    standin = await HaStandin.start({ token: TOKEN, version: '2026.3.0', internalUrl: 'http://192.168.1.5:8123' });
    connect(standin.hassUrl, TOKEN);
    await waitFor('connected', () => connection?.status().connected === true);
    expect(await coreInternalHost(connection as HaConnection)).toBe('192.168.1.5');
    await connection?.stop();
    expect(await coreInternalHost(connection as HaConnection)).toBeNull();
  });

  it('keeps trying until Home Assistant comes up when the add-on starts first', async () => {
    const probe = await HaStandin.start({ token: TOKEN, version: '2026.3.0' });
    const port = probe.port;
    const hassUrl = probe.hassUrl;
    await probe.close();
    const { events } = connect(hassUrl, TOKEN);
    await waitFor('a failed attempt', () => events.some((e) => (e.payload as { error?: string }).error !== undefined));
    expect(connection?.status()).toMatchObject({ available: true, connected: false, reason: 'Cannot reach Home Assistant; retrying' });
    standin = await HaStandin.start({ token: TOKEN, version: '2026.3.0', port });
    await waitFor('connected', () => connection?.status().connected === true);
  });

  it('the stand-in speaks the library\'s protocol: events to subscribers, service calls recorded, bad calls refused', async () => {
    standin = await HaStandin.start({ token: TOKEN, version: '2026.3.0' });
    const auth = createLongLivedTokenAuth(standin.hassUrl, TOKEN);
    const conn = await createConnection({ auth, createSocket: () => createNodeSocket(auth, 2000) as unknown as Promise<HaWebSocket> });
    try {
      const seen: unknown[] = [];
      const unsubscribe = await conn.subscribeEvents((event: { data: unknown }) => seen.push(event.data), 'mep_test');
      standin.fireEvent('other_event', { n: 0 });
      standin.fireEvent('mep_test', { n: 1 });
      await waitFor('event', () => seen.length === 1);
      expect(seen).toEqual([{ n: 1 }]);
      await unsubscribe();
      await callService(conn, 'persistent_notification', 'create', { notification_id: 'x', message: 'hello' });
      expect(standin.notifications.get('x')).toEqual({ title: null, message: 'hello' });
      await expect(callService(conn, 'persistent_notification', 'create', { title: 'no message' })).rejects.toMatchObject({ code: 'invalid_format' });
      await expect(callService(conn, 'light', 'turn_on', {})).rejects.toMatchObject({ code: 'not_found' });
      expect(standin.serviceCalls).toHaveLength(1);
    } finally {
      conn.close();
    }
  });

  it('without a Supervisor token the Home Assistant features say why they are off', async () => {
    expect(resolveHaTarget({})).toBeNull();
    expect(resolveHaTarget({ SUPERVISOR_TOKEN: 'abc' })).toEqual({ hassUrl: 'http://supervisor/core', token: 'abc' });
    expect(resolveHaTarget({ MEP_HA_URL: 'http://ha.lan:8123', MEP_HA_TOKEN: 'llat' })).toEqual({ hassUrl: 'http://ha.lan:8123', token: 'llat' });
    const log = new RecordingLogger();
    const { bus } = recordingBus(log);
    connection = new HaConnection({ bus, log, target: resolveHaTarget({}) });
    await connection.start();
    expect(connection.status()).toEqual({ available: false, connected: false, reason: NOT_IN_HOME_ASSISTANT });
    expect(NOT_IN_HOME_ASSISTANT).toBe('Not running inside Home Assistant: Energy dashboard and notifications are off');
    await expect(connection.send({ type: 'ping' })).rejects.toMatchObject({ code: 'not_connected', message: NOT_IN_HOME_ASSISTANT });
  });
});
