// The MEP UART on Serial2, 9600 8N1, with the ENABLE and transceiver lines (spec §2; espruino.md §2.6).
// reset() is the spec's link-reset sequence, done with timers (never a blocking delay):
//   ENABLE off + transceiver off → 1 s → transceiver on → 1 s → ENABLE on → 1 s → done,
// discarding received bytes from the start until done. It is also the power-up sequence: the link starts off.
import { MeterUart } from '../types';
import { BoardPins } from './board';
import { EspruinoE, EspruinoSerial } from './natives';

declare const Serial2: EspruinoSerial;
declare const E: EspruinoE;
declare function pinMode(pin: number, mode: string): void;
declare function digitalWrite(pin: number, value: number): void;
declare function setTimeout(fn: () => void, ms: number): number;

const BAUD = 9600;
/** Pause between the steps of the link reset (spec §2). */
export const LINK_STEP_MS = 1000;

export function createUart(board: BoardPins): MeterUart {
  const listeners: ((chunk: Uint8Array) => void)[] = [];
  /** Resets waiting for the one in progress; null when idle. */
  let waiting: (() => void)[] | null = null;
  let discarding = true;

  function setLink(on: boolean): void {
    digitalWrite(board.enable, on ? 0 : 1); // ENABLE is active LOW
  }
  function setTransceiver(on: boolean): void {
    if (board.transceiver !== null) digitalWrite(board.transceiver, on ? 1 : 0);
  }

  pinMode(board.enable, 'output');
  if (board.transceiver !== null) pinMode(board.transceiver, 'output');
  setLink(false);
  setTransceiver(false);
  Serial2.setup(BAUD, { rx: board.rx, tx: board.tx, bytesize: 8, parity: 'none', stopbits: 1 });
  Serial2.on('data', (data: string) => {
    if (discarding) return; // spec §2: bytes seen while the link comes up are noise
    const chunk = E.toUint8Array(data);
    for (let i = 0; i < listeners.length; i++) listeners[i]!(chunk);
  });

  function finish(): void {
    discarding = false;
    const done = waiting || [];
    waiting = null;
    for (let i = 0; i < done.length; i++) done[i]!();
  }

  return {
    write(bytes: Uint8Array): void {
      Serial2.write(bytes);
    },
    reset(done: () => void): void {
      if (waiting) {
        waiting.push(done); // one sequence at a time; everyone is told when it ends
        return;
      }
      waiting = [done];
      discarding = true;
      setLink(false);
      setTransceiver(false);
      setTimeout(() => {
        setTransceiver(true);
        setTimeout(() => {
          setLink(true);
          setTimeout(finish, LINK_STEP_MS);
        }, LINK_STEP_MS);
      }, LINK_STEP_MS);
    },
    onData(listener: (chunk: Uint8Array) => void): void {
      listeners.push(listener);
    },
  };
}
