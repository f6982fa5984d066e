// The application: meter session → readings → MQTT with Home Assistant discovery, and WiFi with the access-point
// fallback, over the HAL only. Shared by the Espruino entry point (main.ts) and the Node host. It never reboots as
// error handling: only the user's restart command does, and the watchdog if the interpreter hangs.
import { CommandResult, ConfigCommand, UpdateState } from '../../discovery/contract';
import { DiscoveryContext } from '../../discovery/discovery-payload';
import { deviceIdFromMac } from '../../discovery/topics';
import { PayloadValues } from '../../discovery/payloads';
import type { Service } from './app/config-command';
import type { DiscoveryModule } from './app/discovery-module';
import type { TextChunks } from './mqtt/codec';
import { MeterIdentityInfo, MeterService } from './app/meter-service';
import { MqttService } from './app/mqtt-service';
import type { TrialGuard, TrialOutcome } from './boot/trial';
import type * as TrialModule from './boot/trial';
import { stateValues } from './app/values';
import type { CompatModule } from './app/compat-module';
import { Hal, HttpRequest, HttpResponse } from './hal/types';
import { createLogger, Logger } from './log';
import { LinkStatus } from './meter/session-types';
import { WifiManager } from './net/wifi-manager';
import type { InstallerModuleDeps } from './ota/module';
import type { receiveUpload as ReceiveUpload } from './ota/upload-receiver';
import type { Installer } from './ota/installer';
import type { UpdateService, UpdateServiceDeps } from './app/update-service';
import { Settings } from './settings/schema';
import { saveSettings } from './settings/store';
import { WINDOW_FILE } from './security/store';
import type * as SettingsModule from './settings/module';
import { UpdateInstaller } from './ota/installer-types';
import { formatWebArea } from './web/format';
import type { WebModule } from './web/module';
import type { WebContext } from './web/server';
import { newSessionStore, SessionStore } from './web/sessions';
import type { ThrottleStore } from './web/throttle';

declare const FIRMWARE_VERSION: string;
/** Injected by the firmware build (esbuild define); 'dev' when the sources run unbundled. */
export const VERSION = typeof FIRMWARE_VERSION === 'string' ? FIRMWARE_VERSION : 'dev';

const AP_SSID = 'esp32-mep';
/** The access point's WPA2 password (chosen on the setup page, else random: apPassword()). */
const AP_PASSWORD_FILE = 'mep.ap';
const WATCHDOG_S = 30;
const DIAGNOSTICS_EVERY_MS = 60000;
/** The web module is unloaded after this long without a request (device/src/lazy); an update module once idle. */
const WEB_IDLE_MS = 30000;
const HOUSEKEEPING_EVERY_MS = 10000;
/** The meter waits while an update installs, at most this long (Session.pause: under a minute). */
const UPDATE_PAUSE_MS = 45000;
/** A pull waits at most this long for a discovery message being sent (a few seconds at ~536 bytes per wake). */
const DISCOVERY_WAIT_MS = 15000;
/** A request whose response never ended (a client that vanished) stops counting as busy after this long. */
const WEB_STUCK_MS = 600000;
const UPDATE_TITLE = 'MEP Bridge firmware';

/** Storage holds what an interrupted update leaves: the stage, or files of both web generations, or generation files
 *  without a web pointer (ota/web-files.ts names: "w<generation>_<name>", pointer records "web.0"/"web.1"). */
