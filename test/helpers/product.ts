// Runs the whole product as a newcomer's `npm start` does (node bin/mep.js start), on free ports and a scratch data
// directory, and gives tests its addresses and its complete output (for "no secret in any log" checks).
import { ChildProcess, spawn } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { freePort } from './brokers';
import { MEP } from './mep-cli';

export interface Product {
  panelUrl: string;
  brokerUrl: string;
  brokerPort: number;
  otaPort: number;
  deviceUrl: string;
  dataDir: string;
  /** Everything the process printed so far (stdout + stderr). */
  output(): string;
  stop(): Promise<void>;
}

export interface ProductOptions {
  /** Extra `mep start` arguments (e.g. --meter-key, --device-key, --no-sim). */
  args?: string[];
  /** Reuse a data dir (restart tests); default a fresh one, removed on stop. */
  dataDir?: string;
  readyTimeoutMs?: number;
}

export async function startProduct(opts: ProductOptions = {}): Promise<Product> {
  const [panelPort, brokerPort, otaPort, devicePort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'mep-product-'));
  const args = [
    MEP, 'start',
    '--panel-port', String(panelPort), '--broker-port', String(brokerPort), '--ota-port', String(otaPort),
    '--device-http-port', String(devicePort), '--data-dir', dataDir, ...(opts.args ?? []),
  ];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d.toString()));
  child.stderr!.on('data', (d) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mep start did not get ready:\n${out}`)), opts.readyTimeoutMs ?? 60000);
    const check = (): void => {
      if (/MEP Bridge is running/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mep start exited with ${code}:\n${out}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    panelUrl: `http://127.0.0.1:${panelPort}`,
    brokerUrl: `mqtt://127.0.0.1:${brokerPort}`,
    brokerPort,
    otaPort,
    deviceUrl: `http://127.0.0.1:${devicePort}`,
    dataDir,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = (): void => {
          if (ownDir) rmSync(dataDir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        const kill = setTimeout(() => child.kill('SIGKILL'), 10000);
        child.once('exit', () => {
          clearTimeout(kill);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}
