// The HAL's Tcp and Clock (device/src/hal/types.ts) over node:net and Node timers: for integration tests against real
// brokers, and a start for the Node host build. Tests can also see every open socket and kill them abruptly (to
// provoke a Last Will), and watch the bytes the device writes.
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import { Clock, PieceSource, Tcp, TcpSocket } from '../../device/src/hal/types';

export interface NodeTcp extends Tcp {
  /** Sockets opened through this Tcp and not yet closed. */
  openSockets(): net.Socket[];
  /** Destroys every open socket without an MQTT DISCONNECT, like a power cut or a Wi-Fi drop. */
  destroyAll(): void;
}

export interface NodeTcpOptions {
  /** Sees every chunk the device writes (e.g. to count PINGREQs). */
  onWrite?: (bytes: Uint8Array) => void;
  /** After end(), destroy the socket if the peer has not closed it within this many ms. Default 1000. */
  endTimeoutMs?: number;
}

/** The pieces of a write: the bytes, or everything a piece source gives. */
export function piecesOf(data: Uint8Array | PieceSource): Uint8Array[] {
  if (typeof data !== 'function') return [data];
  const pieces: Uint8Array[] = [];
  for (let piece = data(); piece !== null; piece = data()) pieces.push(piece);
  return pieces;
}

function wrap(socket: net.Socket, options: NodeTcpOptions): TcpSocket {
  return {
    write(data: Uint8Array | PieceSource): boolean {
      if (socket.destroyed || !socket.writable) return false;
      // Node buffers the socket itself: a piece source is drained at once.
      for (const piece of piecesOf(data)) {
        if (options.onWrite) options.onWrite(piece);
        socket.write(piece);
      }
      return true;
    },
    end(): void {
      if (socket.destroyed) return;
      socket.end();
      setTimeout(() => socket.destroy(), options.endTimeoutMs ?? 1000).unref();
    },
    onData(listener: (chunk: Uint8Array) => void): void {
      socket.on('data', (buf: Buffer) => listener(new Uint8Array(buf.buffer, buf.byteOffset, buf.length)));
    },
    onClose(listener: () => void): void {
      socket.on('close', () => listener());
    },
    onError(listener: (message: string) => void): void {
      socket.on('error', (e: Error) => listener(e.message));
    },
  };
}

export function createNodeTcp(options?: NodeTcpOptions): NodeTcp {
  const o = options || {};
  const open = new Set<net.Socket>();
  return {
    connect(host: string, port: number, onConnect: () => void): TcpSocket {
      const socket = net.connect({ host, port });
      socket.setNoDelay(true);
      open.add(socket);
      socket.once('connect', onConnect);
      socket.once('close', () => open.delete(socket));
      // Node throws an 'error' nobody listens to; the HAL contract delivers it through onError instead.
      socket.on('error', () => undefined);
      return wrap(socket, o);
    },
    openSockets: () => [...open],
    destroyAll(): void {
      for (const socket of open) socket.destroy();
    },
  };
}

/** Clock over Node timers; `now` is monotonic. */
export function nodeClock(): Clock {
  let wallOffset = 0;
  return {
    now: () => performance.now(),
    setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
    clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
    setInterval: (fn: () => void, ms: number) => setInterval(fn, ms),
    clearInterval: (handle: unknown) => clearInterval(handle as NodeJS.Timeout),
    wallClock: () => Date.now() + wallOffset,
    setWallClock: (utcMs: number) => {
      wallOffset = utcMs - Date.now();
    },
  };
}
