// Opens the byte stream to a meter for the `mep` tool: a serial device (USB-serial adapter, pseudo-terminal) through
// the serialport package at 9600 8N1, or tcp://host:port (the simulator, or a serial-to-TCP bridge).
import { connect, Socket } from 'net';
import { SerialPort } from 'serialport';
import { MeterLink } from '../device/src/meter/poller';
import { UsageError } from './usage';

export interface MeterPort extends MeterLink {
  /** Human-readable name for messages. */
  readonly name: string;
  close(): Promise<void>;
}

/** "tcp://host:port" → {host, port}; null for anything else. */
export function parseTcpUrl(text: string): { host: string; port: number } | null {
  if (!text.startsWith('tcp://')) return null;
  const rest = text.slice(6);
  const colon = rest.lastIndexOf(':');
  const port = Number(rest.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(`bad TCP address "${text}": expected tcp://host:port`);
  }
  return { host: rest.slice(0, colon).replace(/^\[|\]$/g, ''), port };
}

/** Link reset over a port without ENABLE control: wait briefly, then carry on (the decoder drops stale bytes). */
const RESET_PAUSE_MS = 50;

function wrap(name: string, write: (b: Uint8Array) => void, close: () => Promise<void>): MeterPort & {
  emit(chunk: Uint8Array): void;
} {
  const listeners: ((chunk: Uint8Array) => void)[] = [];
  return {
    name,
    write,
    close,
    reset(done) {
      setTimeout(done, RESET_PAUSE_MS);
    },
    onData(listener) {
      listeners.push(listener);
    },
    emit(chunk) {
      for (const l of listeners) l(chunk);
    },
  };
}

function openTcp(host: string, port: number, name: string): Promise<MeterPort> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host, port });
    socket.setNoDelay(true);
    const onError = (err: Error) => reject(new Error(`cannot connect to ${name}: ${err.message}`));
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      const port = wrap(
        name,
        (b) => socket.write(b),
        () => new Promise((done) => socket.end(() => done())),
      );
      socket.on('data', (d: Buffer) => port.emit(new Uint8Array(d)));
      socket.on('error', () => undefined); // reported as silence by the session, which is what the user sees
      resolve(port);
    });
  });
}

function openSerial(path: string): Promise<MeterPort> {
  return new Promise((resolve, reject) => {
    const serial = new SerialPort({ path, baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, autoOpen: false });
    serial.open((err) => {
      if (err) {
        reject(new Error(`cannot open serial port ${path}: ${err.message}`));
        return;
      }
      const port = wrap(
        path,
        (b) => serial.write(Buffer.from(b)),
        () => new Promise((done) => (serial.isOpen ? serial.close(() => done()) : done())),
      );
      serial.on('data', (d: Buffer) => port.emit(new Uint8Array(d)));
      serial.on('error', () => undefined);
      resolve(port);
    });
  });
}

export function openMeterPort(spec: string): Promise<MeterPort> {
  const tcp = parseTcpUrl(spec);
  if (tcp) return openTcp(tcp.host, tcp.port, spec);
  return openSerial(spec);
}
