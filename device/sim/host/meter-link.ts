// The meter at the other end of the MEP UART: a MeterSimulator in this process, a TCP meter (`mep sim --tcp`, a
// serial-to-TCP bridge), or a serial device (USB adapter, pty). Only the simulator models the ENABLE line
// (spec §2: without it the meter's TXD is unpowered); for the others the host drops received bytes while it is off.
import { connect, Socket } from 'net';

/** What the host needs from a MeterSimulator (device/sim/meter-sim). */
export interface SimulatedMeter {
  receive(bytes: Uint8Array): void;
  setEnabled(on: boolean): void;
  on(event: 'data', listener: (bytes: Uint8Array) => void): unknown;
  off(event: 'data', listener: (bytes: Uint8Array) => void): unknown;
}

export type MeterOption = SimulatedMeter | { tcp: string | { host: string; port: number } } | { serialPath: string };

export interface MeterLink {
  readonly name: string;
  /** True when the far end models ENABLE itself. */
  readonly modelsEnable: boolean;
  write(bytes: Uint8Array): void;
  onData(listener: (bytes: Uint8Array) => void): void;
  setEnabled(on: boolean): void;
  close(): Promise<void>;
}

function isSimulator(option: MeterOption): option is SimulatedMeter {
  return typeof (option as SimulatedMeter).receive === 'function' && typeof (option as SimulatedMeter).setEnabled === 'function';
}

function simLink(sim: SimulatedMeter): MeterLink {
  const listeners: ((bytes: Uint8Array) => void)[] = [];
  const onSend = (bytes: Uint8Array): void => listeners.forEach((l) => l(bytes));
  sim.on('data', onSend);
  return {
    name: 'simulator',
    modelsEnable: true,
    write: (bytes) => sim.receive(bytes),
    onData: (l) => listeners.push(l),
    setEnabled: (on) => sim.setEnabled(on),
    close: async () => {
      sim.off('data', onSend);
    },
  };
}

function parseTcp(spec: string | { host: string; port: number }): { host: string; port: number } {
  if (typeof spec !== 'string') return spec;
  const m = /^(?:tcp:\/\/)?\[?([^\]]+?)\]?:(\d+)$/.exec(spec);
  if (!m) throw new Error(`bad TCP meter address "${spec}": expected tcp://host:port`);
  return { host: m[1] as string, port: Number(m[2]) };
}

function tcpLink(spec: string | { host: string; port: number }): Promise<MeterLink> {
  const { host, port } = parseTcp(spec);
  const name = `tcp://${host}:${port}`;
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host, port });
    socket.setNoDelay(true);
    const listeners: ((bytes: Uint8Array) => void)[] = [];
    socket.once('error', (err) => reject(new Error(`cannot connect to the meter at ${name}: ${err.message}`)));
    socket.once('connect', () => {
      socket.on('error', () => undefined); // a dropped meter connection is silence on the UART
      socket.on('data', (d: Buffer) => listeners.forEach((l) => l(new Uint8Array(d))));
      resolve({
        name,
        modelsEnable: false,
        write: (bytes) => {
          if (!socket.destroyed) socket.write(bytes);
        },
        onData: (l) => listeners.push(l),
        setEnabled: () => undefined,
        close: () => new Promise((done) => (socket.destroyed ? done() : socket.end(() => done()))),
      });
    });
  });
}

async function serialLink(path: string): Promise<MeterLink> {
  const { SerialPort } = await import('serialport');
  const port = new SerialPort({ path, baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, autoOpen: false });
  await new Promise<void>((resolve, reject) =>
    port.open((err) => (err ? reject(new Error(`cannot open serial port ${path}: ${err.message}`)) : resolve())),
  );
  const listeners: ((bytes: Uint8Array) => void)[] = [];
  port.on('data', (d: Buffer) => listeners.forEach((l) => l(new Uint8Array(d))));
  port.on('error', () => undefined);
  return {
    name: path,
    modelsEnable: false,
    write: (bytes) => {
      port.write(Buffer.from(bytes));
    },
    onData: (l) => listeners.push(l),
    setEnabled: () => undefined,
    close: () => new Promise((done) => (port.isOpen ? port.close(() => done()) : done())),
  };
}

export function openMeterLink(option: MeterOption): Promise<MeterLink> {
  if (isSimulator(option)) return Promise.resolve(simLink(option));
  if ('tcp' in option) return tcpLink(option.tcp);
  return serialLink(option.serialPath);
}
