// Topics (topics.ts; home-assistant.md §3.1, §3.4).
import {
  buildTopics,
  commandOf,
  defaultBaseTopic,
  deviceIdFromMac,
  isDeviceId,
  isValidTopicPrefix,
} from '../../discovery';
import { DEVICE_ID, MAC } from './helpers';

describe('device id from the module MAC (topics.ts)', () => {
  test('§3.1: mep_<12 hex>, lower case, whatever the separator', () => {
    for (const mac of [MAC, '24-0a-c4-12-34-56', '240A.C412.3456', '240ac4123456']) {
      expect(deviceIdFromMac(mac)).toBe(DEVICE_ID);
    }
    expect(isDeviceId(DEVICE_ID)).toBe(true);
    // A valid discovery object id: [a-zA-Z0-9_-] only.
    expect(DEVICE_ID).toMatch(/^[a-zA-Z0-9_-]+$/);
  });

  test('§3.1: anything that is not a real MAC gives null', () => {
    for (const bad of ['', '24:0a:c4:12:34', '24:0a:c4:12:34:56:78', 'zz:0a:c4:12:34:56', '24 0a c4 12 34 56',
      '00:00:00:00:00:00', 'ff:ff:ff:ff:ff:ff']) {
      expect(deviceIdFromMac(bad)).toBeNull();
    }
    expect(isDeviceId('mep_240AC4123456')).toBe(false);
    expect(isDeviceId('xyz_240ac4123456')).toBe(false);
  });
});

describe('topics for a given MAC (topics.ts)', () => {
  test('§3.2, §3.4: defaults: base mep/<id>, device-based discovery, HA birth topic', () => {
    const id = deviceIdFromMac(MAC)!;
    expect(buildTopics(id)).toEqual({
      base: 'mep/mep_240ac4123456',
      availability: 'mep/mep_240ac4123456/availability',
      state: 'mep/mep_240ac4123456/state',
      diagnostics: 'mep/mep_240ac4123456/diagnostics',
      cmdRestart: 'mep/mep_240ac4123456/cmd/restart',
      cmdPoll: 'mep/mep_240ac4123456/cmd/poll',
      cmdConfig: 'mep/mep_240ac4123456/cmd/config',
      cmdResult: 'mep/mep_240ac4123456/cmd/result',
      cmdFilter: 'mep/mep_240ac4123456/cmd/+',
      cmdUpdate: 'mep/mep_240ac4123456/cmd/update',
      cmdRead: 'mep/mep_240ac4123456/cmd/read',
      update: 'mep/mep_240ac4123456/update',
      updateLatest: 'mep/mep_240ac4123456/update/latest',
      updateInstall: 'mep/mep_240ac4123456/update/install',
      discovery: 'homeassistant/device/mep_240ac4123456/config',
      haStatus: 'homeassistant/status',
    });
    expect(defaultBaseTopic(id)).toBe('mep/mep_240ac4123456');
  });

  test('§3.1: a custom base topic and discovery prefix are used as given', () => {
    const t = buildTopics(DEVICE_ID, 'home/energy/meter1', 'ha');
    expect([t.state, t.cmdConfig, t.discovery, t.haStatus]).toEqual([
      'home/energy/meter1/state', 'home/energy/meter1/cmd/config', 'ha/device/mep_240ac4123456/config', 'ha/status',
    ]);
  });

  test('§3.1: an empty or invalid base topic / prefix falls back to the default', () => {
    for (const bad of ['', '/mep', 'mep/', 'a//b', 'mep/+/x', 'mep/#', '$SYS/x', 'with space', 'x'.repeat(101)]) {
      expect(isValidTopicPrefix(bad)).toBe(false);
      expect(buildTopics(DEVICE_ID, bad, bad).base).toBe('mep/mep_240ac4123456');
      expect(buildTopics(DEVICE_ID, bad, bad).haStatus).toBe('homeassistant/status');
    }
  });

  test('C4: commandOf maps command topics and ignores results and foreign topics', () => {
    const t = buildTopics(DEVICE_ID);
    expect(commandOf(t, t.cmdRestart)).toBe('restart');
    expect(commandOf(t, t.cmdPoll)).toBe('poll');
    expect(commandOf(t, t.cmdConfig)).toBe('config');
    expect(commandOf(t, t.cmdResult)).toBeNull();
    expect(commandOf(t, 'mep/other/cmd/restart')).toBeNull();
  });
});
