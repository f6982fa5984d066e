// Which broker the add-on uses: options > Supervisor's MQTT service > embedded; the reason and the description
// are logged, so they must never carry a password. The Supervisor lookup runs against the stand-in.
import { chooseBroker, describeBrokerChoice, SupervisorLookup, SupervisorMqtt } from '../../../addon/src/broker/choice';
import { lookupSupervisorMqtt, parseServicesMqtt } from '../../../addon/src/broker/supervisor';
import fc from 'fast-check';
import { startSupervisorStandIn, SupervisorStandIn } from '../../helpers/supervisor-standin';
import { baseOptions } from './runner-process';

const SUPERVISOR_DATA: SupervisorMqtt = {
  host: 'core-mosquitto', port: 1883, ssl: false, protocol: '3.1.1', username: 'addons', password: 'Sup-Secret-1', addon: 'core_mosquitto',
};
const SUPERVISOR_OK: SupervisorLookup = { status: 'ok', mqtt: SUPERVISOR_DATA };

describe('chooseBroker', () => {
  test('a host in the options wins, with mqtts and its default port for ssl', () => {
    const options = baseOptions({ mqtt: { host: 'broker.lan', ssl: true, username: 'me', password: 'Opt-Secret-2' } });
    const { choice, reason } = chooseBroker(options, null, 'addon');
    expect(choice).toMatchObject({ kind: 'external', source: 'options', host: 'broker.lan', port: 8883, ssl: true, username: 'me' });
    expect(reason).toBe('the options name an MQTT broker');
    expect(describeBrokerChoice(choice)).toBe("broker from the options: mqtts://broker.lan:8883 as me (MQTT 3.1.1)");
  });

  test('else the Supervisor\'s broker', () => {
    const { choice, reason } = chooseBroker(baseOptions(), SUPERVISOR_OK, 'addon');
    expect(choice).toMatchObject({ kind: 'external', source: 'supervisor', host: 'core-mosquitto', port: 1883, username: 'addons' });
    expect(reason).toBe("Home Assistant's MQTT service is provided by core_mosquitto");
    expect(describeBrokerChoice(choice)).not.toContain('Sup-Secret-1');
  });

  test('else the embedded broker: all interfaces with authentication in the add-on, 127.0.0.1 anonymous locally', () => {
    const options = baseOptions({ embedded_broker: { port: 1884, username: 'ha', password: 'Emb-Secret-3', device_password: 'Dev-Secret-4' } });
    const addon = chooseBroker(options, { status: 'unavailable', reason: 'Service not enabled' }, 'addon');
    expect(addon.choice).toMatchObject({ kind: 'embedded', host: '0.0.0.0', port: 1884, anonymous: false });
    expect(addon.reason).toBe('no broker in the options and the Supervisor has none (Service not enabled)');
    const text = describeBrokerChoice(addon.choice);
    expect(text).toMatch(/authentication on/);
    expect(text).not.toMatch(/Emb-Secret-3|Dev-Secret-4/);
    const local = chooseBroker(options, { status: 'no-supervisor' }, 'local');
    expect(local.choice).toMatchObject({ kind: 'embedded', host: '127.0.0.1', anonymous: true });
  });

  test('no description ever contains a password (property)', () => {
    const secret = fc.string({ minLength: 8, maxLength: 30 }).filter((s) => /^[A-Za-z0-9!#%&*+=?@^_~-]+$/.test(s) && /\d/.test(s) && /[A-Z]/.test(s));
    fc.assert(
      fc.property(secret, fc.boolean(), fc.constantFrom('local', 'addon') as fc.Arbitrary<'local' | 'addon'>, fc.nat(3), (pw, hasHost, mode, which) => {
        const options = baseOptions({
          mqtt: hasHost ? { host: 'h', username: 'u', password: pw } : {},
          embedded_broker: { port: 1883, username: 'u', password: pw, device_password: pw },
        });
        const lookups: SupervisorLookup[] = [
          { status: 'no-supervisor' }, { status: 'unavailable', reason: 'Service not enabled' },
          { status: 'ok', mqtt: { ...SUPERVISOR_DATA, password: pw } }, { status: 'unavailable', reason: 'HTTP 401' },
        ];
        const d = chooseBroker(options, lookups[which] as SupervisorLookup, mode);
        expect(describeBrokerChoice(d.choice)).not.toContain(pw);
        expect(d.reason).not.toContain(pw);
      }),
    );
  });
});

describe('Supervisor services/mqtt lookup (stand-in speaking the Supervisor API)', () => {
  let supervisor: SupervisorStandIn;
  const data = { host: 'core-mosquitto', port: 1883, ssl: false, protocol: '3.1.1' as const, username: 'addons', password: 'Sup-Secret-1', addon: 'core_mosquitto' };
  beforeAll(async () => {
    supervisor = await startSupervisorStandIn({ token: 'tok-123', mqtt: data });
  });
  afterAll(() => supervisor.stop());

  test('ok: the broker data, asked with the Bearer token', async () => {
    const r = await lookupSupervisorMqtt({ token: 'tok-123', url: `${supervisor.url}/services/mqtt` });
    expect(r).toEqual({ status: 'ok', mqtt: data });
    expect(supervisor.requests[supervisor.requests.length - 1]).toEqual({ method: 'GET', path: '/services/mqtt', authorized: true });
  });

  test('"Service not enabled", a wrong token, no Supervisor at all', async () => {
    supervisor.setMqtt(null);
    expect(await lookupSupervisorMqtt({ token: 'tok-123', url: `${supervisor.url}/services/mqtt` })).toEqual({ status: 'unavailable', reason: 'Service not enabled' });
    supervisor.setMqtt(data);
    expect(await lookupSupervisorMqtt({ token: 'nope', url: `${supervisor.url}/services/mqtt` })).toEqual({ status: 'unavailable', reason: 'HTTP 401' });
    expect(await lookupSupervisorMqtt({ url: `${supervisor.url}/services/mqtt` })).toEqual({ status: 'no-supervisor' });
    const closed = await lookupSupervisorMqtt({ token: 't', url: 'http://127.0.0.1:1/services/mqtt', timeoutMs: 2000 });
    expect(closed.status).toBe('unavailable');
  });

  test('the stand-in also answers /info and /addons/self/info in the Supervisor envelope', async () => {
    const get = async (path: string) => (await fetch(`${supervisor.url}${path}`, { headers: { Authorization: 'Bearer tok-123' } })).json();
    expect(await get('/info')).toMatchObject({ result: 'ok', data: { arch: 'amd64', homeassistant: expect.any(String) } });
    expect(await get('/addons/self/info')).toMatchObject({ result: 'ok', data: { ingress_port: 8099 } });
  });

  test('malformed answers are not mistaken for a broker', () => {
    expect(parseServicesMqtt({ result: 'ok', data: { host: 'h', port: 70000 } })).toBeNull();
    expect(parseServicesMqtt({ result: 'ok', data: { port: 1883 } })).toBeNull();
    expect(parseServicesMqtt({ result: 'error', message: 'x' })).toBeNull();
    expect(parseServicesMqtt('ok')).toBeNull();
    fc.assert(fc.property(fc.anything(), (body) => {
      const r = parseServicesMqtt(body);
      expect(r === null || (typeof r.host === 'string' && Number.isInteger(r.port))).toBe(true);
    }));
  });
});
