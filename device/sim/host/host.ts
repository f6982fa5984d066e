// The Node host: runs the PRODUCTION bundle (dist/firmware.js) in a vm context that looks like Espruino 2v29 on an
// ESP32 and has nothing Espruino lacks (../shared/docs/espruino.md checklist "Testing/simulation in Node").
// One context per boot; Storage, the meter wire and the WiFi script outlive reboots. E.reboot() and a watchdog
// reset tear the context down and boot the bundle again; kill() is a power cut.
import { EventEmitter } from 'events';
import { readFileSync } from 'fs';
import * as vm from 'vm';
import { BoardPins, ESP32_C3, ESP32_DABBLER } from '../../src/hal/espruino/board';
import { SETTINGS_FILE } from '../../src/settings/schema';
import { cryptoModule } from './crypto';
import { DeviceEnv } from './env';
import { httpModule } from './http';
import { gpioGlobals, MeterWire, serialGlobals } from './io';
import { MeterLink, openMeterLink } from './meter-link';
import { netModule } from './net';
import { Fn, latin1, Realm, realmError, realmOf } from './realm';
import { Runner } from './runner';
import { storageModule } from './storage-module';
import { HostStorage } from './storage';
import { DATE_SCRIPT, OBJECT_EVENTS_SCRIPT, PROMISE_SCRIPT, stripEspruinoGlobals } from './strip';
import { SystemGlobals, systemGlobals } from './system';
import { EspruinoTimers } from './timers';
import { HostBoard, HostHandle, HostOptions, HostState } from './types';
import { WifiControl, wifiModule, WifiState } from './wifi';

const NO_WIFI_STATE: WifiState = { station: 'off', ssid: null, ap: null, hostname: '', lastReason: '', attempts: 0 };

class Host implements HostHandle {
  readonly events = new EventEmitter();
  readonly storage: HostStorage;
  readonly board: BoardPins;
  state: HostState = 'off';
  bootCount = 0;
  telnetMode = 'on';
  otaValid: boolean | null = null;
  private readonly boardName: HostBoard;
  private readonly wire: MeterWire;
  private readonly code: string;
  private readonly memory: { total: number; usage: number };
  private readonly listening = new Map<number, number>();
  private boot: {
    realm: Realm;
    runner: Runner;
    timers: EspruinoTimers;
    sys: SystemGlobals;
    wifi: WifiControl;
    teardown: (() => void)[];
  } | null = null;
  private dog: { ms: number; auto: boolean; lastKick: number; timer: NodeJS.Timeout | null } | null = null;
  private inUncaught = false;

  constructor(
    private readonly options: HostOptions,
    private readonly link: MeterLink | null,
  ) {
    this.boardName = options.board ?? 'ESP32';
    this.board = this.boardName === 'ESP32C3' ? ESP32_C3 : ESP32_DABBLER;
    this.storage = new HostStorage(options.storageDir);
    this.memory = { total: options.memory?.total ?? 12000, usage: options.memory?.usage ?? 2500 };
    if (options.code !== undefined) this.code = options.code;
    else if (options.bundlePath) this.code = readFileSync(options.bundlePath, 'latin1');
    else throw new Error('startHost: give bundlePath or code');
    this.wire = new MeterWire(link, this.board, (e, p) => this.events.emit(e, p));
  }

  private log(line: string): void {
    this.options.log?.(`host: ${line}`);
  }

  private console(line: string): void {
    this.options.log?.(line);
    this.events.emit('console', line);
  }

  private unhandledRejection(reason: unknown): void {
    const text = String(reason);
    this.console(`Uncaught Error: Unhandled promise rejection: ${text}`);
    this.events.emit('uncaught', `Unhandled promise rejection: ${text}`);
  }

  // ----------------------------------------------------------------------------------------------- lifecycle
  powerOn(): void {
    if (this.state === 'running' || this.state === 'stopped') return;
    this.start();
  }

