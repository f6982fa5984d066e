// Starts broker-runner.ts in a child process (node --import tsx: one process, no npx wrapper to orphan it) and stops it; the log it wrote is kept for assertions.
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Options } from '../../../addon/src/options/types';
import { RunMode } from '../../../addon/src/broker/choice';
import { MeterView } from '../../../addon/src/backend';

export interface RunnerInfo {
  kind: 'embedded' | 'external';
  port: number | null;
  describe: string;
}

export interface RunningBroker extends RunnerInfo {
  /** Everything the add-on logged so far. */
  log(): string;
  stop(): Promise<number | null>;
  /** Still running (did not crash). */
  alive(): boolean;
  /** The add-on's meter registry (runner started withRegistry). */
  meters(): Promise<MeterView[]>;
}

const ROOT = join(__dirname, '..', '..', '..');

export function baseOptions(over: Partial<Options> = {}): Options {
  return {
    log_level: 'debug',
    mqtt: {},
    embedded_broker: { port: 0 },
    ota: { port: 8100 },
    offline_notify_minutes: 30,
    ...over,
  };
}

export function startRunner(config: {
  options: Options;
  mode: RunMode;
  dataDir: string;
  supervisor?: { url?: string; token?: string };
  withRegistry?: boolean;
  paired?: { [deviceId: string]: string };
}): Promise<RunningBroker> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'broker-runner.ts'), JSON.stringify({ supervisor: {}, ...config })], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`runner not ready within 20 s: ${err}`));
    }, 20000);
    const early = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`runner exited (${code}) before ready: ${err}`));
    };
    child.once('exit', early);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line || !out.includes('\n')) return;
      clearTimeout(timer);
      child.off('exit', early);
      const info = JSON.parse(line) as RunnerInfo;
      resolve({
        ...info,
        log: () => err,
        alive: () => child.exitCode === null && child.signalCode === null,
        meters: () =>
          new Promise((resolveMeters) => {
            const onData = (b: Buffer): void => {
              const line = b.toString().split('\n').find((l) => l.startsWith('{"meters"'));
              if (!line) return;
              child.stdout!.off('data', onData);
              resolveMeters((JSON.parse(line) as { meters: MeterView[] }).meters);
            };
            child.stdout!.on('data', onData);
            child.stdin!.write('list\n');
          }),
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.stdin!.write('stop\n');
          const timeout = setTimeout(() => child.kill('SIGKILL'), 10000);
          const code = await exited;
          clearTimeout(timeout);
          return code;
        },
      });
    });
  });
}
