// The add-on's composition root (architecture-and-style.md C7): the only place that constructs services. Order:
// broker → meters and commands → Home Assistant → usage, backfill, outages (issue 13) → firmware (catalog, downloads,
// rollouts, latest versions) → notifications → panel. Started in that order and stopped in reverse. The broker and the
// panel are essential (a failure stops start-up with a clear message); any other service that fails to start is logged
// and left out, and the add-on keeps running without it.
import { BrokerService } from './broker/broker-service';
import { EventBus } from './bus';
import { EnergyService } from './ha/energy-service';
import { coreInternalHost } from './ha/core-config';
import { HaConnection, HaTarget } from './ha/connection';
import { NotificationService } from './ha/notifications';
import { createLogger, LogSink } from './log';
import { MqttDeviceCommander } from './meters/commander';
import { MeterRegistryService } from './meters/registry-service';
import { describeOptions } from './options';
import { resultChecker } from './pairing/command-payload';
import { PairingService } from './pairing/pairing-service';
import { PressRelay } from './pairing/press-relay';
import { SecretStore } from './pairing/secret-store';
import { Options } from './options/types';
import { advertisedPortFrom } from './ota/advertised-port';
import { chooseDownloadHost } from './ota/download-host';
import { PackageCatalog } from './ota/catalog';
import { LatestVersionPublisher } from './ota/latest-version';
import { RolloutManager, rolloutService } from './ota/rollout';
import { DownloadServer, downloadsOff } from './ota/server';
import { createPanelServer } from './panel/server';
import { Logger, Service } from './service';
import { UsageService } from './usage/usage-service';
import { BackfillService } from './backfill/backfill-service';
import { ModuleReadQueue } from './meters/module-read-queue';
import { OutageService } from './outages/outage-service';
import { usageView } from './usage/meter-usage';

export interface Runtime {
  /** 'addon': inside Home Assistant (ingress only, broker auth always on); 'local': `npm start` on one machine. */
  mode: 'addon' | 'local';
  options: Options;
  /** Persistent data (/data in the add-on). */
  dataDir: string;
  /** Update packages shipped with the add-on (firmware.bin, update.wwws); null = none. */
  catalogDir: string | null;
  panel: { host: string; port: number; assetsDir?: string };
  /** Supervisor API (add-on mode): its token and base URL (default http://supervisor; tests use a stand-in). */
  supervisor?: { token?: string; url?: string };
  /** Home Assistant Core for home-assistant-js-websocket; null = not inside Home Assistant. */
  homeAssistant: HaTarget | null;
  /** Where the panel's Pair reaches modules instead of their own address and port 80 (`npm start`'s simulated one). */
  modules?: { address: string; port: number };
  /** Log sink (default stdout). */
  log?: LogSink;
  /** Clock of the usage figures (epoch ms; default Date.now): tests script a day with it. */
  clock?: () => number;
}

export interface AddonHandle {
  panelUrl: string;
  /** Port of the embedded broker, null when another broker is used. */
  brokerPort: number | null;
  otaPort: number;
  stop(): Promise<void>;
}

class Lifecycle {
  private readonly started: Service[] = [];
  constructor(private readonly log: Logger) {}