  /** Boots like Espruino (espruino.md §2.3): `.bootcde` from Storage if there is one, else the bundle; `file`: load(file). */
  private start(file?: string): void {
    const context = vm.createContext({}, { name: `espruino-${this.boardName}`, microtaskMode: 'afterEvaluate' });
    stripEspruinoGlobals(context);
    vm.runInContext(OBJECT_EVENTS_SCRIPT, context);
    const promises = (vm.runInContext(PROMISE_SCRIPT, context) as Fn)(vm.runInContext('Promise', context)) as { Promise: unknown; sweep(): unknown[] };
    vm.runInContext('this', context).Promise = promises.Promise;
    const realm = realmOf(context);
    const teardown: (() => void)[] = [];
    const runner = new Runner(realm, {
      limitMs: () => this.limitMs(),
      onTimeout: () => this.onTimeout(),
      onUncaught: (err) => this.onUncaught(err),
      afterCall: () => promises.sweep().forEach((reason) => this.unhandledRejection(reason)),
    });
    const env: DeviceEnv = {
      realm,
      runner,
      board: this.board,
      boardName: this.boardName,
      log: (line) => this.log(line),
      console: (line) => this.console(line),
      emit: (event, payload) => this.events.emit(event, payload),
      onTeardown: (fn) => teardown.push(fn),
    };
    const timers = new EspruinoTimers(realm, runner);
    const sys = systemGlobals(env, {
      reboot: (reason) => this.requestReboot(reason),
      enableWatchdog: (seconds, auto) => this.enableWatchdog(seconds, auto),
      kickWatchdog: () => {
        if (this.dog) this.dog.lastKick = Date.now();
      },
      memory: () => this.memory,
      setOtaValid: (valid) => {
        this.otaValid = valid;
        this.events.emit('ota-valid', valid);
      },
      setTelnet: (mode) => {
        this.telnetMode = mode;
        this.events.emit('telnet', mode);
      },
      interpreterVersion: this.options.interpreterVersion ?? '2v29',
    });
    this.wire.resetPins();
    const wifi = wifiModule(env, this.options.wifi ?? {}, (json) => {
      if (json) this.storage.write('.wificfg', new Uint8Array(Buffer.from(json, 'latin1')));
      else this.storage.erase('.wificfg');
    });
    const modules: Record<string, Record<string, unknown>> = {
      Storage: storageModule(env, this.storage),
      Wifi: wifi.module,
      net: netModule(env),
      http: httpModule(env, {
        host: this.options.httpHost ?? '127.0.0.1',
        realPort: (devicePort) => this.options.httpPorts?.[devicePort] ?? (devicePort === 80 ? this.options.httpPort ?? 0 : 0),
        listening: (devicePort, port) => {
          this.listening.set(devicePort, port);
          this.log(`device port ${devicePort} listens on http://${this.options.httpHost ?? '127.0.0.1'}:${port}/`);
          this.events.emit('http-listening', { devicePort, port });
        },
      }),
      crypto: cryptoModule(realm),
      TelnetServer: sys.telnet,
    };
    const g = realm.global;
    Object.assign(g, timers.globals(), sys.globals, serialGlobals(env, this.wire), gpioGlobals(this.wire));
    g.Date = (vm.runInContext(DATE_SCRIPT, context) as Fn)(sys.getTime);
    g.global = g;
    // load(): reset the interpreter and run a Storage file, or the boot code without an argument (espruino.md §2.3).
    g.load = (name?: unknown) => {
      runner.kill();
      setImmediate(() => {
        if (this.state === 'running') this.restart('load', name === undefined ? undefined : String(name));
      });
    };
    g.require = (name: unknown) => {
      const m = modules[String(name)];
      if (!m) throw realmError(realm, `Module ${String(name)} not found`);
      return m;
    };
    teardown.push(() => timers.clearAll());
    this.boot = { realm, runner, timers, sys, wifi: wifi.control, teardown };
    this.state = 'running';
    this.bootCount++;
    this.events.emit('boot', this.bootCount);
    const stored = this.storage.read(file ?? '.bootcde');
    if (stored) runner.evaluate(latin1(stored), file ?? '.bootcde');
    else if (file) this.console(`Uncaught Error: File ${JSON.stringify(file)} not found`);
    else {
      // No boot loader names a slot: the app reads its lazy modules from this copy of its own code
      // (device/src/lazy/modules.ts).
      realm.global.MEPCODE = this.code;
      runner.evaluate(this.code, this.options.bundlePath ?? 'firmware.js');
    }
    sys.E.fire('init');
  }

  private teardown(): void {
    const boot = this.boot;
    if (!boot) return;
    boot.runner.kill();
    for (const fn of boot.teardown) fn();
    if (this.dog?.timer) clearInterval(this.dog.timer);
    this.dog = null;
    this.listening.clear();
    this.boot = null;
  }

  reboot(reason = 'host'): void {
    if (this.state === 'stopped') return;
    this.restart(reason);
  }

  private restart(reason: string, file?: string): void {
    this.teardown();
    this.events.emit('reboot', reason);
    this.log(`reboot (${reason})`);
    this.start(file);
  }

  /** From inside the device: the running callback finishes, nothing else of this boot runs. */
  private requestReboot(reason: string): void {
    this.boot?.runner.kill();
    setImmediate(() => {
      if (this.state === 'running') this.restart(reason);
    });
  }

  kill(): void {
    if (this.state === 'stopped') return;
    this.teardown();
    this.wire.resetPins();
    this.state = 'off';
    this.log('power cut');
  }

