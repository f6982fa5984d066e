// Options and handle of the Node host (host.ts).
import { EventEmitter } from 'events';
import { BoardPins } from '../../src/hal/espruino/board';
import { MeterOption } from './meter-link';
import { HostStorage } from './storage';
import { WifiControl, WifiScript, WifiState } from './wifi';

export type HostBoard = 'ESP32' | 'ESP32C3';

export interface HostOptions {
  /** The bundle to boot (read as bytes: Espruino strings are 8-bit). Or `code`. */
  bundlePath?: string;
  code?: string;
  /** Boot loader to "flash" with the bundle (espruino.md §2.3, like `mep upload`): when given and Storage has no
   *  `.bootcde` yet, the loader is written as `.bootcde` and the bundle as app slot "app.a" before the first boot.
   *  Whenever Storage holds `.bootcde`, the host boots it (and E.reboot()/load() run it again); otherwise the bundle. */
  loaderPath?: string;
  /** The meter on the MEP UART; none = nothing on the wire. */
  meter?: MeterOption | null;
  /** Interpreter build name in process.env.BOARD and the pin map (default 'ESP32': the dabbler board). */
  board?: HostBoard;
  /** process.env.VERSION (default '2v29'). */
  interpreterVersion?: string;
  /** Persist Storage in this directory (loaded if it exists). */
  storageDir?: string;
  /** Written as JSON to SETTINGS_FILE before the first boot (preconfigures broker, key, …). */
  settings?: unknown;
  /** More files written before the first boot; strings are byte strings. */
  files?: Record<string, string | Uint8Array>;
  wifi?: WifiScript;
  /** Real port for the device's port 80 (default 0: any free port; see handle.httpPort()). */
  httpPort?: number;
  /** Real ports for other device ports. */
  httpPorts?: Record<number, number>;
  /** Interface the device's HTTP servers bind to (default 127.0.0.1). */
  httpHost?: string;
  /** JsVars (process.memory): total (default 12000) and in use (default 2500). */
  memory?: { total?: number; usage?: number };
  /** Without a watchdog, a single callback running longer than this halts the device (default 10 s). */
  hangLimitMs?: number;
  /** Device console output and host diagnostics (the latter prefixed "host: "). */
  log?: (line: string) => void;
}

export type HostState = 'running' | 'off' | 'halted' | 'stopped';

export interface HostHandle {
  /** 'boot' (count), 'reboot' (reason), 'console' (line), 'uncaught' (message), 'watchdog', 'halt' (reason),
   *  'http-listening' ({devicePort, port}), 'pin' ({pin, value}), 'serial-tx'/'serial-rx' (bytes), 'wifi', 'net',
   *  'storage-writing' ({name, offset}: before the bytes land) and 'storage-write' ({name}: after), 'telnet' (mode), 'ota-valid' (bool). */
  readonly events: EventEmitter;
  readonly storage: HostStorage;
  readonly state: HostState;
  readonly bootCount: number;
  readonly board: BoardPins;
  /** Tear down and boot again (same Storage). */
  reboot(reason?: string): void;
  /** Power cut: everything stops, Storage keeps what was written. */
  kill(): void;
  /** Power back on after kill() or a halt. */
  powerOn(): void;
  /** Stop for good and release ports, sockets and the meter connection. */
  stop(): Promise<void>;
  /** Real port the device's HTTP server on `devicePort` (default 80) listens on, once it does. */
  httpPort(devicePort?: number): number | undefined;
  wifi: WifiControl & { state(): WifiState };
  pins(): Record<number, number>;
  readonly meterEnabled: boolean;
  readonly transceiverOn: boolean;
  readonly telnetMode: string;
  readonly otaValid: boolean | null;
  /** Pending Espruino timers of the running boot. */
  timerCount(): number;
  watchdog(): { timeoutMs: number; auto: boolean } | null;
  setMemory(memory: { total?: number; usage?: number }): void;
  /** Evaluates an expression inside the running device (tests, debugging). */
  evaluate(code: string): unknown;
  /** Resolves with the payload of the next `event` that passes `test`. */
  waitFor<T = unknown>(event: string, test?: (payload: T) => boolean, timeoutMs?: number): Promise<T>;
}
