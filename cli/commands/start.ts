// mep start (npm start): the whole product on one machine — the add-on in local mode (embedded broker on
// 127.0.0.1:1883 admitting anonymous clients there only, the panel on http://localhost:8099, the OTA download
// port), and a simulated meter with the production firmware on the Node host connected to that broker, so that
// readings reach the panel within seconds. Flags turn the simulated meter off or point everything at another broker.
import { createHash } from 'crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { DEFAULT_OUT } from '../../device/build/build';
import { HostStorage, startHost, type HostHandle } from '../../device/sim/host';
import { BOOT_RECORD, SLOT_PREFIX } from '../../device/src/boot/boot-record';
import { MeterSimulator } from '../../device/sim/meter-sim/meter';
import { parseMbk } from '../../device/src/meter/key';
import { startAddon, type AddonHandle } from '../../addon/src/main';
import { localOptions } from '../../addon/src/options/defaults';
import { resolveHaTarget } from '../../addon/src/ha/connection';
import { brokerPasswordFor, secretOptions, secretValue } from '../secrets';
import { integerArg, parseCommandLine, UsageError } from '../usage';
import { deviceSettings, ensureBundle, parseBrokerUrl } from './device';
import { DEMO_KEY } from './sim';

const METER_KEY = { flag: 'meter-key', fileFlag: 'meter-key-file', env: 'MEP_METER_KEY' };
const DEVICE_KEY = { flag: 'device-key', fileFlag: 'device-key-file', env: 'MEP_DEVICE_KEY' };

/** Build outputs: the firmware bundle, boot loader and the update packages the add-on ships (npm run build). */
const DIST = dirname(DEFAULT_OUT);

const HELP = `mep start [--no-sim] [--broker <mqtt://[user[:password]@]host[:port]>] [--panel-port <port>]
          [--broker-port <port>] [--ota-port <port>] [--device-http-port <port>] [--data-dir <dir>]
          [--meter-key-file <file>] [--device-key-file <file>] [--broker-password-file <file>]

The product on this computer: the add-on (embedded MQTT broker on 127.0.0.1:1883, panel on http://localhost:8099),
and a simulated meter read by the production firmware running on the Node host, connected to that broker.
--no-sim             no simulated meter and device (connect your own device to the broker)
--broker <url>       use this broker instead of the embedded one (the simulated device uses it too)
--data-dir <dir>     where the add-on and the simulated device keep their data (default .mep-local)
--meter-key-file / --device-key-file <file>   the simulated meter's MBK and the one the device starts with
                     (default both ${DEMO_KEY}), one line in a file, or in MEP_METER_KEY / MEP_DEVICE_KEY
                     (--meter-key / --device-key <MBK> work too, visible in ps); different keys show the
                     "wrong key" problem, fixed from the panel.
--broker-password-file <file>   the --broker password (or MEP_BROKER_PASSWORD), instead of in the URL.
Ctrl-C stops everything.`;

/** The simulated device is flashed like `mep upload` leaves a board: the boot loader in .bootcde and the bundle in
 *  slot a (the host does that on an empty Storage). Updates installed from the panel then survive a restart of
 *  `npm start`, until the bundle itself is rebuilt: then the device is flashed again, keeping settings and pages. */
function flashIfRebuilt(storageDir: string, bundlePath: string, loaderPath: string): void {
  const marker = join(storageDir, '..', 'device.flashed');
  const hash = createHash('sha256').update(readFileSync(bundlePath)).update(readFileSync(loaderPath)).digest('hex');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === hash) return;
  const storage = new HostStorage(storageDir);
  for (const name of storage.list()) {
    if (name === '.bootcde' || name.startsWith(SLOT_PREFIX) || name.startsWith(BOOT_RECORD)) storage.erase(name);
  }
  writeFileSync(marker, hash);
}

