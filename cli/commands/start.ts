// mep start (npm start): the whole product on one machine — the add-on in local mode (embedded broker on
// 127.0.0.1:1883 admitting anonymous clients there only, the panel on http://localhost:8099, the OTA download
// port), and a simulated meter with the production firmware on the Node host connected to that broker, so that
// readings reach the panel within seconds. Flags turn the simulated meter off or point everything at another broker.
import { createHash, randomBytes } from 'crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { DEFAULT_OUT } from '../../device/build/build';
import { HostStorage, startHost, type HostHandle } from '../../device/sim/host';
import { BOOT_RECORD, SLOT_PREFIX } from '../../device/src/boot/boot-record';
import { SETTINGS_FILE, type Settings } from '../../device/src/settings/schema';
import { MeterSimulator } from '../../device/sim/meter-sim/meter';
import { parseMbk } from '../../device/src/meter/key';
import { startAddon, type AddonHandle } from '../../addon/src/main';
import { localOptions } from '../../addon/src/options/defaults';
import { resolveHaTarget } from '../../addon/src/ha/connection';
import { SecretStore } from '../../addon/src/pairing/secret-store';
import { deviceIdFromMac } from '../../discovery/topics';
import { SECRET_FILE } from '../../device/src/security/store';
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
          [--meter-key-file <file>] [--device-key-file <file>] [--broker-password-file <file>] [--fresh]

