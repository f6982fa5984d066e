// TCP transport: the meter's serial line as a TCP byte stream (a "serial server"). One client at a time: a new
// connection takes the line over and the previous one is closed (a reconnecting client must not be locked out by
// its own half-open socket). Partial input is dropped on every connect. Loopback by default.
import * as net from 'net';
import type { MeterSimulator } from './meter';

export interface TcpHandle {
  server: net.Server;
  /** The bound port (useful with port 0). */
  port: number;
  host: string;
  close(): Promise<void>;
}

export function serveTcp(sim: MeterSimulator, port: number, host = '127.0.0.1'): Promise<TcpHandle> {
  let active: net.Socket | null = null;
  const toClient = (bytes: Uint8Array): void => {
    if (active && !active.destroyed) active.write(bytes);
  };
  sim.on('data', toClient);
  const server = net.createServer((socket) => {
    if (active) active.destroy();
    active = socket;
    socket.setNoDelay(true);
    sim.resetInput();
    socket.on('data', (chunk: Buffer) => {
      if (active === socket) sim.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (active === socket) active = null;
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as net.AddressInfo;
      resolve({
        server,
        port: address.port,
        host,
        close: () =>
          new Promise<void>((done) => {
            sim.off('data', toClient);
            if (active) active.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
