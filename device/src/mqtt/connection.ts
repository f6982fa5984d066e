// One TCP connection attempt of the MQTT client, over the HAL's Tcp. The client keeps the current Connection and
// ignores callbacks from any other (a late 'close' of an abandoned socket, a second 'error' after the first).
import { PieceSource, Tcp, TcpSocket } from '../hal/types';
import { MqttDecoder } from './decoder';
import { MqttError, mqttError } from './options';

export interface Connection {
  socket: TcpSocket | null;
  /** TCP is up, CONNECT written or about to be. */
  open: boolean;
  /** Given up by the client; a socket that turns up later is closed at once. */
  closed: boolean;
  /** One decoder per connection: a half-read packet never leaks into the next one. */
  decoder: MqttDecoder;
}

export interface ConnectionHandlers {
  /** TCP connected and the socket known: time for CONNECT. */
  up(conn: Connection): void;
  data(conn: Connection, chunk: Uint8Array): void;
  lost(conn: Connection, error: MqttError): void;
}

export function newConnection(maxPacketSize: number): Connection {
  return { socket: null, open: false, closed: false, decoder: new MqttDecoder({ maxPacketSize }) };
}

/** Writes, turning what a dead socket may throw into false. */
export function writeQuietly(socket: TcpSocket, data: Uint8Array | PieceSource): boolean {
  try {
    return socket.write(data);
  } catch {
    return false;
  }
}

/** Closes a socket, swallowing what a dead one may throw; false if it threw. */
export function endSocket(socket: TcpSocket): boolean {
  try {
    socket.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * Opens the socket and wires its events. tcp.connect may throw (a refused connect on Espruino/Linux, espruino.md
 * §2.8) and may call back before it returns; both end up in the handlers, never as an exception.
 */
export function connectSocket(tcp: Tcp, target: { host: string; port: number }, conn: Connection, h: ConnectionHandlers): void {
  const failure = (message: string) => mqttError(conn.open ? 'connection-lost' : 'connect-failed', message);
  let socket: TcpSocket;
  try {
    socket = tcp.connect(target.host, target.port, () => {
      if (conn.open) return;
      conn.open = true;
      if (conn.socket) h.up(conn);
    });
  } catch (e) {
    h.lost(conn, mqttError('connect-failed', String(e)));
    return;
  }
  conn.socket = socket;
  if (conn.closed) {
    endSocket(socket);
    return;
  }
  socket.onData((chunk) => h.data(conn, chunk));
  socket.onError((message) => h.lost(conn, failure(message)));
  socket.onClose(() => h.lost(conn, failure('socket closed')));
  if (conn.open) h.up(conn);
}
