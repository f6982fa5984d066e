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

test('uploadPlan: espruino CLI writes the bundle into slot a and the boot loader as .bootcde, esptool flashes the interpreter once', () => {
  const plan = uploadPlan('/dev/ttyUSB0', 'dist/firmware.js', 'dist/boot.js');
  expect(commandLine(plan.upload)).toBe(`npx espruino --port /dev/ttyUSB0 --storage app.a:dist/firmware.js --storage ${BOOT_FILE}:dist/boot.js`);
  // The boot record (boot.*) is cleared so that the loader starts the freshly written slot a, then the board reboots.
  expect(commandLine(plan.reboot)).toMatch(/^npx espruino --port \/dev\/ttyUSB0 -e '.*indexOf\("boot\."\)===0\)S\.erase\(f\).*E\.reboot\(\)'$/);
  expect(commandLine(plan.flashInterpreter)).toMatch(/^esptool\.py --chip esp32 --port \/dev\/ttyUSB0 .* 0x1000 bootloader\.bin 0x8000 partitions_espruino\.bin 0x10000 espruino_esp32\.bin$/);
  expect(commandLine(uploadPlan('tcp://10.0.0.5:23', 'fw.js', 'boot.js').flashInterpreter)).toContain("'<usb serial port>'");
});
