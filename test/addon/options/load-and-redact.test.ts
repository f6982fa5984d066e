// The add-on reads /data/options.json once at start: a user who made a mistake gets every problem at once, each
// with the option's path and what was expected; a secret never appears in an error or in the start-up log.
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { describeOptions, loadOptions, Options, OptionsError, redactOptions, validateOptions } from '../../../addon/src/options';

const VALID = {
  log_level: 'info',
  mqtt: { host: 'core-mosquitto', port: 1883, username: 'addons', password: 'Mq77-pass-word', ssl: false },
  embedded_broker: { port: 1883, username: 'homeassistant', password: 'Emb3dded-secret', device_password: 'Dev1ce-secret' },
  ota: { port: 8125, host: '192.168.1.10' },
  offline_notify_minutes: 60,
};

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'mep-options-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeOptions(text: string): string {
  const file = join(dir, `options-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, text);
  return file;
}

function problemsOf(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (err) {
    if (err instanceof OptionsError) return [...err.problems];
    throw err;
  }
  throw new Error('expected an OptionsError');
}

describe('loadOptions', () => {
  test('valid options load into a frozen object equal to the file', () => {
    const options = loadOptions(writeOptions(JSON.stringify(VALID)));
    expect(options).toEqual(VALID);
    expect(Object.isFrozen(options)).toBe(true);
    expect(Object.isFrozen(options.mqtt)).toBe(true);
    expect(Reflect.set(options.mqtt, 'host', 'elsewhere')).toBe(false);
    expect(options.mqtt.host).toBe('core-mosquitto');
  });

  test('every problem is reported at once, each with its path and what was expected', () => {
    const bad = {
      ...VALID,
      log_level: 'verbose',
      mqtt: { ...VALID.mqtt, port: 70000, hots: 'typo' },
      embedded_broker: { username: 'mep_aabbccddeeff' },
      ota: { port: '8125' },
      offline_notify_minutes: 2.5,
      extra: true,
    };
    const err = (() => {
      try {
        loadOptions(writeOptions(JSON.stringify(bad)));
      } catch (e) {
        return e as OptionsError;
      }
      throw new Error('accepted');
    })();
    expect(err).toBeInstanceOf(OptionsError);
    const byPath = Object.fromEntries(err.problems.map((p) => [p.path, p.message]));
    expect(byPath).toEqual({
      log_level: 'expected one of debug, info, warning, error, got text "verbose"',
      'mqtt.port': 'expected a port number from 1 to 65535, got a whole number (70000)',
      'mqtt.hots': 'unknown option (known here: host, port, username, password, ssl)',
      'embedded_broker.port': 'missing (this option is required)',
      'embedded_broker.username': expect.stringContaining('not starting with "mep_"'),
      'ota.port': 'expected a port number from 1 to 65535, got text "8125"',
      offline_notify_minutes: 'expected a whole number from 0 to 10080, got a number with a fraction (2.5)',
      extra: expect.stringMatching(/^unknown option/),
    });
    // The message lists them one per line after naming the file.
    expect(err.message).toMatch(/^Invalid .*options-\w+\.json:\n/);
    expect(err.message).toContain('\n  mqtt.port: expected a port number from 1 to 65535');
  });

  test('not JSON, empty, not an object, missing file: one clear error each, no file content quoted', () => {
    const secret = 'Hunter2-Secret-Value';
    const cases: [string | null, RegExp][] = [
      [`{"mqtt": {"password": "${secret}" x}}`, /^not valid JSON at line 1, column \d+$/],
      [`{\n  "mqtt": {\n    "password": "${secret}",\n  }\n}`, /^not valid JSON at line 4, column \d+$/],
      ['', /^the file is empty$/],
      ['[1, 2]', /^expected a group of options \(an object\), got a list$/],
      [`"${secret}"`, /^expected a group of options \(an object\), got text$/],
      [null, /^cannot read the file \(ENOENT\)$/],
    ];
    for (const [text, expected] of cases) {
      const file = text === null ? join(dir, 'missing.json') : writeOptions(text);
      const problems = problemsOf(() => loadOptions(file));
      expect(problems).toEqual([{ path: '', message: expect.stringMatching(expected) }]);
      expect(JSON.stringify(problems)).not.toContain(secret);
    }
  });

  test('fuzz: any bytes as the file give either options or an OptionsError, never another exception', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.uint8Array().map((b) => Buffer.from(b).toString('latin1'))), (text) => {
        const file = writeOptions(text);
        try {
          loadOptions(file);
        } catch (err) {
          expect(err).toBeInstanceOf(OptionsError);
          expect((err as OptionsError).problems.length).toBeGreaterThan(0);
        } finally {
          rmSync(file);
        }
      }),
      { numRuns: 200 },
    );
  });

  test('fuzz: a secret, wherever it is put wrongly, never appears in the error', () => {
    const secret = fc.string({ minLength: 6, maxLength: 30 }).map((s) => `Zq9-${s}`);
    fc.assert(
      fc.property(secret, fc.constantFrom('mqtt', 'embedded_broker'), fc.constantFrom('pasword', 'password', 'device_password', 'passwd'), (value, group, key) => {
        // Wrong type for a real password option (a list holding it), or the secret under a misspelled key.
        const raw = JSON.parse(JSON.stringify(VALID)) as { [g: string]: { [k: string]: unknown } };
        const target = raw[group] as { [k: string]: unknown };
        target[key] = key in target ? [value] : value;
        const problems = problemsOf(() => validateOptions(raw));
        expect(problems.length).toBeGreaterThan(0);
        expect(JSON.stringify(problems)).not.toContain(value);
        expect(() => validateOptions(raw)).toThrow(expect.objectContaining({ message: expect.not.stringContaining(value) }));
      }),
      { numRuns: 200 },
    );
  });

  test('a "!secret" reference (resolved only by the Supervisor) is refused with an explanation', () => {
    const problems = problemsOf(() => validateOptions({ ...VALID, mqtt: { password: '!secret mqtt_password' } }));
    expect(problems).toEqual([{ path: 'mqtt.password', message: expect.stringContaining('resolved only by the Home Assistant Supervisor') }]);
  });
});

describe('redactOptions / describeOptions (the start-up log)', () => {
  test('passwords become "***"; everything else is shown as configured', () => {
    expect(redactOptions(validateOptions(VALID))).toEqual({
      ...VALID,
      mqtt: { ...VALID.mqtt, password: '***' },
      embedded_broker: { ...VALID.embedded_broker, password: '***', device_password: '***' },
    });
    const minimal = validateOptions({ ...VALID, mqtt: {}, embedded_broker: { port: 1883 } });
    expect(redactOptions(minimal)).toEqual({ ...VALID, mqtt: {}, embedded_broker: { port: 1883 } });
    expect(describeOptions(minimal)).toBe('log_level="info" embedded_broker.port=1883 ota.port=8125 ota.host="192.168.1.10" offline_notify_minutes=60');
  });

  test('fuzz: no password value ever appears in the log line', () => {
    const secret = fc.string({ minLength: 1, maxLength: 40 }).map((s) => `Pw!${s}`);
    const devicePassword = fc.string({ minLength: 9, maxLength: 40 }).map((s) => `Pw!${s}`);
    fc.assert(
      fc.property(secret, secret, devicePassword, (a, b, c) => {
        const options: Options = validateOptions({
          ...VALID,
          mqtt: { ...VALID.mqtt, password: a },
          embedded_broker: { ...VALID.embedded_broker, password: b, device_password: c },
        });
        const line = describeOptions(options);
        for (const s of [a, b, c]) expect(line).not.toContain(s);
        expect(line).toContain('mqtt.password="***"');
      }),
    );
  });
});
