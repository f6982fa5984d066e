// The package download server (issue 5): plain HTTP on options.ota.port, outside ingress because devices cannot use
// ingress (home-assistant.md §2.6). It serves only GET/HEAD /firmware/<package id> with a valid one-time token in
// `Authorization: Bearer` (download-tokens.ts says what "one-time" means), single byte ranges for the device's
// resumes (byte-range.ts), streamed from disk. Tokens never appear in URLs, logs or responses.
import { createReadStream } from 'fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { Logger, Service } from '../service';
import { parseRange } from './byte-range';
import { PackageFiles } from './catalog';
import { chooseDownloadHost, InternalUrlLookup, packageUrl } from './download-host';
import { DEFAULT_TOKEN_OPTIONS, DownloadTokens, keyOf } from './download-tokens';

/** What a rollout needs from the server: a URL and token for one device and package, and revocation. */
export interface PackageDownloads {
  grant(deviceId: string, entryId: string): Promise<{ url: string; token: string }>;
  revoke(token: string): void;
}

/** Stands in for the download server when it could not start (its port taken): every rollout then fails at once
 *  with this reason instead of sending devices to a port nobody listens on. */
export function downloadsOff(reason: string): PackageDownloads {
  return {
    grant: () => Promise.reject(new Error(reason)),
    revoke: () => undefined,
  };
}

export interface DownloadServerDeps {
  log: Logger;
  packages: PackageFiles;
  /** options.ota.port; 0 = any free port (tests). */
  port: number;
  /** Listen address; default all interfaces (devices are on the LAN). */
  listenHost?: string;
  /** options.ota.host. */
  host?: string;
  /** The port devices reach (the Supervisor's host port mapping, advertised-port.ts); default the bound port. */
  advertisedPort?: () => Promise<number>;
  /** Home Assistant's internal URL, when Home Assistant is there. */
  internalUrl?: InternalUrlLookup;
  tokenTtlMs?: number;
  resumeGraceMs?: number;
  now?: () => number;
}

const PATH = /^\/firmware\/([0-9a-f]{64})$/;

function bearer(req: IncomingMessage): string | null {
  const m = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(req.headers.authorization ?? '');
  return m ? (m[1] as string) : null;
}

export class DownloadServer implements Service, PackageDownloads {
  readonly name = 'ota-server';
  private server: Server | null = null;
  private readonly tokens: DownloadTokens;
  /** Responses streaming right now, by token key (revoke() cuts them). */
  private readonly open = new Map<string, Set<ServerResponse>>();

  constructor(private readonly deps: DownloadServerDeps) {
    this.tokens = new DownloadTokens({
      ttlMs: deps.tokenTtlMs ?? DEFAULT_TOKEN_OPTIONS.ttlMs,
      resumeGraceMs: deps.resumeGraceMs ?? DEFAULT_TOKEN_OPTIONS.resumeGraceMs,
      now: deps.now ?? Date.now,
    });
  }

  describe(): string {
    return `firmware downloads on port ${this.deps.port} (${this.deps.host ? `devices use host ${this.deps.host}` : 'host from Home Assistant or 127.0.0.1'})`;
  }

  /** The bound port (differs from deps.port when that is 0). */
  port(): number {
    return this.server ? (this.server.address() as AddressInfo).port : this.deps.port;
  }