export function leftFromUpdate(files: string[]): boolean {
  let a = false;
  let b = false;
  let pointer = false;
  for (let i = 0; i < files.length; i++) {
    const f = files[i] as string;
    if (f === 'ota.stage') return true;
    if (f.substring(0, 3) === 'wa_') a = true;
    else if (f.substring(0, 3) === 'wb_') b = true;
    else if (f === 'web.0' || f === 'web.1') pointer = true;
  }
  return (a && b) || ((a || b) && !pointer);
}

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
  /** The trial guard while a freshly installed firmware is on trial (a lazy module, device/src/lazy). */
  private trial: TrialGuard | null = null;
  /** The update engine's lazy modules while loaded: the installer ('ota') and the pull client ('pull'). */
  private installer: Installer | null = null;
  private pull: UpdateService | null = null;
  /** True while an upload streams into the installer. */
  private uploading = false;
  /** A discovery message was due while an update ran (discoveryPayload): housekeeping() sends it after. */
  private discoveryHeld = false;
  private web: WebModule | null = null;
  private webLastUse = 0;
  /** What survives an unloaded web module: logins and the login back-off, as plain data. */
  private readonly webKeep: { sessions: SessionStore; throttle: ThrottleStore } = { sessions: newSessionStore(), throttle: {} };
  /** The last update's outcome for Home Assistant's update entity, and a result still to publish. */
  private updateSummary = '';
  private pendingUpdateResult: CommandResult | null = null;

  constructor(hal: Hal) {
    this.hal = hal;
    this.log = createLogger((line) => hal.system.log(line), 'app', 'info');
    this.settings = this.storedSettings();
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
    this.mqtt = new MqttService({
      hal,
      log: createLogger((line) => hal.system.log(line), 'mqtt', 'info'),
      handlers: {
        connected: () => {
          this.publishDiagnostics();
          this.updatesConnected();
        },
        update: (id, body) => this.startPull(id, body, 0),
        restart: () => {
          this.hal.clock.setTimeout(() => this.hal.system.reboot(), 1000);
        },
        pollNow: () => this.meter.pollNow(),
        read: (table, offset, count, done) => this.meter.rawRead(table, offset, count, done),
        applyConfig: (cmd) => this.applyConfig(cmd),
        discoveryPayload: (ctx) => this.discoveryPayload(ctx),
        stateValues: () => stateValues(this.meter.readings.current),
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
    this.log.info(`settings: ${JSON.stringify(this.cfg().redactSettings(this.settings))}`);
    this.hal.modules.release('cfg');
    // A pairing window (security/store.ts) never outlives a reboot: its expiry counts in uptime.
    if (this.hal.storage.readText(WINDOW_FILE) !== null) this.hal.storage.erase(WINDOW_FILE);
    this.hal.wifi.on('connected', (d) => this.forwardWifi('connected', d));
    this.hal.wifi.on('disconnected', (d) => this.forwardWifi('disconnected', d));
    this.startWifi();
    this.startTrial();
    // A power cut during an update leaves a stage or a half-written web generation: the update engine erases them
    // when it starts (ota/installer.ts), so it is loaded once now if there is anything to clear.
    if (leftFromUpdate(this.hal.storage.list())) this.installerNow();
    this.meter.keepTables = this.settings.mqtt.compatibility;
    this.meter.start(this.settings);
    this.mqtt.start(this.settings, this.discoveryContext());
    this.intervals.push(this.hal.clock.setInterval(() => this.publishDiagnostics(), DIAGNOSTICS_EVERY_MS));
    this.intervals.push(this.hal.clock.setInterval(() => this.housekeeping(), HOUSEKEEPING_EVERY_MS));
    this.hal.http.listen(80, (req, res) => this.onRequest(req, res));
  }

  /** Stops every service (the Node host and tests; the device itself never stops). */
  stop(): void {
    for (let i = 0; i < this.intervals.length; i++) this.hal.clock.clearInterval(this.intervals[i]);
    this.intervals = [];
    if (this.trial) this.trial.stop();
    this.meter.stop();
    this.mqtt.compatOffline();
    this.mqtt.stop();
    this.hal.http.close();
    if (this.wifi) this.wifi.dispose();
  }

  /** The settings in Storage; what was wrong with them goes to the log. Not inline in the constructor: a closure on
   *  Espruino keeps every local of the function it was made in, and the constructor's would keep these first settings
   *  alive after a change replaced them (~55 JsVars). */
  private storedSettings(): Settings {
    const loaded = this.cfg().loadSettings(this.hal.storage);
    for (let i = 0; i < loaded.problems.length; i++) this.log.warn(`settings: ${loaded.problems[i]}`);
    return loaded.settings;
  }

  private startWifi(): void {
    // No local for this.settings here: the closures below would keep it (and so a replaced copy) alive on Espruino.
    if (this.wifi) this.wifi.dispose();
    this.wifiListeners = {};
    this.hal.wifi.setHostname(this.deviceId.replace('_', '-'));
    const hw = this.hal.wifi;
    // Typed (not cast) so that the build may shorten these member names with the HAL's (member-names.ts).
    const wifi: Partial<Hal['wifi']> = {
      connect: (ssid: string, pw: string, done: (e: string | null) => void) => hw.connect(ssid, pw, done),
      startAccessPoint: (ssid: string, pw: string, done: (e: string | null) => void) => hw.startAccessPoint(ssid, pw, done),
      stopAccessPoint: () => hw.stopAccessPoint(),
      on: (event, listener) => {
        (this.wifiListeners[event] || (this.wifiListeners[event] = [])).push(listener);
      },
    };
    this.wifi = new WifiManager(
      { wifi: wifi as Hal['wifi'], clock: this.hal.clock },
      { ssid: this.settings.wifi.ssid, password: this.settings.wifi.password, apSsid: AP_SSID, apPassword: this.apPassword() },
    );
    this.wifi.onChange((state) => this.log.info(`WiFi: ${state}`));
    this.wifi.start();
  }

  /** Settings validation (device/src/lazy): loaded at boot and for a configuration command, released after. */
  private cfg(): typeof SettingsModule {
    return this.hal.modules.load('cfg') as typeof SettingsModule;
  }

  /** Every request goes to the web module, loaded on the first one (device/src/lazy). Not while an update installs:
   *  the pages and the update engine together leave a WROOM too little RAM (issue 9), so the pages wait. */
  private onRequest(req: HttpRequest, res: HttpResponse): void {
    if (this.uploading || (this.pull && this.pull.busy())) {
      res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '20', 'Cache-Control': 'no-store' });
      res.end('{"ok":false,"error":"an update is being installed: the pages are back in a minute"}');
      return;
    }
    this.webLastUse = this.hal.clock.now();
    if (!this.web) this.web = (this.hal.modules.load('web') as { createWeb(ctx: unknown): WebModule }).createWeb(this.webContext());
    this.web.handle(req, res);
  }

  /** What the web module may use. Built in its own method: an Espruino closure keeps its whole scope, and in
   *  onRequest's that is the first request and response, kept for as long as the pages stay loaded. */
  private webContext(): Omit<WebContext, 'webFiles'> {
    return {
      hal: this.hal,
      version: VERSION,
      settings: () => this.settings,
      storeSettings: (next: Settings, restart: Service[]) => this.storeSettings(next, restart),
      readings: () => ({ name: this.settings.name, link: this.link ? this.link.state : null, values: stateValues(this.meter.readings.current), meter: this.identity }),
      apMode: () => !!this.wifi && this.wifi.current() === 'access-point',
      installer: (): UpdateInstaller | null => this.installer,
      takeUpload: (req: HttpRequest, res: HttpResponse) => this.takeUpload(req, res),
      // By range where Storage offers it (no view more than 64 KB into a buffer on Espruino: hal/types.ts readAt).
      readSlice: (name: string, offset: number, length: number) => {
        const st = this.hal.storage;
        if (st.readAt) return st.readAt(name, offset, length);
        const data = st.read(name);
        return data ? data.subarray(offset, offset + length) : null;
      },
      storeApPassword: (pw: string) => this.hal.storage.write(AP_PASSWORD_FILE, pw),
      format: (keep: boolean) => {
        this.log.info(`storage formatted: ${formatWebArea(this.hal.storage, keep).length} files erased`);
      },
      keep: this.webKeep,
    };
  }

  /** The installer, loaded for an upload or a pull and unloaded by housekeeping() once it is idle. */
  private installerNow(): Installer {
    if (this.installer) return this.installer;
    const hal = this.hal;
    const m = hal.modules.load('ota') as { createInstaller(deps: InstallerModuleDeps): Installer };
    this.installer = m.createInstaller({
      storage: hal.storage,
      system: hal.system,
      crypto: hal.crypto,
      clock: hal.clock,
      modules: hal.modules,
      firmwareVersion: VERSION,
      log: (line: string) => hal.system.log(line),
    });
    return this.installer;
  }

  /** POST /api/update, handed over by the pages once its login and CSRF token passed: the pages are unloaded (unless
   *  another request is open) while the body streams into the installer, which is unloaded once it answered. */
  private takeUpload(req: HttpRequest, res: HttpResponse): void {
    if (this.web && !this.web.busy()) this.releaseWeb();
    this.meter.pause(UPDATE_PAUSE_MS);
    const installer = this.installerNow();
    this.uploading = true;
    const m = this.hal.modules.load('upl') as { receiveUpload: typeof ReceiveUpload };
    m.receiveUpload(req, res, installer, this.hal.clock, () => {
      this.uploading = false;
      this.housekeeping();
    });
  }

  /** cmd/update. A pull needs the update engine's RAM (~1,100 JsVars): the web pages are unloaded first unless a
   *  request is open, the meter waits (Session.pause), and so does the pull while a discovery message is being sent
   *  (its module stays until the PUBACK; both at once left ~2,700 free), at most DISCOVERY_WAIT_MS. */
  private startPull(id: string, body: { [key: string]: unknown }, waitedMs: number): CommandResult | null {
    if (this.mqtt.sendingDiscovery() && waitedMs < DISCOVERY_WAIT_MS) {
      this.hal.clock.setTimeout(() => {
        const refused = this.startPull(id, body, waitedMs + 250);
        if (refused) this.mqtt.publishResult(refused);
      }, 250);
      return null;
    }
    if (this.web && !this.web.busy()) this.releaseWeb();
    this.meter.pause(UPDATE_PAUSE_MS);
    return this.pullClient().handle(id, body);
  }

  /** The pull client of cmd/update (with the installer it feeds), unloaded by housekeeping() once idle. */
  private pullClient(): UpdateService {
    if (this.pull) return this.pull;
    const hal = this.hal;
    const m = hal.modules.load('pull') as { createPull(deps: UpdateServiceDeps): UpdateService };
    this.pull = m.createPull({
      installer: this.installerNow(),
      http: hal.httpClient,
      clock: hal.clock,
      log: createLogger((line) => hal.system.log(line), 'update', 'info'),
      firmwareVersion: VERSION,
      report: {
        state: (s: UpdateState) => this.mqtt.publishUpdateState(this.withSummary(s)),
        result: (r: CommandResult) => {
          if (r.command === 'update' && !r.ok && r.error) this.updateSummary = r.error;
          this.mqtt.publishResult(r);
        },
      },
    });
    return this.pull;
  }

  private releaseWeb(): void {
    this.web = null;
    this.hal.modules.release('web');
  }

  /** Unloads lazy modules nobody is using (device/src/lazy): RAM for the next visitor or update. */
  private housekeeping(): void {
    const now = this.hal.clock.now();
    const web = this.web;
    if (web && now - this.webLastUse > WEB_IDLE_MS && (!web.busy() || now - this.webLastUse > WEB_STUCK_MS)) this.releaseWeb();
    if (this.pull && !this.pull.busy()) {
      this.pull = null;
      this.hal.modules.release('pull');
    }
    if (this.installer && !this.pull && !this.installer.progress() && !(web && web.busy())) {
      this.installer = null;
      this.meter.pause(0); // the end of the update's pause
      this.hal.modules.release('ota');
      this.hal.modules.release('upl');
      this.hal.modules.release('binp');
      this.hal.modules.release('wwwp');
      if (this.discoveryHeld) {
        this.discoveryHeld = false;
        this.mqtt.updateDiscovery(this.discoveryContext());
      }
    }
  }

  private withSummary(s: UpdateState): UpdateState {
    if (this.updateSummary && !s.release_summary) s.release_summary = this.updateSummary;
    return s;
  }

  /** Home Assistant's update entity after every (re)connect, and an outcome that waited for the connection. */
  private updatesConnected(): void {
    // An update under way (a pull, or an upload on the pages) reports its progress through the pull client.
    const state: UpdateState = this.pull || this.installer
      ? this.pullClient().state()
      : { installed_version: VERSION, in_progress: false, update_percentage: null, title: UPDATE_TITLE };
    this.mqtt.publishUpdateState(this.withSummary(state));
    if (this.pendingUpdateResult) this.mqtt.publishResult(this.pendingUpdateResult);
    this.pendingUpdateResult = null;
  }

  /** The boot record decides (boot/trial.ts): confirm a firmware on trial once healthy, or report a rollback. The
   *  guard's code stays loaded only while a trial runs. */
  private startTrial(): void {
    const hal = this.hal;
    const m = hal.modules.load('trial') as typeof TrialModule;
    const trial = new m.TrialGuard({
      storage: hal.storage,
      clock: hal.clock,
      log: (line: string) => hal.system.log(line),
      healthy: () => this.healthy(),
      outcome: (o: TrialOutcome) => {
        this.trialOutcome(o);
        if (o.ok) this.endTrial();
      },
    });
    trial.start();
    if (trial.running()) this.trial = trial;
    else hal.modules.release('trial');
  }

  private endTrial(): void {
    if (this.trial) this.trial.stop();
    this.trial = null;
    this.hal.modules.release('trial');
  }

  /** From the trial guard: the new firmware was kept, or the loader went back to the previous one. */
  private trialOutcome(o: TrialOutcome): void {
    this.updateSummary = o.summary;
    const r: CommandResult = { id: o.id, command: 'update', ok: o.ok, version: o.version };
    if (!o.ok) {
      r.error = o.summary;
      this.problem(o.summary); // also in diagnostics' last_error
    }
    this.pendingUpdateResult = r;
    if (this.mqtt.connected()) this.updatesConnected();
  }

  /** The discovery message, made chunk by chunk as it is sent by the discovery module loaded just for this. The module
   *  is released from the loader at once: the chunk source alone keeps it until the broker acknowledges the message. */
  private discoveryPayload(ctx: DiscoveryContext): TextChunks | null {
    // While the message is sent (seconds: the socket takes ~536 bytes per wake) the module and the chunk source hold
    // ~340 JsVars (measured; the message as bytes was ~950): not while an update's modules are loaded (housekeeping()
    // sends it after them); idle web pages (~1,000) are unloaded first, as for a pull; a settings change on the pages
    // republishes discovery once its answer has gone out.
    if (this.installer) {
      this.discoveryHeld = true;
      return null;
    }
    if (this.web && !this.web.busy()) this.releaseWeb();
    const modules = this.hal.modules;
    const m = modules.load('disc') as { createDiscovery(read: (offset: number, length: number) => string): DiscoveryModule };
    try {
      return m.createDiscovery((offset, length) => modules.read('ents', offset, length)).payload(ctx);
    } finally {
      this.hal.modules.release('disc');
    }
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
    const compatTopic = this.mqtt.compatOn();
    if (compatTopic) {
      const compat = this.hal.modules.load('compat') as CompatModule;
      this.mqtt.publishCompat(compat.compatMessages(compatTopic, this.meter.lastBt23, this.meter.lastBt28));
    } else this.hal.modules.release('compat');
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
      refused_commands: this.mqtt.refused,
      firmware: VERSION,
    };
    this.meter.cycleTimes(values);
    this.mqtt.publishDiagnostics(values);
  }

  private applyConfig(cmd: ConfigCommand): CommandResult {
    const outcome = this.cfg().applyConfigCommand(this.settings, cmd);
    this.hal.modules.release('cfg');
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
    this.meter.keepTables = this.settings.mqtt.compatibility;
    if (has('mqtt')) this.mqtt.start(this.settings, this.discoveryContext());
    else if (has('discovery')) this.mqtt.updateDiscovery(this.discoveryContext());
  }
}

export function startApp(hal: Hal): App {
  const app = new App(hal);
  app.start();
  return app;
}