The product on this computer: the add-on (embedded MQTT broker on 127.0.0.1:1883, panel on http://localhost:8099),
and a simulated meter read by the production firmware running on the Node host, connected to that broker.
--no-sim             no simulated meter and device (connect your own device to the broker)
--broker <url>       use this broker instead of the embedded one (the simulated device uses it too)
--data-dir <dir>     where the add-on and the simulated device keep their data (default .mep-local); the
                     simulated device keeps its Storage there between runs (login, name, poll interval, a key
                     fixed in the panel, installed updates)
--fresh              start the simulated device with an empty Storage (as flashed), forgetting all of that
--meter-key-file / --device-key-file <file>   the simulated meter's MBK and the one the device starts with
                     (default both ${DEMO_KEY}), one line in a file, or in MEP_METER_KEY / MEP_DEVICE_KEY
                     (--meter-key / --device-key <MBK> work too, visible in ps); different keys show the
                     "wrong key" problem, fixed from the panel. A device key given here replaces the one the
                     device kept; without one the device keeps its own.
--broker-password-file <file>   the --broker password (or MEP_BROKER_PASSWORD), instead of in the URL.
Ctrl-C stops everything.`;

/** Settings the simulated device kept in its Storage from an earlier run, or null (none, or unreadable). */
function storedSettings(storageDir: string): Partial<Settings> | null {
  const raw = new HostStorage(storageDir).read(SETTINGS_FILE);
  if (!raw) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw).toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Partial<Settings>) : null;
  } catch {
    return null;
  }
}

/** The simulated module's MAC address (the Node host's default, device/sim/host/wifi.ts) and the host it downloads
 *  updates from (options.ota.host below). */
const LOCAL_MAC = '24:0a:c4:00:00:01';
const LOCAL_OTA_HOST = '127.0.0.1';

/** Local mode pairs its simulated module like a real one (DOCS.md "Security: pairing and commands"), without the
 *  code: the secret the module keeps in its Storage (created on its first run) is handed to the add-on's store
 *  before the add-on starts, so the add-on signs its commands and encrypts the key it sends. */
function pairLocally(storageDir: string, addonDir: string): void {
  const storage = new HostStorage(storageDir);
  const kept = storage.read(SECRET_FILE);
  const hex = kept ? Buffer.from(kept).toString('latin1').split(' ')[0] ?? '' : '';
  let secret = /^[0-9a-f]{64}$/.test(hex) ? Buffer.from(hex, 'hex') : null;
  if (!secret) {
    secret = randomBytes(32);
    storage.write(SECRET_FILE, new Uint8Array(Buffer.from(`${secret.toString('hex')} ${LOCAL_OTA_HOST}`, 'latin1')));
  }
  const store = new SecretStore(SecretStore.fileIn(addonDir));
  const id = deviceIdFromMac(LOCAL_MAC) as string;
  if (!store.secretOf(id)?.equals(secret)) store.pair(id, secret, LOCAL_OTA_HOST);
}

/** A device log line ("[app] info: text") in the add-on's log format, with the time, so the two interleave readably.
 *  The settings dump the firmware prints at boot is left out (its values are in the device's own pages). */
export function deviceLogLine(line: string, now: Date = new Date()): string | null {
  if (line.startsWith('host: ')) return null;
  const m = /^\[([\w-]+)\] (\w+): ([\s\S]*)$/.exec(line);
  if (m && m[1] === 'app' && (m[3] as string).startsWith('settings: {')) return null;
  const level = m ? (m[2] as string).toUpperCase().replace('WARNING', 'WARN') : 'INFO';
  return m ? `${now.toISOString()} ${level} [device/${m[1]}] ${m[3]}` : `${now.toISOString()} INFO [device] ${line}`;
}

/** Resolves once `ready()` and `lines()` stopped growing for `quietMs` (the start-up burst is over), or after
 *  `maxMs`. */
function settled(ready: () => boolean, lines: () => number, quietMs: number, maxMs: number): Promise<void> {
  return new Promise((done) => {
    const started = Date.now();
    let seen = lines();
    let quietSince = Date.now();
    const timer = setInterval(() => {
      const now = Date.now();
      if (lines() !== seen) {
        seen = lines();
        quietSince = now;
      }
      if ((ready() && now - quietSince >= quietMs) || now - started >= maxMs) {
        clearInterval(timer);
        done();
      }
    }, 100);
  });
}

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
      fresh: { type: 'boolean' },
    },
    HELP,
  );
  const dataDir = resolve(values['data-dir'] ?? '.mep-local');
  const panelPort = values['panel-port'] === undefined ? 8099 : integerArg(values['panel-port'], '--panel-port', 65535);
  const brokerPort = values['broker-port'] === undefined ? 1883 : integerArg(values['broker-port'], '--broker-port', 65535);
  const otaPort = values['ota-port'] === undefined ? 8125 : integerArg(values['ota-port'], '--ota-port', 65535);
  const deviceHttpPort = values['device-http-port'] === undefined ? 8080 : integerArg(values['device-http-port'], '--device-http-port', 65535);
  const meterKey = secretValue(values, METER_KEY) ?? DEMO_KEY;
  const givenDeviceKey = secretValue(values, DEVICE_KEY);
  const deviceKey = givenDeviceKey ?? meterKey;
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
  const options = localOptions({ mqtt, embedded_broker: { port: brokerPort }, ota: { port: otaPort, host: LOCAL_OTA_HOST }, offline_notify_minutes: 0 });
  const bundlePath = values['no-sim'] ? null : await ensureBundle();
  const storageDir = join(dataDir, 'device');
  if (bundlePath) {
    if (values.fresh) {
      rmSync(storageDir, { recursive: true, force: true });
      rmSync(join(dataDir, 'device.flashed'), { force: true });
    }
    mkdirSync(storageDir, { recursive: true });
    pairLocally(storageDir, join(dataDir, 'addon'));
  }
  const addon: AddonHandle = await startAddon({
    mode: 'local',
    options,
    dataDir: join(dataDir, 'addon'),
    catalogDir: DIST,
    panel: { host: '127.0.0.1', port: panelPort },
    // Outside Home Assistant the HA features are off, unless MEP_HA_URL + MEP_HA_TOKEN point at a real Core.
    homeAssistant: resolveHaTarget(process.env),
    // The panel's Pair reaches the simulated module on this machine.
    ...(bundlePath ? { modules: { address: '127.0.0.1', port: deviceHttpPort } } : {}),
  });

  let sim: MeterSimulator | null = null;
  let device: HostHandle | null = null;
  let deviceLines = 0;
  let linkKnown = false;
  if (bundlePath) {
    sim = new MeterSimulator({ key: meterKey, pacing: 'realtime' });
    const broker = external ?? { host: '127.0.0.1', port: addon.brokerPort ?? brokerPort, username: '', password: '' };
    const loaderPath = join(DIST, 'boot.js');
    flashIfRebuilt(storageDir, bundlePath, loaderPath);
    // What the device kept from the last run stays (login, name, poll interval, a key fixed in the panel); only the
    // broker address follows this run, and the key when one was given for the device.
    const stored = storedSettings(storageDir);
    const key = givenDeviceKey ?? (typeof stored?.meter?.key === 'string' && stored.meter.key !== '' ? stored.meter.key : deviceKey);
    device = await startHost({
      bundlePath,
      loaderPath,
      meter: sim,
      storageDir,
      settings: deviceSettings(broker, key, stored ?? undefined),
      httpPort: deviceHttpPort,
      log: (line) => {
        deviceLines++;
        // The meter session's first verdict (reading, wrong key, no reply …) ends the start-up.
        if (/^\[app\] \w+: meter link (?!starting)/.test(line)) linkKnown = true;
        const out = deviceLogLine(line);
        if (out !== null) process.stdout.write(out + '\n');
      },
    });
    // The banner comes after the device's start-up lines, so it does not scroll away among them.
    await settled(() => linkKnown, () => deviceLines, 500, 20000);
  }
  process.stderr.write(
    [
      `MEP Bridge is running.`,
      `  panel:        ${addon.panelUrl}`,
      `  MQTT broker:  ${external ? `${external.host}:${external.port}` : `mqtt://127.0.0.1:${addon.brokerPort} (embedded, anonymous on loopback)`}`,
      device ? `  device pages: http://127.0.0.1:${deviceHttpPort}/ (simulated meter, firmware on the Node host)` : `  no simulated device (--no-sim)`,
      `  data:         ${dataDir}${device ? ' (the simulated device keeps its settings here; --fresh starts it anew)' : ''}`,
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
