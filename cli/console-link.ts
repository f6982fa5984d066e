// Opens a board's JavaScript console for the uploader (console-upload.ts): tcp://host:port (the telnet console of
// Espruino's network builds, or a serial-to-TCP bridge) or a serial device (USB adapter; Espruino's console runs at
// 115200 baud). Text is latin1 both ways, one char per byte.
import { connect, Socket } from 'net';
import { parseTcpUrl } from './port';
import { ConsoleLink } from './console-upload';

export const CONSOLE_BAUD = 115200;

function tcpLink(host: string, port: number): Promise<ConsoleLink> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host, port });
    socket.setNoDelay(true);
    socket.once('error', (e) => reject(new Error(`cannot connect to the console at tcp://${host}:${port}: ${e.message}`)));
    socket.once('connect', () => {
      socket.on('error', () => undefined); // a dropped console shows up as missing answers
      resolve({
        write: (text) => void socket.write(Buffer.from(text, 'latin1')),
        onData: (l) => void socket.on('data', (d: Buffer) => l(d.toString('latin1'))),
        close: () => new Promise((done) => (socket.destroyed ? done() : socket.end(() => done()))),
      });
    });
  });
}

async function serialLink(path: string): Promise<ConsoleLink> {
  const { SerialPort } = await import('serialport');
  const port = new SerialPort({ path, baudRate: CONSOLE_BAUD, autoOpen: false });
  await new Promise<void>((resolve, reject) =>
    port.open((e) => (e ? reject(new Error(`cannot open serial port ${path}: ${e.message}`)) : resolve())),
  );
  port.on('error', () => undefined);
  return {
    write: (text) => void port.write(Buffer.from(text, 'latin1')),
    onData: (l) => void port.on('data', (d: Buffer) => l(d.toString('latin1'))),
    close: () => new Promise((done) => (port.isOpen ? port.drain(() => port.close(() => done())) : done())),
  };
}

/** `spec` is tcp://host:port or a serial device path. */
export function openConsole(spec: string): Promise<ConsoleLink> {
  const tcp = parseTcpUrl(spec);
  return tcp ? tcpLink(tcp.host, tcp.port) : serialLink(spec);
}
