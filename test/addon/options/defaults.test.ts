// Local mode (`npm start`) takes its defaults from config.yaml, the only copy, and validates overrides like the
// add-on validates /data/options.json.
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { configDefaults, localOptions, OptionsError } from '../../../addon/src/options';

test('the defaults are config.yaml options: block, and validate as they are', () => {
  const defaults = configDefaults();
  expect(defaults).toEqual({ log_level: 'info', mqtt: {}, embedded_broker: { port: 1883 }, ota: { port: 8125 }, offline_notify_minutes: 60 });
  expect(localOptions({})).toEqual(defaults);
});

test('overrides are merged into the groups, and validated', () => {
  const options = localOptions({ mqtt: { host: '127.0.0.1', port: 1884 }, ota: { host: '127.0.0.1' }, offline_notify_minutes: 0 });
  expect(options).toEqual({
    log_level: 'info',
    mqtt: { host: '127.0.0.1', port: 1884 },
    embedded_broker: { port: 1883 },
    ota: { port: 8125, host: '127.0.0.1' },
    offline_notify_minutes: 0,
  });
  expect(() => localOptions({ embedded_broker: { port: 0 } })).toThrow(OptionsError);
  expect(() => localOptions({ embedded_broker: { port: 0 } })).toThrow(/local options:\n {2}embedded_broker\.port: expected a port number/);
});

test('a missing or broken config.yaml is a clear OptionsError', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mep-defaults-'));
  try {
    expect(() => configDefaults(join(dir, 'config.yaml'))).toThrow(/cannot read the defaults/);
    writeFileSync(join(dir, 'config.yaml'), 'name: x\n');
    expect(() => configDefaults(join(dir, 'config.yaml'))).toThrow(/has no `options:` block/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
