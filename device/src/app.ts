// The application: meter session → readings → MQTT with Home Assistant discovery, and WiFi with the access-point
// fallback, over the HAL only. Shared by the Espruino entry point (main.ts) and the Node host. It never reboots as
// error handling: only the user's restart command does, and the watchdog if the interpreter hangs.
import { CommandResult, ConfigCommand } from '../../discovery/contract';
import { DiscoveryContext } from '../../discovery/discovery-payload';
import { deviceIdFromMac } from '../../discovery/topics';
import { PayloadValues } from '../../discovery/payloads';
import { applyConfigCommand, Service } from './app/config-command';
import { MeterIdentityInfo, MeterService } from './app/meter-service';
import { MqttService } from './app/mqtt-service';
import { UpdateService } from './app/update-service';
import { TrialGuard } from './boot/trial';
import { compatValues, stateValues } from './app/values';
import { Hal } from './hal/types';
import { createLogger, Logger } from './log';
import { LinkStatus } from './meter/session-types';
import { WifiManager } from './net/wifi-manager';
import { Installer } from './ota/installer';
import { StoredWebFiles } from './ota/web-files';
import { Settings } from './settings/schema';
import { loadSettings, saveSettings } from './settings/store';
import { redactSettings } from './settings/validate';
import { UpdateInstaller, WebFiles } from './ota/installer-types';
import { formatWebArea } from './web/format';
import { WebServer } from './web/server';

declare const FIRMWARE_VERSION: string;
/** Injected by the firmware build (esbuild define); 'dev' when the sources run unbundled. */
export const VERSION = typeof FIRMWARE_VERSION === 'string' ? FIRMWARE_VERSION : 'dev';

const AP_SSID = 'esp32-mep';
/** The access point's WPA2 password (chosen on the setup page, else random: apPassword()). */
const AP_PASSWORD_FILE = 'mep.ap';
const WATCHDOG_S = 30;
const DIAGNOSTICS_EVERY_MS = 60000;

export class App {
  private readonly hal: Hal;
  private readonly log: Logger;
  private settings: Settings;
  private readonly deviceId: string;
  private readonly meter: MeterService;
  private readonly mqtt: MqttService;
  private wifi: WifiManager | null = null;
  private identity: MeterIdentityInfo | null = null;
  private link: LinkStatus | null = null;
  private lastError = '';
  /** Phase count the published discovery message was built for. */
  private discoveryPhases: 1 | 3 = 3;
  /** WiFi events go to the current WifiManager only (one native listener, whatever restarts happen). */
  private wifiListeners: { [event: string]: ((detail: string) => void)[] } = {};
  private intervals: unknown[] = [];
  private readonly updates: UpdateService;
  private readonly trial: TrialGuard;
  private readonly web: WebServer;
  /** The update engine and web bundle (device/src/ota), set by their wiring; the web server asks for them per request. */
  installer: UpdateInstaller | null = null;
  webFiles: WebFiles | null = null;

  constructor(hal: Hal) {
    this.hal = hal;
    this.log = createLogger((line) => hal.system.log(line), 'app', 'info');
    const loaded = loadSettings(hal.storage);
    this.settings = loaded.settings;
    for (let i = 0; i < loaded.problems.length; i++) this.log.warn(`settings: ${loaded.problems[i]}`);
    this.deviceId = deviceIdFromMac(hal.wifi.mac()) || 'mep_000000000000';
    this.meter = new MeterService({
      hal,
      log: createLogger((line) => hal.system.log(line), 'meter', 'info'),
      events: {
        onCycle: () => this.onCycle(),
        onIdentity: (id) => this.onIdentity(id),
        onStatus: (s) => this.onLinkStatus(s),
        onProblem: (m) => this.problem(m),
      },
    });
    // The update engine (ota/, boot/): uploads and MQTT pulls feed the installer; the web server reads webFiles.
    const webFiles = new StoredWebFiles(hal.storage);
    const log = (line: string) => hal.system.log(line);
    const installer = new Installer({
      storage: hal.storage, clock: hal.clock, system: hal.system, crypto: hal.crypto, firmwareVersion: VERSION, web: webFiles, log,
    });
    this.webFiles = webFiles;
    this.installer = installer;
    this.updates = new UpdateService({
      installer,
      http: hal.httpClient,
      clock: hal.clock,
      log: createLogger(log, 'update', 'info'),
      firmwareVersion: VERSION,
      report: { state: (s) => this.mqtt.publishUpdateState(s), result: (r) => this.mqtt.publishResult(r) },
      online: () => this.mqtt.connected(),
    });
    this.trial = new TrialGuard({
      storage: hal.storage, clock: hal.clock, log, healthy: () => this.healthy(), outcome: (o) => {
        this.updates.trialOutcome(o);
        if (!o.ok) this.problem(o.summary); // also in diagnostics' last_error
      },
    });
    this.mqtt = new MqttService({
      hal,
      log: createLogger((line) => hal.system.log(line), 'mqtt', 'info'),
      handlers: {
        connected: () => {
          this.publishDiagnostics();
          this.updates.connected();
        },
        update: (id, body) => this.updates.handle(id, body),
        restart: () => this.hal.clock.setTimeout(() => this.hal.system.reboot(), 1000),
        pollNow: () => this.meter.pollNow(),
        applyConfig: (cmd) => this.applyConfig(cmd),
      },
    });
    this.web = new WebServer({
      hal,
      version: VERSION,
      settings: () => this.settings,
      storeSettings: (next, restart) => this.storeSettings(next, restart),
      readings: () => ({ name: this.settings.name, link: this.link ? this.link.state : null, values: stateValues(this.meter.readings.current) }),
      apMode: () => !!this.wifi && this.wifi.current() === 'access-point',
      installer: () => this.installer,
      webFiles: () => this.webFiles,
      // Storage.read is memory-mapped flash on Espruino, so a slice of it copies only the slice.
      readSlice: (name, offset, length) => {
        const data = hal.storage.read(name);
        return data ? data.subarray(offset, offset + length) : null;
      },
      storeApPassword: (pw) => this.hal.storage.write(AP_PASSWORD_FILE, pw),
      format: (keep) => {
        this.log.info(`storage formatted: ${formatWebArea(hal.storage, keep).length} files erased`);
        webFiles.reload();
      },
    });
  }

