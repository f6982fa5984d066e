// Shared by the OTA integration tests: the production bundle flashed with the boot loader on the Node host, a meter
// simulator, a real broker (aedes) watched by mqtt.js, and a real HTTP server that serves update packages the way
// the add-on does (Bearer token, Range requests), optionally dropping the connection mid-body.
import { createHash } from 'crypto';
import { mkdtempSync, readFileSync } from 'fs';
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { buildBootLoader } from '../../device/build/artefacts';
import { HostHandle, startHost } from '../../device/sim/host';
import { MeterSimulator } from '../../device/sim/meter-sim/meter';
import { acceleratedMeter } from '../helpers/meter-sim';
import { packBin } from '../../ota/pack';
import { productionBundle } from '../device/host/helpers';
import { Broker, startAedes } from '../helpers/brokers';
import { watcher, Watcher } from '../helpers/mqtt-watch';

export const KEY = 'ABCDEFGHIJKLMNOPQRST';
export const MAC = '24:0a:c4:00:00:77';
export const DEVICE = 'mep_240ac4000077';
export const BASE = `mep/${DEVICE}`;
export const TOKEN = 'one-time-token-3f9a7c';

export interface Served {
  bytes: Uint8Array;
  token: string;
}

export interface PackageServer {
  url(path: string): string;
  put(path: string, bytes: Uint8Array, token?: string): void;
  /** Range headers of the requests seen, in order ('' = none). */
  ranges: string[];
  /** The next response is cut off after this many body bytes. */
  dropNextAfter: number | null;
  /** The next response sends this many body bytes, then nothing more while keeping the connection open. */
  stallNextAfter: number | null;
  close(): Promise<void>;
}

export async function packageServer(): Promise<PackageServer> {
  const files = new Map<string, Served>();
  const state = { dropNextAfter: null as number | null, stallNextAfter: null as number | null };
  const ranges: string[] = [];
  const server: Server = createServer((req, res) => {
    const f = files.get(req.url ?? '');
    ranges.push(String(req.headers.range ?? ''));
    if (!f) return void res.writeHead(404).end();
    if (req.headers.authorization !== `Bearer ${f.token}`) return void res.writeHead(401).end();
    const m = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
    const start = m ? Number(m[1]) : 0;
    const body = Buffer.from(f.bytes.subarray(start));
    res.writeHead(m ? 206 : 200, {
      'Content-Length': String(body.length),
      ...(m ? { 'Content-Range': `bytes ${start}-${f.bytes.length - 1}/${f.bytes.length}` } : {}),
    });
    const stall = state.stallNextAfter;
    if (stall !== null && stall < body.length) {
      state.stallNextAfter = null;
      res.write(body.subarray(0, stall)); // and then silence: no more bytes, no close
      return;
    }
    const drop = state.dropNextAfter;
    if (drop !== null && drop < body.length) {
      state.dropNextAfter = null;
      res.write(body.subarray(0, drop), () => setTimeout(() => res.destroy(), 50));
      return;
    }
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    put: (path, bytes, token = TOKEN) => files.set(path, { bytes, token }),
    ranges,
    get dropNextAfter() {
      return state.dropNextAfter;
    },
    set dropNextAfter(v) {
      state.dropNextAfter = v;
    },
    get stallNextAfter() {
      return state.stallNextAfter;
    },
    set stallNextAfter(v) {
      state.stallNextAfter = v;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'mep-ota-'));
let loaderPath: Promise<string> | null = null;

export function bootLoaderPath(): Promise<string> {
  if (!loaderPath) {
    const out = join(dir, 'boot.js');
    loaderPath = buildBootLoader(out).then(() => out);
  }
  return loaderPath;
}

/** The production bundle as it would be built with another package.json version (the version literal differs). */
export async function bundleAsVersion(version: string): Promise<Uint8Array> {
  const code = readFileSync(await productionBundle(), 'latin1').split('"0.1.0"').join(JSON.stringify(version));
  return new Uint8Array(Buffer.from(code, 'latin1'));
}

export function bin(payload: Uint8Array, version: string, board = 'auto'): Uint8Array {
  return packBin(payload, { firmwareVersion: version, buildId: 'test', board });
}

export function sha256Hex(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

export interface Env {
  broker: Broker;
  w: Watcher;
  server: PackageServer;
  hosts: HostHandle[];
  sims: MeterSimulator[];
  close(): Promise<void>;
}

export async function environment(): Promise<Env> {
  const broker = await startAedes();
  const w = await watcher(broker.url);
  const server = await packageServer();
  const env: Env = {
    broker, w, server, hosts: [], sims: [],
    close: async () => {
      for (const h of env.hosts) await h.stop();
      for (const s of env.sims) s.close();
      await server.close();
      await w.client.endAsync();
      await broker.stop();
    },
  };
  return env;
}

/** The device as `mep upload` leaves it: loader in .bootcde, the 0.1.0 bundle in slot a; trial hold/limit short. */
export async function device(env: Env, lines: string[], timing: { h: number; l: number; s?: number } = { h: 1500, l: 15000 }): Promise<HostHandle> {
  const storageDir = mkdtempSync(join(dir, 'flash-'));
  const sim = acceleratedMeter({ key: KEY, seed: 9 });
  env.sims.push(sim);
  const host = await startHost({
    bundlePath: await productionBundle(),
    loaderPath: await bootLoaderPath(),
    storageDir,
    meter: sim,
    settings: { name: 'OTA meter', wifi: { ssid: 'home', password: 'wifi-secret-xyz' }, mqtt: { host: '127.0.0.1', port: env.broker.port }, meter: { key: KEY, pollIntervalS: 5 } },
    files: { 'ota.timing': JSON.stringify(timing) },
    wifi: { mac: MAC },
    log: (l) => lines.push(l),
  });
  env.hosts.push(host);
  return host;
}

export function updateCommand(id: string, server: PackageServer, path: string, bytes: Uint8Array, version: string, kind: 'bin' | 'wwws' = 'bin', token = TOKEN) {
  return JSON.stringify({ id, kind, url: server.url(path), size: bytes.length, sha256: sha256Hex(bytes), version, token });
}

export const firmwareOf = (text: string): string => (JSON.parse(text) as { firmware: string }).firmware;
