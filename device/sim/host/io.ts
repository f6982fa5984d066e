// Serial2, GPIO and the wire to the meter (spec §2; espruino.md §2.6). The wire outlives reboots (the meter does not
// lose power when the ESP32 restarts); pin states do not: at every boot ENABLE is undriven, so the meter is off
// until the firmware drives ENABLE low, and the MAX3232 is off until GPIO32 goes high. Received bytes reach the
// firmware as byte strings of at most 64 bytes, only once Serial2 is set up at 9600 8N1 on the board's pins.
import { BoardPins } from '../../src/hal/espruino/board';
import { DeviceEnv, nativeEvents, NativeEvents } from './env';
import { MeterLink } from './meter-link';
import { bytesOf, latin1 } from './realm';

const MEP_BAUD = 9600;
/** Espruino delivers UART input in events of up to 64 bytes (src/jsdevices.h). */
const RX_CHUNK = 64;

interface SerialSink {
  receive(bytes: Uint8Array): void;
}

export class MeterWire {
  private readonly latches = new Map<number, number>();
  private serial: SerialSink | null = null;

  constructor(
    private readonly link: MeterLink | null,
    private readonly board: BoardPins,
    private readonly emit: (event: string, payload?: unknown) => void,
  ) {
    link?.onData((bytes) => this.fromMeter(bytes));
  }

  /** Power-on state of the GPIOs: nothing driven. */
  resetPins(): void {
    this.latches.clear();
    this.serial = null;
    this.link?.setEnabled(false);
  }

  get meterEnabled(): boolean {
    return this.latches.get(this.board.enable) === 0; // ENABLE is active LOW (spec §2)
  }

  get transceiverOn(): boolean {
    return this.board.transceiver === null || this.latches.get(this.board.transceiver) === 1;
  }

  pin(pin: number): number | undefined {
    return this.latches.get(pin);
  }

  pins(): Record<number, number> {
    return Object.fromEntries(this.latches);
  }

  write(pin: number, value: number): void {
    const wasEnabled = this.meterEnabled;
    this.latches.set(pin, value);
    this.emit('pin', { pin, value });
    if (pin === this.board.enable && wasEnabled !== this.meterEnabled) this.link?.setEnabled(this.meterEnabled);
  }

  attach(serial: SerialSink | null): void {
    this.serial = serial;
  }

  private fromMeter(bytes: Uint8Array): void {
    if (!this.transceiverOn) return;
    if (this.link && !this.link.modelsEnable && !this.meterEnabled) return;
    this.serial?.receive(bytes);
  }

  toMeter(bytes: Uint8Array): void {
    if (!this.transceiverOn || !this.link) return;
    this.link.write(bytes);
  }
}

function pinNumber(pin: unknown): number {
  if (typeof pin === 'number') return pin;
  const m = /^D(\d+)$/.exec(String(pin));
  return m ? Number(m[1]) : NaN;
}

/** Serial2 (the MEP UART) and Serial1 (the console: output goes to the host log). */
export function serialGlobals(env: DeviceEnv, wire: MeterWire): Record<string, unknown> {
  const serial2: Record<string, unknown> = {};
  const events: NativeEvents = nativeEvents(env, serial2, true);
  let ready = false;
  serial2.setup = (baud: unknown, options?: { rx?: unknown; tx?: unknown; bytesize?: number; parity?: unknown; stopbits?: number }) => {
    const o = options || {};
    const problems: string[] = [];
    if (Number(baud) !== MEP_BAUD) problems.push(`${String(baud)} baud (the meter talks ${MEP_BAUD})`);
    if (pinNumber(o.rx) !== env.board.rx || pinNumber(o.tx) !== env.board.tx) {
      problems.push(`rx ${String(o.rx)} / tx ${String(o.tx)} (board ${env.board.id} wires rx ${env.board.rx} / tx ${env.board.tx})`);
    }
    if ((o.bytesize ?? 8) !== 8 || (o.stopbits ?? 1) !== 1 || !(o.parity === undefined || o.parity === null || o.parity === 'none')) {
      problems.push('not 8N1');
    }
    ready = problems.length === 0;
    if (!ready) env.log(`Serial2.setup: ${problems.join(', ')}: the meter will not be heard`);
    wire.attach(ready ? { receive } : null);
  };
  const receive = (bytes: Uint8Array): void => {
    env.emit('serial-rx', bytes);
    for (let i = 0; i < bytes.length; i += RX_CHUNK) events.fire('data', latin1(bytes.subarray(i, i + RX_CHUNK)));
  };
  const write = (...data: unknown[]): void => {
    const bytes = bytesOf(data);
    env.emit('serial-tx', bytes);
    if (ready) wire.toMeter(bytes);
  };
  serial2.write = write;
  serial2.print = (text: unknown) => write(String(text));
  serial2.println = (text: unknown) => write(String(text) + '\r\n');
  env.onTeardown(() => wire.attach(null));

  const serial1: Record<string, unknown> = {};
  nativeEvents(env, serial1);
  serial1.setup = () => undefined;
  serial1.write = (...data: unknown[]) => env.console(latin1(bytesOf(data)));
  serial1.print = (text: unknown) => env.console(String(text));
  serial1.println = (text: unknown) => env.console(String(text));
  return { Serial1: serial1, Serial2: serial2 };
}

/** pinMode/digitalWrite/digitalRead and the pin names D0…D39 (plain numbers here, as Espruino accepts). */
export function gpioGlobals(wire: MeterWire): Record<string, unknown> {
  const out: Record<string, unknown> = {
    pinMode: () => undefined,
    digitalWrite: (pin: unknown, value: unknown) => wire.write(pinNumber(pin), Number(value) ? 1 : 0),
    digitalRead: (pin: unknown) => wire.pin(pinNumber(pin)) ?? 0,
  };
  for (let i = 0; i < 40; i++) out[`D${i}`] = i;
  return out;
}
