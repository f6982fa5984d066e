// What every simulated built-in gets from the running device (one per boot).
import { BoardPins } from '../../src/hal/espruino/board';
import { Realm } from './realm';
import { Runner } from './runner';

export interface DeviceEnv {
  realm: Realm;
  runner: Runner;
  /** Pins of the simulated board, and its Espruino build name ('ESP32' | 'ESP32C3'). */
  board: BoardPins;
  boardName: string;
  /** Host diagnostics. */
  log(line: string): void;
  /** Device console output (console.log, print, uncaught errors). */
  console(line: string): void;
  /** Host-side event for observers (HostHandle.events). */
  emit(event: string, payload?: unknown): void;
  /** Runs when this boot ends (reboot, power cut, stop). */
  onTeardown(fn: () => void): void;
}

/** Up to 512 bytes of 'data' are kept while nobody listens, then flushed to the first listener (src/jswrap_stream.c). */
const STREAM_BUFFER_BYTES = 512;

export interface NativeEvents {
  /** Queues an event for the firmware's listeners (Espruino runs callbacks from its event loop). */
  fire(event: string, ...args: unknown[]): void;
  listenerCount(event: string): number;
}

/** Gives a simulated native object Espruino's on/removeListener/removeAllListeners/emit. */
export function nativeEvents(env: DeviceEnv, target: Record<string, unknown>, bufferData = false): NativeEvents {
  const listeners: Record<string, unknown[]> = {};
  let buffered = '';
  // Listeners are looked up when the event is delivered, in order after everything queued before it (so a request
  // handler queued first has attached its listeners by the time the request's data and end arrive).
  const fire = (event: string, ...args: unknown[]): void =>
    env.runner.defer(() => {
      const list = listeners[event];
      if (!list || list.length === 0) {
        if (bufferData && event === 'data' && typeof args[0] === 'string') {
          buffered = (buffered + args[0]).slice(0, STREAM_BUFFER_BYTES);
        }
        return;
      }
      for (const fn of list.slice()) env.runner.call(fn, target, args);
    });
  target.on = (event: string, fn: unknown) => {
    (listeners[event] = listeners[event] || []).push(fn);
    if (event === 'data' && buffered) {
      const flush = buffered;
      buffered = '';
      env.runner.post(fn, target, [flush]);
    }
    return target;
  };
  target.addListener = target.on;
  target.removeListener = (event: string, fn: unknown) => {
    const list = listeners[event] || [];
    const i = list.indexOf(fn);
    if (i >= 0) list.splice(i, 1);
  };
  target.removeAllListeners = (event?: string) => {
    if (event === undefined) for (const k of Object.keys(listeners)) delete listeners[k];
    else delete listeners[event];
  };
  target.emit = (event: string, ...args: unknown[]) => {
    for (const fn of (listeners[event] || []).slice()) env.runner.call(fn, target, args.slice(0, 4));
  };
  return { fire, listenerCount: (event) => (listeners[event] || []).length };
}