  /** Starts an essential service: a failure stops everything started so far and is thrown. */
  async essential(service: Service): Promise<void> {
    try {
      await service.start();
    } catch (err) {
      await this.stopAll();
      throw new Error(`${service.name} could not start: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.started.push(service);
    this.log.info(`started ${service.name}: ${service.describe()}`);
  }

  /** Starts an optional service: a failure is logged and the add-on goes on without it. */
  async optional(service: Service): Promise<boolean> {
    try {
      await service.start();
    } catch (err) {
      this.log.error(`${service.name} could not start and is left out: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
    this.started.push(service);
    this.log.info(`started ${service.name}: ${service.describe()}`);
    return true;
  }

  async stopAll(): Promise<void> {
    while (this.started.length > 0) {
      const service = this.started.pop() as Service;
      try {
        await service.stop();
      } catch (err) {
        this.log.warn(`${service.name} did not stop cleanly: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}

export async function startAddon(runtime: Runtime): Promise<AddonHandle> {
  const { options, mode, dataDir } = runtime;
  const logger = (source: string): Logger => createLogger(options.log_level, source, runtime.log);
  const log = logger('addon');
  const bus = new EventBus((message) => log.error(message));
  const life = new Lifecycle(log);
  log.info(`MEP Bridge add-on starting (${mode} mode) with options ${describeOptions(options)}`);
  const supervisorToken = runtime.supervisor?.token;
  const supervisorUrl = runtime.supervisor?.url ?? 'http://supervisor';

  // Pairing secrets (DOCS.md "Security: pairing and commands"): paired modules log in to the embedded broker with
  // their own password and get signed commands.
  const secrets = new SecretStore(SecretStore.fileIn(dataDir));
  const broker = new BrokerService({
    options,
    mode,
    bus,
    logger: logger('mqtt'),
    dataDir,
    pairing: secrets,
    supervisor: { token: supervisorToken, url: `${supervisorUrl}/services/mqtt` },
  });
  await life.essential(broker);

  const catalog = new PackageCatalog({ bus, log: logger('firmware'), dataDir, bundledDir: runtime.catalogDir });
  let usage: UsageService | null = null;
  let backfill: BackfillService | null = null;
  let outages: OutageService | null = null;
  const registry = new MeterRegistryService({
    bus,
    link: broker.link,
    logger: logger('meters'),
    latestVersion: () => catalog.latest('bin')?.version ?? null,
    checkResult: resultChecker(secrets),
    usage: (deviceId) => usage?.view(deviceId) ?? usageView(null, Date.now(), 'UTC'),
    backfill: (deviceId) => backfill?.view(deviceId),
    lastOutage: (deviceId) => outages?.view(deviceId) ?? null,
  });
  await life.essential(registry);
  const commander = new MqttDeviceCommander({ publisher: broker.link, bus, registry, logger: logger('commands'), secrets });
  // Home Assistant's Restart/Poll buttons publish unsigned presses: relayed signed to paired modules (rate-limited).
  await life.optional(new PressRelay({ link: broker.link, registry, secrets, commander, log: logger('buttons') }));

  const ha = new HaConnection({ bus, log: logger('home-assistant'), target: runtime.homeAssistant });
  await life.optional(ha);
  const energy = new EnergyService({ ha, registry, log: logger('energy') });
  // Energy today / this month, capacity-tariff peaks and signed currents on the meter's device (issue 13).
  const usageService = new UsageService({ bus, log: logger('usage'), mqtt: broker.link, link: broker.link, meters: registry, ha, dataDir, now: runtime.clock });
  if (await life.optional(usageService)) usage = usageService;
  // Raw table reads (issue 13) of the backfill and the outage watch share one queue per module: never interleaved.
  const reads = new ModuleReadQueue(commander);
  // Missing hours of the energy statistics filled from the meters' load profiles (issue 13, DOCS.md "Backfill").
  const backfillService = new BackfillService({ bus, log: logger('backfill'), ha, meters: registry, reader: reads, dataDir, now: runtime.clock });
  if (await life.optional(backfillService)) backfill = backfillService;
  // Power outages from the meters' outage logs: an event, a notification and a "Last outage" sensor (DOCS.md "Power outages").
  const outageService = new OutageService({
    bus, log: logger('outages'), ha, mqtt: broker.link, meters: registry, reader: reads, dataDir, zone: () => usageService.zone(), now: runtime.clock,
  });
  if (await life.optional(outageService)) outages = outageService;

  await life.optional(catalog);
  const downloads = new DownloadServer({
    log: logger('downloads'),
    packages: catalog,
    port: options.ota.port,
    listenHost: mode === 'local' ? '127.0.0.1' : undefined,
    host: options.ota.host,
    internalUrl: () => coreInternalHost(ha),
    advertisedPort: supervisorToken ? advertisedPortFrom({ url: supervisorUrl, token: supervisorToken }, options.ota.port, logger('downloads')) : undefined,
  });
  const downloading = await life.optional(downloads);
  const rollouts = new RolloutManager({
    bus,
    log: logger('rollouts'),
    mqtt: broker.link,
    meters: registry,
    catalog,
    secrets,
    downloads: downloading ? downloads : downloadsOff(`firmware downloads are off: port ${options.ota.port} could not be opened (see the add-on log)`),
  });
  await life.optional(rolloutService(rollouts));
  await life.optional(new LatestVersionPublisher({ bus, log: logger('latest'), mqtt: broker.link, meters: registry, catalog, rollouts }));
  await life.optional(
    new NotificationService({ bus, log: logger('notifications'), ha, registry, options, rollouts }),
  );

  const pairing = new PairingService({
    secrets,
    registry,
    otaHost: async () => (await chooseDownloadHost(options.ota.host, () => coreInternalHost(ha))).host,
    log: logger('pairing'),
    moduleAddress: runtime.modules?.address,
    modulePort: runtime.modules?.port,
    commander,
    embeddedBroker: () => broker.embeddedPort !== null,
  });
  const panel = createPanelServer({
    pairing,
    registry,
    commander,
    catalog,
    rollouts,
    ha: energy,
    bus,
    log: logger('panel'),
    mode,
    host: runtime.panel.host,
    port: runtime.panel.port,
    assetsDir: runtime.panel.assetsDir,
  });
  let panelPort = runtime.panel.port;
  await life.essential({
    name: 'panel',
    start: async () => {
      panelPort = (await panel.start()).port;
    },
    stop: () => panel.stop(),
    describe: () => (mode === 'addon' ? `ingress on port ${panelPort}` : `http://localhost:${panelPort}`),
  });

  log.info('MEP Bridge add-on started');
  return {
    panelUrl: `http://localhost:${panelPort}`,
    brokerPort: broker.embeddedPort,
    otaPort: downloads.port(),
    async stop() {
      log.info('MEP Bridge add-on stopping');
      await life.stopAll();
    },
  };
}
