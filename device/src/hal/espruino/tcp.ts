// Tcp over require("net") (espruino.md §2.8). On the ESP32 connect (and DNS) block and may throw; a throw becomes
// onError then onClose, delivered on a timer so the caller has attached its listeners.
import { PieceSource, Tcp, TcpSocket } from '../types';
import { EspruinoE, EspruinoSocket, native } from './natives';

declare const E: EspruinoE;
declare function setTimeout(fn: () => void, ms: number): number;

function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  const message = error && (error as { message?: unknown }).message;
  return typeof message === 'string' ? message : 'socket error';
}

export function createTcp(): Tcp {
  const net = native('net');
  return {
    connect(host: string, port: number, onConnect: () => void): TcpSocket {
      const dataListeners: ((chunk: Uint8Array) => void)[] = [];
      const closeListeners: (() => void)[] = [];
      const errorListeners: ((message: string) => void)[] = [];
      let open = true;

      function fail(message: string): void {
        for (let i = 0; i < errorListeners.length; i++) errorListeners[i]!(message);
      }
      function closed(): void {
        if (!open) return;
        open = false;
        for (let i = 0; i < closeListeners.length; i++) closeListeners[i]!();
      }

      let socket: EspruinoSocket | null = null;
      try {
        socket = net.connect({ host: host, port: port }, onConnect);
      } catch (e) {
        const message = errorText(e);
        setTimeout(() => {
          fail(message);
          closed();
        }, 0);
      }
      if (socket) {
        socket.on('data', (data: string) => {
          const chunk = E.toUint8Array(data);
          for (let i = 0; i < dataListeners.length; i++) dataListeners[i]!(chunk);
        });
        socket.on('error', (error) => fail(errorText(error)));
        socket.on('close', closed);
      }
      const live = socket;
      // Writes wait here while the interpreter still holds earlier data: Espruino appends every socket write to one
      // send string (libs/network/socketserver.c), ~10 bytes per 14-byte JsVar, so a 10 KB discovery message written
      // at once cost ~1,000 JsVars until sent. One piece at a time goes to the socket, the next on 'drain'; a piece
      // source is asked for its next piece only then, so its message never exists whole.
      const waiting: (Uint8Array | PieceSource)[] = [];
      let busy = false;
      function pump(): void {
        let piece: Uint8Array | null = null;
        while (open && !piece && waiting.length > 0) {
          const head = waiting[0]!;
          piece = typeof head === 'function' ? head() : head;
          if (!piece || head === piece) waiting.shift(); // bytes, or a source that has given its last piece
        }
        busy = piece !== null;
        if (piece) live!.write(E.toString(piece));
      }
      if (live) {
        live.on('drain', () => {
          try {
            pump();
          } catch (e) {
            // A source that fails leaves half a packet on the wire: the connection is unusable.
            waiting.splice(0, waiting.length);
            busy = false;
            fail('write failed: ' + errorText(e));
          }
        });
      }
      return {
        write(data: Uint8Array | PieceSource): boolean {
          if (!open || !live) return false;
          waiting.push(data);
          if (!busy) pump();
          return true;
        },
        end(): void {
          if (open && live) live.end();
        },
        onData(listener: (chunk: Uint8Array) => void): void {
          dataListeners.push(listener);
        },
        onClose(listener: () => void): void {
          closeListeners.push(listener);
        },
        onError(listener: (message: string) => void): void {
          errorListeners.push(listener);
        },
      };
    },
  };
}