export async function startCommand(argv: string[]): Promise<void> {
  const { values } = parseCommandLine(
    argv,
    {
      'no-sim': { type: 'boolean' },
      broker: { type: 'string' },
      'panel-port': { type: 'string' },
      'broker-port': { type: 'string' },
      'ota-port': { type: 'string' },
      'device-http-port': { type: 'string' },
      'data-dir': { type: 'string' },
      ...secretOptions(METER_KEY, DEVICE_KEY),
      'broker-password-file': { type: 'string' },
    },
    HELP,
  );
  const dataDir = resolve(values['data-dir'] ?? '.mep-local');
  const panelPort = values['panel-port'] === undefined ? 8099 : integerArg(values['panel-port'], '--panel-port', 65535);
  const brokerPort = values['broker-port'] === undefined ? 1883 : integerArg(values['broker-port'], '--broker-port', 65535);
  const otaPort = values['ota-port'] === undefined ? 8125 : integerArg(values['ota-port'], '--ota-port', 65535);
  const deviceHttpPort = values['device-http-port'] === undefined ? 8080 : integerArg(values['device-http-port'], '--device-http-port', 65535);
  const meterKey = secretValue(values, METER_KEY) ?? DEMO_KEY;
  const deviceKey = secretValue(values, DEVICE_KEY) ?? meterKey;
  for (const [flag, key] of [['--meter-key', meterKey], ['--device-key', deviceKey]] as const) {
    const parsed = parseMbk(key);
    if (!parsed.ok) throw new UsageError(`${flag}: ${parsed.message}`);
  }
  const parsedBroker = values.broker === undefined ? null : parseBrokerUrl(values.broker);
  const external = parsedBroker ? { ...parsedBroker, password: brokerPasswordFor(parsedBroker.password, values) } : null;
  mkdirSync(join(dataDir, 'addon'), { recursive: true });

  // config.yaml's defaults, with local ports; an external broker replaces the embedded one (options.mqtt).
  const mqtt = external
    ? { host: external.host, port: external.port, ...(external.username ? { username: external.username } : {}), ...(external.password ? { password: external.password } : {}) }
    : {};
  const options = localOptions({ mqtt, embedded_broker: { port: brokerPort }, ota: { port: otaPort, host: '127.0.0.1' }, offline_notify_minutes: 0 });
  const bundlePath = values['no-sim'] ? null : await ensureBundle();
  const addon: AddonHandle = await startAddon({
    mode: 'local',
    options,
    dataDir: join(dataDir, 'addon'),
    catalogDir: DIST,
    panel: { host: '127.0.0.1', port: panelPort },
    // Outside Home Assistant the HA features are off, unless MEP_HA_URL + MEP_HA_TOKEN point at a real Core.
    homeAssistant: resolveHaTarget(process.env),
  });

  let sim: MeterSimulator | null = null;
  let device: HostHandle | null = null;
  if (bundlePath) {
    sim = new MeterSimulator({ key: meterKey, pacing: 'realtime' });
    const broker = external ?? { host: '127.0.0.1', port: addon.brokerPort ?? brokerPort, username: '', password: '' };
    const storageDir = join(dataDir, 'device');
    mkdirSync(storageDir, { recursive: true });
    const loaderPath = join(DIST, 'boot.js');
    flashIfRebuilt(storageDir, bundlePath, loaderPath);
    device = await startHost({
      bundlePath,
      loaderPath,
      meter: sim,
      storageDir,
      settings: deviceSettings(broker, deviceKey),
      httpPort: deviceHttpPort,
      log: (line) => {
        if (!line.startsWith('host: ')) process.stdout.write(`device: ${line}\n`);
      },
    });
  }
  process.stderr.write(
    [
      `MEP Bridge is running.`,
      `  panel:        ${addon.panelUrl}`,
      `  MQTT broker:  ${external ? `${external.host}:${external.port}` : `mqtt://127.0.0.1:${addon.brokerPort} (embedded, anonymous on loopback)`}`,
      device ? `  device pages: http://127.0.0.1:${deviceHttpPort}/ (simulated meter, firmware on the Node host)` : `  no simulated device (--no-sim)`,
      `Ctrl-C stops.`,
      '',
    ].join('\n'),
  );
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  if (device) await device.stop();
  sim?.close();
  await addon.stop();
}
