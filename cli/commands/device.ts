// mep device: runs the PRODUCTION firmware bundle (dist/firmware.js, built first when missing or older than the
// sources) on the Node host (device/sim/host), against a simulated meter, a TCP meter or a serial port, with
// settings (broker, meter key) written into the simulated Storage before boot.
import { existsSync, statSync } from 'fs';
import { dirname, join } from 'path';
import { buildArtefacts } from '../../device/build/artefacts';
import { buildFirmware, DEFAULT_OUT, newestSourceMtime, SIZE_BUDGET_BYTES } from '../../device/build/build';
import { startHost, type HostBoard } from '../../device/sim/host';
import { MeterSimulator } from '../../device/sim/meter-sim/meter';
import type { MeterOption } from '../../device/sim/host';
import { HostStorage } from '../../device/sim/host';
import { parseMbk } from '../../device/src/meter/key';
import { SETTINGS_FILE, type Settings } from '../../device/src/settings/schema';
import { parseTcpUrl } from '../port';
import { brokerPasswordFor, KEY, secretOptions, secretValue } from '../secrets';
import { integerArg, parseCommandLine, requireString, UsageError } from '../usage';
import { DEMO_KEY } from './sim';

const HELP = `mep device --broker <mqtt://[user[:password]@]host[:port]> --meter <sim | tcp://host:port | serial path>
           [--key-file <file>] [--broker-password-file <file>] [--storage <dir>] [--http <port>] [--board esp32|esp32c3] [--rebuild]

Runs the firmware bundle (dist/firmware.js) on this computer in an Espruino-like sandbox: the meter on its UART,
WiFi simulated (always connects), MQTT and HTTP over this computer's network. The broker and the meter key are
written into the simulated Storage before boot (--storage <dir> keeps Storage between runs).
--meter sim: a built-in simulated meter with the same key (default key ${DEMO_KEY}).
--http: real port for the device's web page (default 8080).
The key: one line in --key-file, or MEP_KEY (--key <MBK> works too, visible in ps); the broker password: in
--broker-password-file or MEP_BROKER_PASSWORD (mqtt://user@host), rather than in the URL.`;

export interface BrokerAddress {
  host: string;
  port: number;
  username: string;
  password: string;
}

/** mqtt://user:password@host:port → parts (port 1883 by default). */
export function parseBrokerUrl(text: string): BrokerAddress {
  let url: URL;
  try {
    url = new URL(text.includes('://') ? text : `mqtt://${text}`);
  } catch {
    // Never echo the argument: it may carry the broker password.
    throw new UsageError('--broker is not a URL like mqtt://user:password@host:1883 (percent-encode special characters in the password)');
  }
  if (url.protocol !== 'mqtt:' && url.protocol !== 'tcp:') throw new UsageError('--broker must be an mqtt:// URL (no TLS on the device)');
  if (!url.hostname) throw new UsageError('--broker needs a host');
  const port = url.port === '' ? 1883 : Number(url.port);
  try {
    return {
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port,
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    };
  } catch {
    throw new UsageError('--broker: the user name or password has a bad percent-escape');
  }
}

/** The settings the device boots with: stored ones (if any) with broker and key replaced. */
export function deviceSettings(broker: BrokerAddress, key: string, stored?: Partial<Settings>): Settings {
  const base: Settings = {
    name: 'MEP Bridge (host)',
    wifi: { ssid: 'host-network', password: 'host-network-password' },
    mqtt: { host: '', port: 1883, username: '', password: '', baseTopic: '', discoveryPrefix: 'homeassistant', compatibility: false },
    meter: { key: '', pollIntervalS: 2, replyDigest: 'enforce', rc4: false }, // the firmware's default (issue 10 schedule)
    login: { user: 'admin', passwordHash: '' },
  };
  const s = { ...base, ...stored } as Settings;
  return {
    ...s,
    mqtt: { ...base.mqtt, ...s.mqtt, host: broker.host, port: broker.port, username: broker.username, password: broker.password },
    meter: { ...base.meter, ...s.meter, key },
  };
}

