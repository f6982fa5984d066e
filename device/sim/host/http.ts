// require("http") server over node:http with Espruino's API (espruino.md §2.8). Requests: method, url, headers
// (client capitalisation kept), events 'data' (byte strings ≤ 536 bytes), 'end', 'close'. Responses: writeHead,
// setHeader, write, end, events 'drain' (after each write has gone out) and 'close'; the status line always says
// "OK" and "Connection: close" is added, like Espruino. listen(port) maps the device port to a real one.
import { ClientRequest, createServer, IncomingMessage, request as httpRequest, Server, ServerResponse } from 'http';
import { DeviceEnv, nativeEvents } from './env';
import { bytesOf, latin1, realmError, realmValue } from './realm';

/** Espruino's ESP32 network chunk size (libs/network/esp32/network_esp32.c). */
const CHUNK = 536;

export interface HttpPortMap {
  /** Real port for a device port (0 = any free port). */
  realPort(devicePort: number): number;
  listening(devicePort: number, realPort: number): void;
  /** Interface to bind (default 127.0.0.1). */
  host: string;
}

function rawHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) out[req.rawHeaders[i] as string] = req.rawHeaders[i + 1] as string;
  return out;
}

function wrapRequest(env: DeviceEnv, req: IncomingMessage): Record<string, unknown> {
  const target: Record<string, unknown> = { method: req.method, url: req.url, headers: realmValue(env.realm, rawHeaders(req)) };
  const events = nativeEvents(env, target, true);
  req.on('data', (d: Buffer) => {
    for (let i = 0; i < d.length; i += CHUNK) events.fire('data', latin1(new Uint8Array(d.subarray(i, i + CHUNK))));
  });
  req.on('end', () => events.fire('end'));
  req.on('close', () => events.fire('close'));
  return target;
}

function wrapResponse(env: DeviceEnv, res: ServerResponse): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  const events = nativeEvents(env, target);
  let status = 200;
  const headers: Record<string, string> = {};
  const head = (): void => {
    if (!res.headersSent) res.writeHead(status, 'OK', { ...headers, Connection: 'close' });
  };
  target.writeHead = (code: unknown, h?: Record<string, unknown>) => {
    status = Number(code);
    for (const k of Object.keys(h || {})) headers[k] = String((h as Record<string, unknown>)[k]);
    head();
  };
  target.setHeader = (name: unknown, value: unknown) => {
    headers[String(name)] = String(value);
  };
  target.write = (data: unknown) => {
    head();
    if (res.writableEnded) return false;
    res.write(Buffer.from(bytesOf(data)), () => {
      if (!res.writableEnded) events.fire('drain');
    });
    return true;
  };
  target.end = (data?: unknown) => {
    head();
    if (res.writableEnded) return;
    res.end(data === undefined ? undefined : Buffer.from(bytesOf(data)));
  };
  res.on('close', () => events.fire('close'));
  return target;
}

/** http.request(options, callback) / http.get: the client (espruino.md §2.8). The response ('httpCRs') has statusCode
 *  and headers, delivers 'data' as byte strings of <= 536 bytes and 'close' once at the end, also when the
 *  connection drops mid-body; a failure to connect is an 'error' on the request. Plain http only. */
function clientRequest(env: DeviceEnv, active: Set<ClientRequest>, options: unknown, callback: unknown): Record<string, unknown> {
  const o = (typeof options === 'object' && options !== null ? options : {}) as Record<string, unknown>;
  const target: Record<string, unknown> = {};
  const events = nativeEvents(env, target);
  const headers: Record<string, string> = {};
  const given = (o.headers || {}) as Record<string, unknown>;
  for (const k of Object.keys(given)) headers[k] = String(given[k]);
  const req = httpRequest({
    host: String(o.host ?? 'localhost'),
    port: Number(o.port) || 80,
    path: String(o.path ?? '/'),
    method: String(o.method ?? 'GET'),
    headers,
  });
  active.add(req);
  req.on('close', () => active.delete(req));
  req.on('error', (err) => events.fire('error', realmError(env.realm, err.message)));
  req.on('response', (res) => {
    const r: Record<string, unknown> = { statusCode: String(res.statusCode), headers: realmValue(env.realm, rawHeaders(res)) };
    const rEvents = nativeEvents(env, r, true);
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      rEvents.fire('close');
    };
    res.on('data', (d: Buffer) => {
      for (let i = 0; i < d.length; i += CHUNK) rEvents.fire('data', latin1(new Uint8Array(d.subarray(i, i + CHUNK))));
    });
    res.on('end', close);
    res.on('close', close);
    res.on('error', close);
    env.runner.post(callback, undefined, [r]);
  });
  target.end = (data?: unknown) => {
    if (data !== undefined) req.write(Buffer.from(bytesOf(data)));
    req.end();
  };
  target.write = (data: unknown) => req.write(Buffer.from(bytesOf(data)));
  return target;
}

export function httpModule(env: DeviceEnv, ports: HttpPortMap): Record<string, unknown> {
  const servers = new Set<Server>();
  const requests = new Set<ClientRequest>();
  env.onTeardown(() => {
    servers.forEach((s) => {
      s.close();
      s.closeAllConnections();
    });
    requests.forEach((r) => r.destroy());
  });
  return {
    request: (options: unknown, callback: unknown) => clientRequest(env, requests, options, callback),
    get: (options: unknown, callback: unknown) => {
      const req = clientRequest(env, requests, options, callback);
      (req.end as () => void)();
      return req;
    },
    createServer(handler: unknown): Record<string, unknown> {
      const server = createServer((req, res) => {
        if (!env.runner.alive) {
          res.destroy();
          return;
        }
        env.runner.post(handler, undefined, [wrapRequest(env, req), wrapResponse(env, res)]);
      });
      servers.add(server);
      const target: Record<string, unknown> = {};
      nativeEvents(env, target);
      target.listen = (port: unknown) => {
        const devicePort = Number(port) || 80;
        server.on('error', (err) => env.log(`http: cannot listen for device port ${devicePort}: ${err.message}`));
        server.listen(ports.realPort(devicePort), ports.host, () => {
          const address = server.address();
          if (address && typeof address === 'object') ports.listening(devicePort, address.port);
        });
        return target;
      };
      target.close = () => {
        servers.delete(server);
        server.close();
        server.closeAllConnections();
      };
      return target;
    },
  };
}
