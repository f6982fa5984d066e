// Clock over Espruino's timers and getTime() (espruino.md §2.4). getTime() counts seconds from boot (the clock starts
// at 1970) unless someone calls setTime; we never do: the wall clock is an offset kept here.
import { Clock, TimerHandle } from '../types';

declare function getTime(): number;
declare function setTimeout(fn: () => void, ms: number): number;
declare function setInterval(fn: () => void, ms: number): number;
declare function clearTimeout(id: number): void;
declare function clearInterval(id: number): void;

/** Espruino's clearTimeout/clearInterval with `undefined` clears EVERY timer, and an id that already fired throws
 *  "Unknown Timeout" (src/jswrap_interactive.c): ignore both. */
function clearTimer(clear: (id: number) => void, handle: TimerHandle): void {
  if (typeof handle !== 'number') return;
  try {
    clear(handle);
  } catch {
    // already fired or cleared
  }
}

export function createClock(): Clock {
  let wallOffsetMs = 0;
  const now = (): number => Math.floor(getTime() * 1000);
  return {
    now,
    setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
    clearTimeout: (handle: TimerHandle) => clearTimer(clearTimeout, handle),
    setInterval: (fn: () => void, ms: number) => setInterval(fn, ms),
    clearInterval: (handle: TimerHandle) => clearTimer(clearInterval, handle),
    wallClock: () => now() + wallOffsetMs,
    setWallClock: (utcMs: number) => {
      wallOffsetMs = utcMs - now();
    },
  };
}