  start(): void {
    const sys = this.hal.system;
    sys.disableConsole();
    sys.enableWatchdog(WATCHDOG_S);
    this.intervals.push(this.hal.clock.setInterval(() => sys.kickWatchdog(), 5000));
    sys.onUncaughtError((m) => this.problem(`uncaught: ${m}`));
    this.log.info(`MEP Bridge ${VERSION} on ${sys.board()} (Espruino ${sys.interpreterVersion()}), device ${this.deviceId}`);
    this.log.info(`settings: ${JSON.stringify(redactSettings(this.settings))}`);
    this.hal.wifi.on('connected', (d) => this.forwardWifi('connected', d));
    this.hal.wifi.on('disconnected', (d) => this.forwardWifi('disconnected', d));
    this.startWifi();
    this.trial.start();
    this.meter.start(this.settings);
    this.mqtt.start(this.settings, this.discoveryContext());
    this.intervals.push(this.hal.clock.setInterval(() => this.publishDiagnostics(), DIAGNOSTICS_EVERY_MS));
    this.web.start(80);
  }

  /** Stops every service (the Node host and tests; the device itself never stops). */
  stop(): void {
    for (let i = 0; i < this.intervals.length; i++) this.hal.clock.clearInterval(this.intervals[i]);
    this.intervals = [];
    this.trial.stop();
    this.meter.stop();
    this.mqtt.compatOffline();
    this.mqtt.stop();
    this.web.stop();
    if (this.wifi) this.wifi.dispose();
  }

  private startWifi(): void {
    const s = this.settings;
    if (this.wifi) this.wifi.dispose();
    this.wifiListeners = {};
    this.hal.wifi.setHostname(this.deviceId.replace('_', '-'));
    const hw = this.hal.wifi;
    const wifi = {
      connect: (ssid: string, pw: string, done: (e: string | null) => void) => hw.connect(ssid, pw, done),
      startAccessPoint: (ssid: string, pw: string, done: (e: string | null) => void) => hw.startAccessPoint(ssid, pw, done),
      stopAccessPoint: () => hw.stopAccessPoint(),
      on: (event: string, listener: (detail: string) => void) => {
        (this.wifiListeners[event] || (this.wifiListeners[event] = [])).push(listener);
      },
    } as unknown as Hal['wifi'];
    this.wifi = new WifiManager(
      { wifi, clock: this.hal.clock },
      { ssid: s.wifi.ssid, password: s.wifi.password, apSsid: AP_SSID, apPassword: this.apPassword() },
    );
    this.wifi.onChange((state) => this.log.info(`WiFi: ${state}`));
    this.wifi.start();
  }

  /** Trial health (issue 4): reachable (MQTT connected or the access point up) and the meter session running (when a
   *  key is configured: without one the meter is off by the user's choice). */
  private healthy(): boolean {
    const reachable = this.mqtt.connected() || (!!this.wifi && this.wifi.current() === 'access-point');
    return reachable && (!this.settings.meter.key || this.meter.linkStatus() !== null);
  }

