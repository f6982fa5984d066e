// The helpers behind `mep device` (broker URL → settings written into the host's Storage) and `mep upload` (the
// espruino CLI and esptool commands it prints).
import { deviceSettings, parseBrokerUrl } from '../../../cli/commands/device';
import { BOOT_FILE, commandLine, uploadPlan } from '../../../cli/commands/upload';

test('parseBrokerUrl takes mqtt://user:password@host:port, port 1883 by default', () => {
  expect(parseBrokerUrl('mqtt://ha:s%40cret@192.168.1.5:1884')).toEqual({ host: '192.168.1.5', port: 1884, username: 'ha', password: 's@cret' });
  expect(parseBrokerUrl('broker.local')).toEqual({ host: 'broker.local', port: 1883, username: '', password: '' });
  expect(() => parseBrokerUrl('mqtts://x')).toThrow(/mqtt:\/\//);
  expect(() => parseBrokerUrl('mqtt://')).toThrow();
});

test('deviceSettings fills broker and key, keeping other stored settings', () => {
  const broker = { host: 'h', port: 1, username: 'u', password: 'p' };
  const s = deviceSettings(broker, 'ABCDEFGHIJKLMNOPQRST');
  expect(s.mqtt).toMatchObject({ host: 'h', port: 1, username: 'u', password: 'p', discoveryPrefix: 'homeassistant' });
  expect(s.meter.key).toBe('ABCDEFGHIJKLMNOPQRST');
  const kept = deviceSettings(broker, 'KEYKEYKEYKEYKEYK', { ...s, name: 'kitchen', wifi: { ssid: 'x', password: 'y' } });
  expect(kept).toMatchObject({ name: 'kitchen', wifi: { ssid: 'x', password: 'y' }, meter: { key: 'KEYKEYKEYKEYKEYK' } });
});

test('uploadPlan: espruino CLI writes the bundle as .bootcde, esptool flashes the interpreter once', () => {
  const plan = uploadPlan('/dev/ttyUSB0', 'dist/firmware.js');
  expect(commandLine(plan.upload)).toBe(`npx espruino --port /dev/ttyUSB0 --storage ${BOOT_FILE}:dist/firmware.js`);
  expect(commandLine(plan.reboot)).toBe("npx espruino --port /dev/ttyUSB0 -e 'E.reboot()'");
  expect(commandLine(plan.flashInterpreter)).toMatch(/^esptool\.py --chip esp32 --port \/dev\/ttyUSB0 .* 0x1000 bootloader\.bin 0x8000 partitions_espruino\.bin 0x10000 espruino_esp32\.bin$/);
  expect(commandLine(uploadPlan('tcp://10.0.0.5:23', 'fw.js').flashInterpreter)).toContain("'<usb serial port>'");
});
