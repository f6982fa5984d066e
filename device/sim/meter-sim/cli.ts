// Command-line entry: `npx tsx device/sim/meter-sim/cli.ts --key <MBK> (--tcp <port> | --stdio | --serial <path>)`.
// Logs go to stderr only (stdout is the meter's line in --stdio mode). SIGUSR1 raises an alert (spec §13),
// SIGUSR2 toggles the ENABLE line (spec §2).
import { parseArgs } from 'util';
import { parseFaultSpec } from './fault-spec';
import { MeterSimulator } from './meter';
import type { MeterSimulatorOptions } from './options';
import { REPLY_DIGEST_MODES, type ReplyDigestMode } from './reply';
import { attachSerial } from './transport-serial';
import { attachStdio } from './transport-stdio';
import { serveTcp } from './transport-tcp';

export const CLI_USAGE = `meter-sim --key <MBK> (--tcp <port> [--host <ip>] | --stdio | --serial <path> [--baud 9600])
  [--profile three-phase|one-phase] [--variant A|B] [--frozen] [--seed <n>] [--seq <n>] [--strict-seq]
  [--digest H1|H2|H3|H4a|H4b|zeros|random] [--realtime] [--turnaround <ms>] [--time-scale <x>] [--solar <W>]
  [--alert-every <ms>] [--faults "<name[=value]> ..."] [--port-disabled]
The key may also come from the environment variable MEP_SIM_KEY.`;

export interface CliConfig {
  options: MeterSimulatorOptions;
  transport: { kind: 'tcp'; port: number; host: string } | { kind: 'stdio' } | { kind: 'serial'; path: string; baud: number };
}

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = v.toLowerCase().startsWith('0x') ? parseInt(v, 16) : Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name}: '${v}' is not a number`);
  return n;
}

export function parseCliArgs(argv: string[], env: { [k: string]: string | undefined } = process.env): CliConfig {
  const { values: a } = parseArgs({
    args: argv,
    strict: true,
    options: {
      key: { type: 'string' }, tcp: { type: 'string' }, host: { type: 'string' }, stdio: { type: 'boolean' },
      serial: { type: 'string' }, baud: { type: 'string' }, profile: { type: 'string' }, variant: { type: 'string' },
      frozen: { type: 'boolean' }, seed: { type: 'string' }, seq: { type: 'string' }, 'strict-seq': { type: 'boolean' },
      digest: { type: 'string' }, realtime: { type: 'boolean' }, turnaround: { type: 'string' },
      'time-scale': { type: 'string' }, solar: { type: 'string' }, 'alert-every': { type: 'string' },
      faults: { type: 'string' }, 'port-disabled': { type: 'boolean' },
    },
  });
  const key = a.key ?? env.MEP_SIM_KEY;
  if (!key) throw new Error('no key: pass --key or set MEP_SIM_KEY');
  const digest = (a.digest ?? 'H1') as ReplyDigestMode;
  if (!REPLY_DIGEST_MODES.includes(digest)) throw new Error(`--digest must be one of ${REPLY_DIGEST_MODES.join(', ')}`);
  if (a.profile && a.profile !== 'three-phase' && a.profile !== 'one-phase') throw new Error('--profile: three-phase or one-phase');
  if (a.variant && a.variant !== 'A' && a.variant !== 'B') throw new Error('--variant: A or B');
  const chosen = [a.tcp !== undefined, !!a.stdio, a.serial !== undefined].filter(Boolean).length;
  if (chosen !== 1) throw new Error('choose exactly one of --tcp, --stdio, --serial');
  const solar = int('solar', a.solar);
  const options: MeterSimulatorOptions = {
    key,
    profile: a.profile as MeterSimulatorOptions['profile'],
    bt21Variant: a.variant as MeterSimulatorOptions['bt21Variant'],
    values: a.frozen ? 'frozen' : 'live',
    seed: int('seed', a.seed),
    initialSeq: int('seq', a.seq),
    seqMode: a['strict-seq'] ? 'strict' : 'at-least',
    replyDigest: digest,
    pacing: a.realtime ? 'realtime' : 'instant',
    turnaroundMs: int('turnaround', a.turnaround),
    timeScale: int('time-scale', a['time-scale']),
    physics: solar === undefined ? undefined : { solarPeakW: solar },
    alertIntervalMs: int('alert-every', a['alert-every']),
    faults: a.faults ? parseFaultSpec(a.faults) : undefined,
    mepPortDisabled: !!a['port-disabled'],
    baudRate: int('baud', a.baud),
  };
  const transport: CliConfig['transport'] =
    a.tcp !== undefined
      ? { kind: 'tcp', port: int('tcp', a.tcp) ?? 0, host: a.host ?? '127.0.0.1' }
      : a.serial !== undefined
        ? { kind: 'serial', path: a.serial, baud: int('baud', a.baud) ?? 9600 }
        : { kind: 'stdio' };
  return { options, transport };
}

export async function runCli(argv: string[]): Promise<{ sim: MeterSimulator; close: () => Promise<void> }> {
  const { options, transport } = parseCliArgs(argv);
  const log = (line: string): void => void process.stderr.write(`meter-sim: ${line}\n`);
  const sim = new MeterSimulator(options);
  sim.on('request', (r) => log(`seq ${r.seq >>> 0} cmd 0x${(r.apdu[0] ?? 0).toString(16)} -> ${r.outcome}` +
    (r.status === null ? '' : ` status 0x${r.status.toString(16).padStart(2, '0')}`) + (r.sent ? '' : ' (no reply)')));
  sim.on('fault', (name) => log(`fault ${name}`));
  sim.on('alert', () => log('alert 00 00'));
  let close: () => Promise<void>;
  if (transport.kind === 'tcp') {
    const h = await serveTcp(sim, transport.port, transport.host);
    log(`listening on tcp://${h.host}:${h.port} (one client at a time)`);
    close = h.close;
  } else if (transport.kind === 'serial') {
    const h = await attachSerial(sim, transport.path, { baudRate: transport.baud });
    log(`serial ${transport.path} @ ${transport.baud} 8N1`);
    close = h.close;
  } else {
    const h = attachStdio(sim);
    close = async () => h.close();
    process.stdin.once('end', () => {
      log('stdin closed');
      // Send what is still queued, then nothing keeps the process alive.
      void sim.drain().then(() => {
        h.close();
        sim.close();
      });
    });
  }
  log(`profile ${sim.profile.name}, expecting seq ${sim.expectedSeq}; SIGUSR1 = alert, SIGUSR2 = toggle ENABLE`);
  process.on('SIGUSR1', () => sim.alert('now'));
  process.on('SIGUSR2', () => {
    sim.setEnabled(!sim.enabled);
    log(`ENABLE ${sim.enabled ? 'on' : 'off'}`);
  });
  return { sim, close: async () => (await close(), sim.close()) };
}

if (require.main === module && (process.argv.includes('--help') || process.argv.includes('-h'))) {
  process.stderr.write(CLI_USAGE + '\n');
} else if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (h) => {
      const stop = (): void => void h.close().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (err: unknown) => {
      process.stderr.write(`meter-sim: ${err instanceof Error ? err.message : String(err)}\n${CLI_USAGE}\n`);
      process.exit(2);
    },
  );
}