  private forwardWifi(event: string, detail: string): void {
    const list = this.wifiListeners[event] || [];
    for (let i = 0; i < list.length; i++) (list[i] as (d: string) => void)(detail);
  }

  /** WPA2 needs 8+ characters. Until the web pages let the user choose one (recovery issue), the AP password is
   *  derived from this board's random, stored secret, so it is not guessable from the broadcast MAC. */
  private apPassword(): string {
    const name = AP_PASSWORD_FILE;
    let pw = this.hal.storage.readText(name);
    if (!pw || pw.length < 8) {
      const r = this.hal.crypto.randomBytes(8);
      pw = '';
      for (let i = 0; i < r.length; i++) pw += ((r[i] as number) % 36).toString(36);
      this.hal.storage.write(name, pw);
    }
    return pw;
  }

  private discoveryContext(): DiscoveryContext {
    const ctx: DiscoveryContext = {
      deviceId: this.deviceId,
      baseTopic: this.settings.mqtt.baseTopic,
      discoveryPrefix: this.settings.mqtt.discoveryPrefix,
      deviceName: this.settings.name,
      firmwareVersion: VERSION,
      phases: (this.discoveryPhases = this.meter.phases),
      expireAfterS: Math.max(3 * this.settings.meter.pollIntervalS, 60),
    };
    const ip = this.hal.wifi.stationIp();
    if (ip) ctx.configurationUrl = `http://${ip}/`;
    if (this.identity) ctx.meter = this.identity;
    return ctx;
  }

  private onCycle(): void {
    this.mqtt.publishState(stateValues(this.meter.readings.current));
    this.mqtt.publishCompat(compatValues(this.meter.lastBt23, this.meter.lastBt28));
    if (this.meter.phases !== this.discoveryPhases) this.mqtt.updateDiscovery(this.discoveryContext());
  }

  private onIdentity(id: MeterIdentityInfo): void {
    const changed = !this.identity || this.identity.serial !== id.serial || this.identity.firmware !== id.firmware;
    this.identity = id;
    if (changed) this.mqtt.updateDiscovery(this.discoveryContext());
  }

  private onLinkStatus(s: LinkStatus): void {
    this.link = s;
    this.log.info(`meter link ${s.state}: ${s.message}`);
    if (s.state !== 'online' && s.state !== 'starting') this.lastError = s.message;
    this.publishDiagnostics();
  }

  private problem(message: string): void {
    this.lastError = message;
    this.log.warn(message);
  }

  private publishDiagnostics(): void {
    const stats = this.meter.stats();
    const wall = this.hal.clock.wallClock();
    const values: PayloadValues = {
      link_state: this.link ? this.link.state : this.settings.meter.key ? 'starting' : null,
      last_error: this.lastError || null,
      wifi_rssi: this.hal.wifi.rssi(),
      ip_address: this.hal.wifi.stationIp(),
      last_boot: wall > 1577836800000 ? new Date(wall - this.hal.system.uptimeMs()).toISOString() : null,
      free_memory: this.hal.system.freeMemory(),
      polls: stats.polls,
      poll_errors: stats.errors,
      firmware: VERSION,
    };
    this.mqtt.publishDiagnostics(values);
  }

  private applyConfig(cmd: ConfigCommand): CommandResult {
    const outcome = applyConfigCommand(this.settings, cmd);
    if (!outcome.settings) return outcome.result;
    if (!saveSettings(this.hal.storage, outcome.settings)) {
      return { id: outcome.result.id, command: 'config', ok: false, error: 'settings could not be stored' };
    }
    this.settings = outcome.settings;
    this.log.info(`settings changed: ${(outcome.result.applied || []).join(', ')}`);
    // Restart only what changed, after the result has gone out on the current connection.
    const restart = outcome.restart;
    this.hal.clock.setTimeout(() => this.restartServices(restart), 500);
    return outcome.result;
  }

  /** Settings from the web pages: stored, then only the changed services restart (after the answer went out). */
  private storeSettings(next: Settings, restart: Service[]): boolean {
    if (!saveSettings(this.hal.storage, next)) return false;
    this.settings = next;
    this.hal.clock.setTimeout(() => this.restartServices(restart), 500);
    return true;
  }

  private restartServices(services: Service[]): void {
    const has = (s: Service) => services.indexOf(s) >= 0;
    if (has('meter')) this.meter.start(this.settings);
    if (has('wifi')) this.startWifi();
    if (has('mqtt')) this.mqtt.start(this.settings, this.discoveryContext());
    else if (has('discovery')) this.mqtt.updateDiscovery(this.discoveryContext());
  }
}

export function startApp(hal: Hal): App {
  const app = new App(hal);
  app.start();
  return app;
}