  private halt(reason: string): void {
    this.teardown();
    this.state = 'halted';
    this.log(`device halted: ${reason}`);
    this.events.emit('halt', reason);
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.teardown();
    this.state = 'stopped';
    await this.link?.close();
  }

  // ---------------------------------------------------------------------------------------------- watchdog
  private enableWatchdog(seconds: number, auto: boolean): void {
    if (this.dog?.timer) clearInterval(this.dog.timer);
    const ms = Math.max(1, Math.round(seconds || 1)) * 1000; // whole seconds on the ESP32 (espruino.md §2.4)
    this.dog = { ms, auto, lastKick: Date.now(), timer: null };
    if (!auto) {
      this.dog.timer = setInterval(() => {
        if (this.dog && Date.now() - this.dog.lastKick > this.dog.ms) this.watchdogReset();
      }, 50);
    }
  }

  private limitMs(): number {
    const dog = this.dog;
    if (!dog) return this.options.hangLimitMs ?? 10000;
    return dog.auto ? dog.ms : Math.max(1, dog.ms - (Date.now() - dog.lastKick));
  }

  private watchdogReset(): void {
    if (this.dog?.timer) clearInterval(this.dog.timer);
    this.dog = null;
    this.log('watchdog timeout');
    this.events.emit('watchdog');
    this.requestReboot('watchdog');
  }

  private onTimeout(): void {
    if (this.dog) this.watchdogReset();
    else this.halt(`a callback ran for more than ${this.options.hangLimitMs ?? 10000} ms and there is no watchdog`);
  }

  private onUncaught(error: unknown): void {
    const text = String(error);
    const handlers = this.boot?.sys.process.handlers() ?? [];
    if (handlers.length > 0 && !this.inUncaught && this.boot) {
      this.inUncaught = true;
      try {
        for (const h of handlers) this.boot?.runner.call(h, undefined, [error]);
      } finally {
        this.inUncaught = false;
      }
      this.events.emit('uncaught', text);
      return;
    }
    this.console(`Uncaught ${text}`);
    this.events.emit('uncaught', text);
  }

  // ------------------------------------------------------------------------------------------- inspection
  httpPort(devicePort = 80): number | undefined {
    return this.listening.get(devicePort);
  }

  get wifi(): WifiControl & { state(): WifiState } {
    return {
      state: () => this.boot?.wifi.state() ?? NO_WIFI_STATE,
      drop: (reason?: string) => this.boot?.wifi.drop(reason),
    };
  }

  pins(): Record<number, number> {
    return this.wire.pins();
  }

  get meterEnabled(): boolean {
    return this.wire.meterEnabled;
  }

  get transceiverOn(): boolean {
    return this.wire.transceiverOn;
  }

  timerCount(): number {
    return this.boot?.timers.size ?? 0;
  }

  watchdog(): { timeoutMs: number; auto: boolean } | null {
    return this.dog ? { timeoutMs: this.dog.ms, auto: this.dog.auto } : null;
  }

  setMemory(memory: { total?: number; usage?: number }): void {
    Object.assign(this.memory, memory);
  }

  evaluate(code: string): unknown {
    if (!this.boot) throw new Error('the device is not running');
    return vm.runInContext(code, this.boot.realm.context, { timeout: 1000 });
  }

  waitFor<T = unknown>(event: string, test: (payload: T) => boolean = () => true, timeoutMs = 10000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off(event, on);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for "${event}"`));
      }, timeoutMs);
      const on = (payload: T): void => {
        if (!test(payload)) return;
        clearTimeout(timer);
        this.events.off(event, on);
        resolve(payload);
      };
      this.events.on(event, on);
    });
  }

  /** Writes settings and files into Storage before the first boot. */
  preload(): void {
    if (this.options.settings !== undefined) {
      this.storage.write(SETTINGS_FILE, new Uint8Array(Buffer.from(JSON.stringify(this.options.settings), 'utf8')));
    }
    if (this.options.loaderPath && !this.storage.read('.bootcde')) {
      this.storage.write('app.a', new Uint8Array(Buffer.from(this.code, 'latin1')));
      this.storage.write('.bootcde', new Uint8Array(readFileSync(this.options.loaderPath)));
    }
    for (const [name, data] of Object.entries(this.options.files ?? {})) {
      this.storage.write(name, typeof data === 'string' ? new Uint8Array(Buffer.from(data, 'latin1')) : data);
    }
  }
}

/** Starts the host and boots the bundle once. */
export async function startHost(options: HostOptions): Promise<HostHandle> {
  const link = options.meter ? await openMeterLink(options.meter) : null;
  let host: Host;
  try {
    host = new Host(options, link);
  } catch (err) {
    await link?.close();
    throw err;
  }
  host.preload();
  host.powerOn();
  return host;
}
