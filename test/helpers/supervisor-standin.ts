// A stand-in for the Home Assistant Supervisor's HTTP API (the one part the project may stand in for, with its
// real formats; home-assistant.md §2.1, §2.5; supervisor/api/utils.py api_return_ok / api_return_error):
//   GET /services/mqtt    {"result":"ok","data":{host,port,ssl,protocol,username,password,addon}}, or
//                         HTTP 400 {"result":"error","message":"Service not enabled"} when no add-on provides MQTT
//   GET /info             {"result":"ok","data":{supervisor, homeassistant, hostname, arch, …}}
//   GET /addons/self/info {"result":"ok","data":{name, slug, version, ingress_port, ingress_entry, …}}
// Every request needs `Authorization: Bearer <token>`; without it the Supervisor's security middleware answers
// 401 with aiohttp's plain-text body. Other paths: 404 plain text. Requests are recorded for assertions.
import * as http from 'node:http';
import { AddressInfo } from 'node:net';

export interface SupervisorMqttData {
  host: string;
  port: number;
  ssl: boolean;
  protocol: '3.1' | '3.1.1';
  username?: string;
  password?: string;
  addon: string;
}

export interface SupervisorStandInOptions {
  token: string;
  /** null: "Service not enabled" (no MQTT add-on installed). */
  mqtt: SupervisorMqttData | null;
  /** Merged into the default /info data. */
  info?: { [key: string]: unknown };
  /** Merged into the default /addons/self/info data. */
  addonInfo?: { [key: string]: unknown };
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorized: boolean;
}

export interface SupervisorStandIn {
  /** http://127.0.0.1:<port> (the add-on's "http://supervisor"). */
  url: string;
  requests: RecordedRequest[];
  setMqtt(data: SupervisorMqttData | null): void;
  stop(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8' });
  res.end(text);
}

export async function startSupervisorStandIn(options: SupervisorStandInOptions): Promise<SupervisorStandIn> {
  let mqtt = options.mqtt;
  const requests: RecordedRequest[] = [];
  const info = {
    supervisor: '2026.08.2', homeassistant: '2026.8.3', hassos: '16.1', docker: '28.3.3', hostname: 'homeassistant',
    operating_system: 'Home Assistant OS 16.1', features: [], machine: 'generic-x86-64', arch: 'amd64',
    supported_arch: ['amd64'], supported: true, channel: 'stable', logging: 'info', state: 'running', timezone: 'UTC',
    ...options.info,
  };
  const addonInfo = {
    name: 'MEP Bridge', slug: 'mep_bridge', hostname: 'local-mep-bridge', version: '0.1.0', state: 'started',
    ingress: true, ingress_entry: '/api/hassio_ingress/abc', ingress_url: '/api/hassio_ingress/abc/', ingress_port: 8099,
    ip_address: '172.30.33.2', ...options.addonInfo,
  };
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    const authorized = req.headers.authorization === `Bearer ${options.token}`;
    requests.push({ method: req.method ?? 'GET', path, authorized });
    if (!authorized) return send(res, 401, '401: Unauthorized');
    if (req.method !== 'GET') return send(res, 405, '405: Method Not Allowed');
    if (path === '/services/mqtt') {
      if (!mqtt) return send(res, 400, { result: 'error', message: 'Service not enabled' });
      return send(res, 200, { result: 'ok', data: mqtt });
    }
    if (path === '/info') return send(res, 200, { result: 'ok', data: info });
    if (path === '/addons/self/info') return send(res, 200, { result: 'ok', data: addonInfo });
    send(res, 404, '404: Not Found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setMqtt: (data) => {
      mqtt = data;
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
