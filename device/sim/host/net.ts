// require("net") over node:net with Espruino's socket API (espruino.md §2.8): connect({host, port}, cb) returns a
// socket with write(string), end(), and events 'connect', 'data' (byte strings), 'drain', 'end', 'close', 'error'
// ({code, message}, then 'close'). Every socket is destroyed when the device reboots or loses power.
import { connect, Socket } from 'net';
import { DeviceEnv, nativeEvents } from './env';
import { bytesOf, latin1, realmError, realmValue } from './realm';

/** How device ports map to real ports (http server listening), shared with http.ts. */
export function netModule(env: DeviceEnv): Record<string, unknown> {
  const sockets = new Set<Socket>();
  env.onTeardown(() => sockets.forEach((s) => s.destroy()));
  return {
    connect(options: unknown, onConnect?: unknown): Record<string, unknown> {
      const o = (typeof options === 'string' ? { host: options.split(':')[0], port: Number(options.split(':')[1]) } : options) as { host?: string; port?: number };
      if (!o || !o.host || !o.port) throw realmError(env.realm, 'Expecting Options object with host and port');
      const target: Record<string, unknown> = {};
      const events = nativeEvents(env, target, true);
      const socket = connect({ host: o.host, port: Number(o.port) });
      socket.setNoDelay(true);
      sockets.add(socket);
      let open = true;
      socket.on('connect', () => {
        env.emit('net', { event: 'connect', host: o.host, port: o.port });
        if (typeof onConnect === 'function') env.runner.post(onConnect, target, []);
        events.fire('connect');
      });
      socket.on('data', (d: Buffer) => events.fire('data', latin1(new Uint8Array(d))));
      socket.on('end', () => events.fire('end'));
      socket.on('error', (err: NodeJS.ErrnoException) => events.fire('error', realmValue(env.realm, { code: -1, message: err.message })));
      socket.on('close', () => {
        open = false;
        sockets.delete(socket);
        events.fire('close', false);
      });
      target.write = (data: unknown) => {
        if (!open || socket.destroyed) return false;
        socket.write(bytesOf(data), () => events.fire('drain'));
        return true;
      };
      target.end = (data?: unknown) => {
        if (data !== undefined && open) socket.write(bytesOf(data));
        socket.end();
      };
      target.destroy = () => socket.destroy();
      return target;
    },
  };
}
