// Issue 11 attack 4 (online guessing of the shared device password): the options refuse a device password under
// 12 characters, naming the option and never the value; 12 and more are accepted.
import { OptionsError, validateOptions } from '../../../addon/src/options';
import { DEVICE_PASSWORD_MIN } from '../../../addon/src/options/schema';

const base = (devicePassword: string) => ({
  log_level: 'info',
  mqtt: {},
  embedded_broker: { port: 1883, username: 'homeassistant', password: 'x', device_password: devicePassword },
  ota: { port: 8125 },
  offline_notify_minutes: 60,
});

test('a device password under 12 characters is refused with its path, the value never in the message', () => {
  expect(DEVICE_PASSWORD_MIN).toBe(12);
  for (const short of ['', 'a', 'Secret-7', 'ElevenChars']) {
    let error: unknown;
    try {
      validateOptions(base(short));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(OptionsError);
    const e = error as OptionsError;
    expect(e.problems).toEqual([{ path: 'embedded_broker.device_password', message: `must be at least 12 characters long (got ${short.length})` }]);
    if (short.length > 1) expect(e.message).not.toContain(short);
  }
});

test('12 characters and more are accepted', () => {
  expect(validateOptions(base('TwelveChars!')).embedded_broker.device_password).toBe('TwelveChars!');
  expect(validateOptions(base('a much longer device password')).embedded_broker.device_password).toBe('a much longer device password');
});
