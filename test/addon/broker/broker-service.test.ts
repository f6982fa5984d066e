// BrokerService end to end with the Supervisor stand-in: when services/mqtt names a broker, the add-on connects to
// it (a real aedes here) and reports the connection on the bus; "Service not enabled" falls back to the embedded
// broker (run in its own process: aedes is ESM-only). No log line carries a password.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerService } from '../../../addon/src/broker/broker-service';
import { EventBus, EventMap } from '../../../addon/src/bus';
import { createLogger } from '../../../addon/src/log';
import { startAedes } from '../../helpers/brokers';
import { startSupervisorStandIn } from '../../helpers/supervisor-standin';
import { connect, until } from './mqtt-clients';
import { baseOptions, startRunner } from './runner-process';

const TOKEN = 'supervisor-token-abc';
const MQTT_PASSWORD = 'Core-Mosquitto-Pw-77';

test('services/mqtt ok: the Supervisor\'s broker is used and mqttConnection is emitted', async () => {
  const broker = await startAedes({ username: 'addons', password: MQTT_PASSWORD });
  const supervisor = await startSupervisorStandIn({
    token: TOKEN,
    mqtt: { host: '127.0.0.1', port: broker.port, ssl: false, protocol: '3.1.1', username: 'addons', password: MQTT_PASSWORD, addon: 'core_mosquitto' },
  });
  const lines: string[] = [];
  const logger = createLogger('debug', 'broker', (l) => lines.push(l));
  const bus = new EventBus((m) => lines.push(m));
  const connections: EventMap['mqttConnection'][] = [];
  bus.on('test', 'mqttConnection', (e) => connections.push(e));
  const service = new BrokerService({
    options: baseOptions(), mode: 'addon', bus, logger, dataDir: tmpdir(),
    supervisor: { token: TOKEN, url: `${supervisor.url}/services/mqtt` },
  });
  try {
    await service.start();
    expect(service.link.kind).toBe('external');
    expect(service.describe()).toBe("Home Assistant's broker: mqtt://127.0.0.1:" + broker.port + ' as addons (MQTT 3.1.1)');
    expect(connections).toEqual([{ connected: true }]);
    expect(supervisor.requests).toEqual([{ method: 'GET', path: '/services/mqtt', authorized: true }]);
    const got: string[] = [];
    service.link.onMessage((m) => got.push(m.topic));
    await service.link.subscribe('mep/#');
    const device = await connect(broker.url, { username: 'addons', password: MQTT_PASSWORD, clientId: 'dev' });
    await device.publishAsync('mep/mep_240ac4123456/state', '{}', { qos: 1 });
    await until(() => got.length === 1, 3000, 'a message through the Supervisor\'s broker');
    await device.endAsync();
    await service.stop();
    expect(connections[connections.length - 1]).toEqual({ connected: false });
    expect(lines.join('\n')).toMatch(/because Home Assistant's MQTT service is provided by core_mosquitto/);
    expect(lines.join('\n')).not.toContain(MQTT_PASSWORD);
    expect(lines.join('\n')).not.toContain(TOKEN);
  } finally {
    await service.stop();
    await supervisor.stop();
    await broker.stop();
  }
});

test('"Service not enabled": the embedded broker takes over, with authentication on', async () => {
  const supervisor = await startSupervisorStandIn({ token: TOKEN, mqtt: null });
  const dataDir = mkdtempSync(join(tmpdir(), 'mep-fallback-'));
  const options = baseOptions({ embedded_broker: { port: 0, username: 'ha', password: 'Emb-Pw-123', device_password: 'Dev-Pw-456' } });
  const runner = await startRunner({ options, mode: 'addon', dataDir, supervisor: { token: TOKEN, url: `${supervisor.url}/services/mqtt` } });
  try {
    expect(runner.kind).toBe('embedded');
    expect(runner.log()).toMatch(/Supervisor MQTT service: Service not enabled/);
    expect(runner.log()).toMatch(/because no broker in the options and the Supervisor has none \(Service not enabled\)/);
    expect(supervisor.requests).toEqual([{ method: 'GET', path: '/services/mqtt', authorized: true }]);
    const c = await connect(`mqtt://127.0.0.1:${runner.port}`, { username: 'ha', password: 'Emb-Pw-123', clientId: 'ha' });
    await c.endAsync();
    expect(runner.log()).not.toMatch(/Emb-Pw-123|Dev-Pw-456|supervisor-token-abc/);
  } finally {
    await runner.stop();
    await supervisor.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
