// System over E, process and TelnetServer (espruino.md §2.4, §2.8, §3). The watchdog runs in manual mode: once
// enabled, the application must call kickWatchdog() within `seconds` or the ESP32 reboots.
import { Clock, System } from '../types';
import { EspruinoE, EspruinoProcess, native } from './natives';

declare const E: EspruinoE;
declare const process: EspruinoProcess;
declare const console: { log(text: string): void };

/** Bytes per JsVar on the ESP32 when process.memory() does not say (espruino.md §2.1). */
const DEFAULT_BLOCK_SIZE = 14;

/** What the build stamped into the bundle (device/build/build.ts defines). */
export interface FirmwareInfo {
  version: string;
  buildId: string;
}

/** System plus the firmware identity (not yet part of the System interface in hal/types.ts). */
export interface EspruinoSystem extends System {
  firmwareVersion(): string;
  buildId(): string;
}

function messageOf(error: unknown): string {
  if (error && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
  return String(error);
}

export function createSystem(clock: Clock, firmware: FirmwareInfo): EspruinoSystem {
  const bootMs = clock.now();
  return {
    reboot(): void {
      E.reboot();
    },
    freeMemory(): number {
      const memory = process.memory(false);
      return memory.free * (memory.blocksize || DEFAULT_BLOCK_SIZE);
    },
    uptimeMs(): number {
      return clock.now() - bootMs;
    },
    enableWatchdog(seconds: number): void {
      E.enableWatchdog(seconds, false);
    },
    kickWatchdog(): void {
      E.kickWatchdog();
    },
    disableConsole(): void {
      native('TelnetServer').setOptions({ mode: 'off' });
    },
    board(): string {
      return process.env.BOARD || 'unknown';
    },
    interpreterVersion(): string {
      return process.env.VERSION || 'unknown';
    },
    onUncaughtError(listener: (message: string) => void): void {
      process.on('uncaughtException', (error: unknown) => listener(messageOf(error)));
    },
    log(line: string): void {
      console.log(line);
    },
    firmwareVersion: () => firmware.version,
    buildId: () => firmware.buildId,
  };
}
