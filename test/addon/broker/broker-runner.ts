// Runs the add-on's BrokerService in its own process (aedes is ESM-only: jest cannot load it, tsx can), for
// broker-service.test.ts. Started as `npx tsx broker-runner.ts '<json config>'`. Prints one JSON line on stdout
// when ready ({ready, kind, port, describe}); the log goes to stderr. "stop\n" on stdin stops it cleanly (retained
// messages flushed) and exits 0.
import { EventBus } from '../../../addon/src/bus';
import { BrokerService } from '../../../addon/src/broker/broker-service';
import { RunMode } from '../../../addon/src/broker/choice';
import { createLogger } from '../../../addon/src/log';
import { Options } from '../../../addon/src/options/types';

interface RunnerConfig {
  options: Options;
  mode: RunMode;
  dataDir: string;
  supervisor: { url?: string; token?: string };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as RunnerConfig;
  const logger = createLogger('debug', 'broker', (line) => process.stderr.write(line + '\n'));
  const bus = new EventBus((m) => logger.error(m));
  const service = new BrokerService({ ...config, bus, logger, firstConnectTimeoutMs: 3000 });
  await service.start();
  process.stdout.write(
    JSON.stringify({ ready: true, kind: service.link.kind, port: service.embeddedPort, describe: service.describe() }) + '\n',
  );
  let stopping = false;
  process.stdin.on('data', (chunk: Buffer) => {
    if (stopping || !chunk.toString().includes('stop')) return;
    stopping = true;
    service.stop().then(() => process.exit(0), () => process.exit(1));
  });
}

main().catch((err: Error) => {
  process.stderr.write(`runner failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