/** Builds dist/firmware.js and its artefacts (boot.js, firmware.bin, update.wwws: device/build/artefacts.ts) when
 *  any is missing or older than the sources. The size budget only warns here: the host runs an oversized bundle fine
 *  (`mep upload` and the build script enforce it). */
export async function ensureBundle(rebuild = false): Promise<string> {
  const outputs = [DEFAULT_OUT, ...['boot.js', 'firmware.bin'].map((name) => join(dirname(DEFAULT_OUT), name))];
  const newest = newestSourceMtime();
  if (rebuild || outputs.some((file) => !existsSync(file) || statSync(file).mtimeMs < newest)) {
    process.stderr.write('mep: building dist/firmware.js\n');
    const r = await buildFirmware({ budgetBytes: Infinity });
    process.stderr.write(`mep: ${r.bytes} bytes, ${r.functions} functions, build ${r.buildId}\n`);
    if (r.bytes > SIZE_BUDGET_BYTES) {
      process.stderr.write(`mep: warning: the bundle is over the ${SIZE_BUDGET_BYTES / 1024} KB budget (fine on the host, refused by mep upload)\n`);
    }
    await buildArtefacts(r);
  }
  return DEFAULT_OUT;
}

function storedSettings(dir: string | undefined): Partial<Settings> | undefined {
  if (!dir) return undefined;
  const bytes = new HostStorage(dir).read(SETTINGS_FILE);
  if (!bytes) return undefined;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<Settings>;
  } catch {
    return undefined;
  }
}

export async function deviceCommand(argv: string[]): Promise<void> {
  const { values } = parseCommandLine(
    argv,
    {
      broker: { type: 'string' },
      meter: { type: 'string' },
      ...secretOptions(KEY),
      'broker-password-file': { type: 'string' },
      storage: { type: 'string' },
      http: { type: 'string' },
      board: { type: 'string' },
      rebuild: { type: 'boolean' },
    },
    HELP,
  );
  const parsedBroker = parseBrokerUrl(requireString(values.broker, '--broker'));
  const broker = { ...parsedBroker, password: brokerPasswordFor(parsedBroker.password, values) };
  const meterSpec = requireString(values.meter, '--meter');
  const givenKey = secretValue(values, KEY);
  const key = givenKey ?? DEMO_KEY;
  const parsed = parseMbk(key);
  if (!parsed.ok) throw new UsageError(parsed.message);
  const boardArg = values.board ?? 'esp32';
  if (boardArg !== 'esp32' && boardArg !== 'esp32c3') throw new UsageError('--board must be esp32 or esp32c3');
  const board: HostBoard = boardArg === 'esp32c3' ? 'ESP32C3' : 'ESP32';
  const httpPort = values.http === undefined ? 8080 : integerArg(values.http, '--http', 65535);

  let sim: MeterSimulator | null = null;
  let meter: MeterOption;
  if (meterSpec === 'sim') {
    sim = new MeterSimulator({ key, pacing: 'realtime' });
    meter = sim;
  } else if (meterSpec.startsWith('tcp://')) {
    const tcp = parseTcpUrl(meterSpec);
    if (!tcp) throw new UsageError(`bad --meter "${meterSpec}"`);
    meter = { tcp };
  } else meter = { serialPath: meterSpec };

  const bundlePath = await ensureBundle(!!values.rebuild);
  const settings = deviceSettings(broker, key, storedSettings(values.storage));
  const host = await startHost({
    bundlePath,
    meter,
    board,
    storageDir: values.storage,
    settings,
    httpPort,
    log: (line) => process.stdout.write(line + '\n'),
  });
  process.stderr.write(
    `mep device: firmware running (${board}, meter ${meterSpec === 'sim' ? `simulated, key ${givenKey ? 'given' : DEMO_KEY}` : meterSpec}, ` +
      `broker ${broker.host}:${broker.port}${values.storage ? `, storage ${values.storage}` : ''}); Ctrl-C stops\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await host.stop();
  sim?.close();
}