  start(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    server.headersTimeout = 20_000;
    server.requestTimeout = 0; // a slow device on a weak link must be able to finish a long response
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.deps.port, this.deps.listenHost ?? '0.0.0.0', () => {
        server.off('error', reject);
        server.on('error', (err) => this.deps.log.error(`firmware download server: ${err.message}`));
        resolve();
      });
    });
  }

  stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  async grant(deviceId: string, entryId: string): Promise<{ url: string; token: string }> {
    const entry = this.deps.packages.get(entryId);
    if (!entry) throw new Error(`no package ${entryId} in the catalog`);
    const { host, source } = await chooseDownloadHost(this.deps.host, this.deps.internalUrl);
    if (source === 'local') this.deps.log.debug('firmware downloads: devices are sent to 127.0.0.1 (local mode; set ota.host otherwise)');
    const token = this.tokens.issue({ deviceId, entryId, size: entry.size });
    const port = this.deps.advertisedPort ? await this.deps.advertisedPort() : this.port();
    return { url: packageUrl(host, port, entryId), token };
  }

  /** Revokes a token and cuts its downloads in progress: a cancelled or timed-out rollout must not install anyway
   *  (the device sees a dropped connection, resumes, gets 401 and gives up). */
  revoke(token: string): void {
    this.tokens.revoke(token);
    const key = keyOf(token);
    for (const res of this.open.get(key) ?? []) res.destroy();
    this.open.delete(key);
  }

  /** Live tokens (tests and diagnostics). */
  liveTokens(): number {
    return this.tokens.size();
  }

  private refuse(res: ServerResponse, status: number, message: string, headers: { [h: string]: string } = {}): void {
    const body = message + '\n';
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', ...headers });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const address = req.socket.remoteAddress ?? '?';
    const path = (req.url ?? '').split('?')[0] as string;
    const m = PATH.exec(path);
    if (!m) return this.refuse(res, 404, 'not found');
    if (req.method !== 'GET' && req.method !== 'HEAD') return this.refuse(res, 405, 'only GET and HEAD', { Allow: 'GET, HEAD' });
    const entryId = m[1] as string;
    const check = this.tokens.check(bearer(req), entryId, address);
    if (!check.ok) {
      this.deps.log.warn(`firmware download refused for ${address}: ${check.reason}`);
      return this.refuse(res, check.status, check.reason, check.status === 401 ? { 'WWW-Authenticate': 'Bearer error="invalid_token"' } : {});
    }
    const entry = this.deps.packages.get(entryId);
    const file = this.deps.packages.filePath(entryId);
    if (!entry || !file) return this.refuse(res, 404, 'the package is no longer in the catalog');
    const etag = `"${entry.sha256}"`;
    const ifRange = req.headers['if-range'];
    const range = ifRange !== undefined && ifRange !== etag ? ({ type: 'full' } as const) : parseRange(req.headers.range, entry.size);
    const common = { 'Accept-Ranges': 'bytes', ETag: etag, 'Cache-Control': 'no-store' };
    if (range.type === 'unsatisfiable') {
      return this.refuse(res, 416, `range not satisfiable: the package has ${entry.size} bytes`, { ...common, 'Content-Range': `bytes */${entry.size}` });
    }
    const start = range.type === 'partial' ? range.start : 0;
    const end = range.type === 'partial' ? range.end : entry.size - 1;
    const status = range.type === 'partial' ? 206 : 200;
    const headers: { [h: string]: string | number } = { ...common, 'Content-Type': 'application/octet-stream', 'Content-Length': end - start + 1 };
    if (status === 206) headers['Content-Range'] = `bytes ${start}-${end}/${entry.size}`;
    const what = `${entry.kind} ${entry.version} for ${check.grant.deviceId} (${address}) bytes ${start}-${end}/${entry.size}`;
    res.writeHead(status, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    this.deps.log.debug(`firmware download: ${what}`);
    const stream = createReadStream(file, { start, end });
    stream.on('error', (err) => {
      this.deps.log.error(`firmware download of ${what} failed reading the file: ${err.message}`);
      res.destroy();
    });
    res.on('finish', () => this.tokens.sent(check.key, start, end + 1));
    const open = this.open.get(check.key) ?? new Set<ServerResponse>();
    open.add(res);
    this.open.set(check.key, open);
    res.on('close', () => {
      open.delete(res);
      if (open.size === 0 && this.open.get(check.key) === open) this.open.delete(check.key);
      if (!res.writableFinished) {
        stream.destroy();
        this.deps.log.info(`firmware download: connection dropped during ${what}`);
      }
    });
    stream.pipe(res);
  }
}
