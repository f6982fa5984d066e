import fc from 'fast-check';
import { redactSettings, validateSettings } from '../../../device/src/settings/validate';
import { loadSettings, saveSettings } from '../../../device/src/settings/store';
import { SETTINGS_FILE } from '../../../device/src/settings/schema';
import { memoryStorage } from '../../helpers/app-hal';

const text = (t: string) => new Uint8Array(Buffer.from(t, 'latin1'));

const good = {
  name: 'Hall meter',
  wifi: { ssid: 'home', password: 'wifi-secret-1' },
  mqtt: { host: 'core-mosquitto', port: 1883, username: 'mep', password: 'mqtt-secret-2', baseTopic: 'mep/hall', discoveryPrefix: 'homeassistant', compatibility: true },
  meter: { key: 'ABCDEFGHIJKLMNOPQRST', pollIntervalS: 5, replyDigest: 'log', rc4: false },
  login: { user: 'admin', passwordHash: 'pbkdf2$1000$c2FsdA$aGFzaA' },
  web: { openDashData: true },
};
const SECRETS = ['wifi-secret-1', 'mqtt-secret-2', 'ABCDEFGHIJKLMNOPQRST', 'pbkdf2$1000$c2FsdA$aGFzaA'];

describe('device settings', () => {
  test('valid settings pass and keep their values; empty settings give the defaults', () => {
    const r = validateSettings(good);
    expect(r.ok && r.value).toEqual(good);
    const d = validateSettings({});
    expect(d.ok && d.value).toMatchObject({ name: 'MEP meter', mqtt: { port: 1883, discoveryPrefix: 'homeassistant' }, meter: { pollIntervalS: 2, replyDigest: 'enforce', key: '' } });
  });

  test('every bad field is reported with its path, and no message contains a secret', () => {
    const bad = {
      name: '',
      wifi: { ssid: 'x'.repeat(40), password: 'short' },
      mqtt: { host: 'mqtt://broker:1883', port: 70000, baseTopic: 'mep/#', discoveryPrefix: '', compatibility: 'yes', password: 7 },
      meter: { key: 'SECRETKEY-SHORT', pollIntervalS: 0, replyDigest: 'always' },
      login: { user: 'a\u0001b' },
    };
    const r = validateSettings(bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = r.errors.map((e) => e.path).sort();
    expect(paths).toEqual(['login.user', 'meter.key', 'meter.pollIntervalS', 'meter.replyDigest', 'mqtt.baseTopic', 'mqtt.compatibility', 'mqtt.discoveryPrefix', 'mqtt.host', 'mqtt.password', 'mqtt.port', 'name', 'wifi.password', 'wifi.ssid'].sort());
    expect(JSON.stringify(r.errors)).not.toContain('SECRETKEY');
  });

  test('redaction shows only "set" / "not set" for secrets', () => {
    const r = validateSettings(good);
    if (!r.ok) throw new Error('expected valid');
    const text = JSON.stringify(redactSettings(r.value));
    for (const s of SECRETS) expect(text).not.toContain(s);
    expect(text).toContain('"key":"set"');
  });

  test('property: any JSON value validates without throwing, and errors never echo secret-looking input', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = validateSettings(v);
        if (!r.ok) for (const e of r.errors) expect(typeof e.message).toBe('string');
      }),
    );
  });

  test('store: round trip, and a damaged file falls back to defaults with a reason', () => {
    const files = new Map<string, Uint8Array>();
    const storage = memoryStorage(files);
    expect(loadSettings(storage).problems).toEqual(['no settings stored yet']);
    const r = validateSettings(good);
    if (!r.ok) throw new Error('expected valid');
    saveSettings(storage, r.value);
    expect(loadSettings(storage).settings).toEqual(good);
    files.set(SETTINGS_FILE, text('{"name":'));
    expect(loadSettings(storage)).toMatchObject({ problems: ['stored settings are not valid JSON'], settings: { name: 'MEP meter' } });
    files.set(SETTINGS_FILE, text(JSON.stringify({ ...good, mqtt: { ...good.mqtt, port: -1 } })));
    const loaded = loadSettings(storage);
    expect(loaded.problems).toEqual(['mqtt.port: must be a whole number from 1 to 65535']);
    expect(loaded.settings).toEqual({ ...good, mqtt: { ...good.mqtt, port: 1883 } }); // the other fields survive
    expect(JSON.stringify(loaded.problems)).not.toContain('mqtt-secret-2');
  });
});
