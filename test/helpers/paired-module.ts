// A module the add-on is paired with, as the add-on's raw-read tests need it (issue 13): the PRODUCTION firmware on
// the Node host reading a simulated meter, connected to aedes, with the pairing secret in its Storage; on the add-on's
// side the link to that broker, the meter registry (results checked against the secret) and the commander that signs
// commands. A test adds its own services on top and calls stop() after stopping them.
import { connectExternalBroker } from '../../addon/src/broker/external';
import { EventBus } from '../../addon/src/bus';
import { createLogger } from '../../addon/src/log';
import { MqttDeviceCommander } from '../../addon/src/meters/commander';
import { MeterRegistryDeps, MeterRegistryService } from '../../addon/src/meters/registry-service';
import { resultChecker } from '../../addon/src/pairing/command-payload';
import { SecretStore } from '../../addon/src/pairing/secret-store';
import { Logger } from '../../addon/src/service';
import { HostHandle, startHost } from '../../device/sim/host';
import { MeterSimulator } from '../../device/sim/meter-sim/meter';
import { SECRET_FILE } from '../../device/src/security/store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { productionBundle } from '../device/host/helpers';
import { Broker, startAedes } from './brokers';

export interface PairedModuleOptions {
  sim: MeterSimulator;
  /** The module's name (its settings). */
  name: string;
  key: string;
  mac: string;
  /** The device id the MAC gives (mep_<mac>). */
  deviceId: string;
  /** The pairing secret, in the module's Storage and the add-on's secret store. */
  secret: Buffer;
  /** Prefix of the add-on's data folder (a temp folder, removed by stop()). */
  dirPrefix: string;
  /** The add-on's log lines and bus messages; none by default. */
  log?: (line: string) => void;
  /** Runs once the broker is up, before the module starts (a watcher that must see the module's first messages). */
  onBroker?: (broker: Broker) => Promise<void>;
  /** Registry callbacks of the services under test (backfill, lastOutage). */
  registry?: Partial<Pick<MeterRegistryDeps, 'backfill' | 'lastOutage'>>;
}

export interface PairedModule {
  broker: Broker;
  host: HostHandle;
  /** The add-on's data folder. */
  dir: string;
  bus: EventBus;
  logger: Logger;
  link: Awaited<ReturnType<typeof connectExternalBroker>>;
  registry: MeterRegistryService;
  commander: MqttDeviceCommander;
  /** The module's console lines. */
  lines: string[];
  stop(): Promise<void>;
}

export async function startPairedModule(o: PairedModuleOptions): Promise<PairedModule> {
  const dir = mkdtempSync(join(tmpdir(), o.dirPrefix));
  const broker = await startAedes();
  if (o.onBroker) await o.onBroker(broker);
  const lines: string[] = [];
  const host = await startHost({
    bundlePath: await productionBundle(),
    meter: o.sim,
    settings: { name: o.name, wifi: { ssid: 'home', password: 'x' }, mqtt: { host: '127.0.0.1', port: broker.port }, meter: { key: o.key, pollIntervalS: 2 } },
    files: { [SECRET_FILE]: o.secret.toString('hex') + ' 127.0.0.1' },
    wifi: { mac: o.mac },
    log: (l) => lines.push(l),
  });
  const sink = o.log ?? (() => undefined);
  const logger = createLogger(o.log ? 'info' : 'error', 'test', sink);
  const bus = new EventBus(sink);
  const secrets = new SecretStore(SecretStore.fileIn(dir));
  secrets.pair(o.deviceId, o.secret, '127.0.0.1');
  const link = await connectExternalBroker({ host: '127.0.0.1', port: broker.port, ssl: false, logger });
  const registry = new MeterRegistryService({ bus, link, logger, checkResult: resultChecker(secrets), ...o.registry });
  await registry.start();
  const commander = new MqttDeviceCommander({ publisher: link, bus, registry, logger, secrets, timeoutMs: 15000 });
  return {
    broker, host, dir, bus, logger, link, registry, commander, lines,
    stop: async () => {
      commander.dispose();
      await registry.stop();
      await link.close();
      await host.stop();
      o.sim.close();
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
