// The auth phase of Home Assistant's websocket API over Node's `ws` (Node 20 has no global WebSocket, §2.3), as
// home-assistant-js-websocket's own createSocket does it in the browser: open → {type:"auth", access_token} →
// auth_ok (ha_version) | auth_invalid. Given to createConnection as `createSocket`, so the library's reconnect
// uses it too, and no global is patched.
import { Auth, ERR_CANNOT_CONNECT, ERR_INVALID_AUTH } from 'home-assistant-js-websocket';
import WebSocket from 'ws';

/** An authenticated socket, shaped as the library's HaWebSocket (ws has the browser event API it uses). */
export type NodeHaSocket = WebSocket & { haVersion: string };

export function createNodeSocket(auth: Auth, timeoutMs: number): Promise<NodeHaSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(auth.wsUrl, { handshakeTimeout: timeoutMs });
    // ws throws an 'error' event nobody listens to; after an error 'close' follows, which the library handles.
    socket.on('error', () => undefined);
    let settled = false;
    const finish = (err: number | null, version?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('message', onMessage);
      socket.off('close', onClose);
      if (err !== null) {
        socket.terminate();
        reject(err);
        return;
      }
      const authed = socket as NodeHaSocket;
      authed.haVersion = version ?? '';
      resolve(authed);
    };
    const timer = setTimeout(() => finish(ERR_CANNOT_CONNECT), timeoutMs);
    const onClose = (): void => finish(ERR_CANNOT_CONNECT);
    const onMessage = (data: WebSocket.RawData): void => {
      let message: { type?: unknown; ha_version?: unknown };
      try {
        message = JSON.parse(data.toString()) as typeof message;
      } catch {
        finish(ERR_CANNOT_CONNECT);
        return;
      }
      if (message.type === 'auth_invalid') finish(ERR_INVALID_AUTH);
      else if (message.type === 'auth_ok') finish(null, typeof message.ha_version === 'string' ? message.ha_version : undefined);
    };
    socket.on('open', () => socket.send(JSON.stringify({ type: 'auth', access_token: auth.accessToken })));
    socket.on('message', onMessage);
    socket.on('close', onClose);
  });
}
