// Serial transport (spec §2: 9600 baud, 8N1, no flow control) through the `serialport` package: a USB-serial
// adapter wired to a real MEP client, or one end of a pseudo-terminal pair
// (`socat -d -d pty,raw,echo=0 pty,raw,echo=0`) with the client on the other end.
// The native binding is loaded only when a serial port is actually used.
import type { SerialPort } from 'serialport';
import type { MeterSimulator } from './meter';

export interface SerialOptions {
  baudRate?: number;
}

export interface SerialHandle {
  port: SerialPort;
  close(): Promise<void>;
}

export async function attachSerial(sim: MeterSimulator, path: string, options: SerialOptions = {}): Promise<SerialHandle> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (native binding)
  const { SerialPort: Port } = require('serialport') as typeof import('serialport');
  const port = new Port({
    path,
    baudRate: options.baudRate ?? 9600,
    dataBits: 8,
    parity: 'none',
    stopBits: 1,
    rtscts: false,
    xon: false,
    xoff: false,
    autoOpen: false,
  });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  const onInput = (chunk: Buffer): void => sim.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
  const onOutput = (bytes: Uint8Array): void => {
    port.write(Buffer.from(bytes));
  };
  port.on('data', onInput);
  port.on('error', () => undefined); // a vanished adapter shows up as 'close'; the owner decides what to do
  sim.on('data', onOutput);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        sim.off('data', onOutput);
        port.off('data', onInput);
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      }),
  };
}
