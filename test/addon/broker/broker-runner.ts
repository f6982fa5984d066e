// Runs the add-on's BrokerService in its own process (aedes is ESM-only: jest cannot load it, tsx can), for
// the broker tests. Started as `node --import tsx broker-runner.ts '<json config>'`. Prints one JSON line on stdout
// when ready ({ready, kind, port, describe}); the log goes to stderr. Lines on stdin: "list" prints the meter
// registry (started on the add-on's link when `withRegistry`) as {meters: MeterView[]}; "stop" stops cleanly
// (retained messages flushed) and exits 0.
import { EventBus } from '../../../addon/src/bus';
import { BrokerService } from '../../../addon/src/broker/broker-service';
import { RunMode } from '../../../addon/src/broker/choice';
import { createLogger } from '../../../addon/src/log';
import { MeterRegistryService } from '../../../addon/src/meters/registry-service';
import { Options } from '../../../addon/src/options/types';
import { SecretStore } from '../../../addon/src/pairing/secret-store';

interface RunnerConfig {
  options: Options;
  mode: RunMode;
  dataDir: string;
  supervisor: { url?: string; token?: string };
  withRegistry?: boolean;
  /** Modules paired before start: device id -> secret (64 hex digits), kept in dataDir/pairing.json. */
  paired?: { [deviceId: string]: string };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as RunnerConfig;
  const logger = createLogger('debug', 'broker', (line) => process.stderr.write(line + '\n'));
  const bus = new EventBus((m) => logger.error(m));
  const pairing = new SecretStore(SecretStore.fileIn(config.dataDir));
  for (const [id, secret] of Object.entries(config.paired ?? {})) pairing.pair(id, Buffer.from(secret, 'hex'));
  const service = new BrokerService({ ...config, bus, logger, pairing, firstConnectTimeoutMs: 3000 });
  await service.start();
  const registry = config.withRegistry ? new MeterRegistryService({ bus, link: service.link, logger }) : null;
  await registry?.start();
  process.stdout.write(
    JSON.stringify({ ready: true, kind: service.link.kind, port: service.embeddedPort, describe: service.describe() }) + '\n',
  );
  let stopping = false;
  let pending = '';
  process.stdin.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === 'list') process.stdout.write(JSON.stringify({ meters: registry ? registry.list() : [] }) + '\n');
      if (line.trim() !== 'stop' || stopping) continue;
      stopping = true;
      Promise.all([registry?.stop(), service.stop()]).then(() => process.exit(0), () => process.exit(1));
    }
  });
}

main().catch((err: Error) => {
  process.stderr.write(`runner failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
