// Real MQTT brokers for integration tests (architecture C12: never mock MQTT):
//  * startAedes(): aedes 1.x on a loopback port. aedes is ESM-only and jest's CommonJS runtime cannot load it (nor can
//    it `import()` without --experimental-vm-modules), so the broker runs in a worker thread of this process, where
//    Node's own loader imports it.
//  * startMosquitto(): the Debian `mosquitto` binary with a generated config. Missing binary = thrown error: these
//    tests fail rather than skip (CI installs it: .ci/run).
// Both can be restarted on the same port (pass `port`) to test reconnects.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface Broker {
  name: 'aedes' | 'mosquitto';
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface BrokerOptions {
  /** Default: a free port. */
  port?: number;
  /** With both set, only these credentials are accepted (CONNACK 4/5 otherwise). */
  username?: string;
  password?: string;
}

export const MOSQUITTO_BIN = '/usr/sbin/mosquitto';
export const MOSQUITTO_PASSWD_BIN = '/usr/bin/mosquitto_passwd';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

// --------------------------------------------------------------------------------------------------- aedes

const AEDES_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const o = workerData.options;
import(workerData.aedesUrl).then(async ({ Aedes }) => {
  const broker = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      if (o.username === undefined) return done(null, true);
      if (username === o.username && password && password.toString() === o.password) return done(null, true);
      const error = new Error('bad user name or password');
      error.returnCode = 4;
      done(error, null);
    },
  });
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    broker.handle(socket);
  });
  server.on('error', (e) => parentPort.postMessage({ type: 'error', message: e.message }));
  server.listen(o.port, '127.0.0.1', () => parentPort.postMessage({ type: 'ready', port: server.address().port }));
  parentPort.on('message', (m) => {
    if (m !== 'stop') return;
    server.close();
    for (const socket of sockets) socket.destroy();
    broker.close(() => parentPort.postMessage({ type: 'stopped' }));
  });
}).catch((e) => parentPort.postMessage({ type: 'error', message: String((e && e.stack) || e) }));
`;

export function startAedes(options?: BrokerOptions): Promise<Broker> {
  const o = { port: 0, ...options };
  const worker = new Worker(AEDES_WORKER, {
    eval: true,
    workerData: { options: o, aedesUrl: pathToFileURL(require.resolve('aedes')).href },
  });
  const next = (type: string, ms: number): Promise<{ port: number }> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`aedes: no '${type}' within ${ms} ms`)), ms);
      const onMessage = (m: { type: string; port: number; message?: string }) => {
        if (m.type !== type && m.type !== 'error') return;
        clearTimeout(timer);
        worker.off('message', onMessage);
        if (m.type === 'error') reject(new Error(`aedes: ${m.message}`));
        else resolve(m);
      };
      worker.on('message', onMessage);
    });
  return next('ready', 10000).then(
    (ready) => ({
      name: 'aedes' as const,
      url: `mqtt://127.0.0.1:${ready.port}`,
      port: ready.port,
      stop: async () => {
        const stopped = next('stopped', 5000);
        worker.postMessage('stop');
        await stopped.catch(() => undefined);
        await worker.terminate();
      },
    }),
    async (e: Error) => {
      await worker.terminate();
      throw e;
    },
  );
}

// --------------------------------------------------------------------------------------------------- mosquitto

export function hasMosquittoPasswd(): boolean {
  return existsSync(MOSQUITTO_PASSWD_BIN);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function writeConfig(dir: string, port: number, o: BrokerOptions): string {
  const lines = [`listener ${port} 127.0.0.1`, 'persistence false', 'log_dest stderr', 'log_type error', 'log_type warning'];
  if (o.username !== undefined && o.password !== undefined) {
    if (!hasMosquittoPasswd()) throw new Error(`${MOSQUITTO_PASSWD_BIN} is missing: cannot set up credentials`);
    const passwd = join(dir, 'passwd');
    execFileSync(MOSQUITTO_PASSWD_BIN, ['-b', '-c', passwd, o.username, o.password]);
    chmodSync(passwd, 0o644); // mosquitto drops root privileges before it reads the file
    lines.push('allow_anonymous false', `password_file ${passwd}`);
  } else {
    lines.push('allow_anonymous true');
  }
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, lines.join('\n') + '\n');
  chmodSync(conf, 0o644);
  return conf;
}

async function waitListening(child: ChildProcess, port: number, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`mosquitto exited (${child.exitCode ?? child.signalCode}): ${stderr()}`);
    }
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill('SIGKILL');
  throw new Error(`mosquitto did not listen on ${port} within 5 s: ${stderr()}`);
}

/** `bin` overrides the broker binary (default /usr/sbin/mosquitto). Throws when it is missing: never a skip. */
export async function startMosquitto(options?: BrokerOptions & { bin?: string }): Promise<Broker> {
  const o = options || {};
  const bin = o.bin || MOSQUITTO_BIN;
  if (!existsSync(bin)) {
    throw new Error(`${bin} not found: install the broker (apt-get install mosquitto)`);
  }
  const port = o.port || (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'mep-mosquitto-'));
  chmodSync(dir, 0o755);
  const conf = writeConfig(dir, port, o);
  const child = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => {
    err = (err + b.toString()).slice(-2000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitListening(child, port, () => err);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    name: 'mosquitto',
    url: `mqtt://127.0.0.1:${port}`,
    port,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
