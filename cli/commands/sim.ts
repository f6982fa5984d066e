// mep sim: the meter simulator on a TCP port, on stdin/stdout, or on a serial device (a USB-serial adapter, or one
// end of a pseudo-terminal pair, so real hardware or another interpreter can talk to it).
import { MeterSimulator } from '../../device/sim/meter-sim/meter';
import { serveTcp } from '../../device/sim/meter-sim/transport-tcp';
import { attachStdio } from '../../device/sim/meter-sim/transport-stdio';
import { attachSerial } from '../../device/sim/meter-sim/transport-serial';
import type { ProfileName } from '../../device/sim/meter-sim/profiles';
import { GUIDE_PROFILE_NAMES } from '../../device/sim/meter-sim/profiles-guide';

const PROFILE_NAMES: ProfileName[] = ['three-phase', 'one-phase', ...GUIDE_PROFILE_NAMES];
import { parseMbk } from '../../device/src/meter/key';
import { FAULT_NAMES, parseFaultSpec } from '../../device/sim/meter-sim/fault-spec';
import type { FaultOptions } from '../../device/sim/meter-sim/faults';
import { KEY, secretOptions, secretValue } from '../secrets';
import { integerArg, parseCommandLine, UsageError } from '../usage';

/** The key of the synthetic vectors in ../shared/vectors: fine for a simulator, never a real meter's key. */
export const DEMO_KEY = 'ABCDEFGHIJKLMNOPQRST';

const HELP = `mep sim [--tcp <port> | --stdio | --serial <path>] [--host <addr>] [--key-file <file> | --key <MBK>] [--profile <profile>]
        [--faults <list>] [--pacing realtime|instant] [--speed <factor>] [--alert-every <ms>] [--seq <n>] [--seed <n>]
        [--seq-mode window|at-least|strict] [--reply-digest guide|zeros|random] [--solar <peak W>] [--bt21 A|B]
        [--verbose]

A simulated meter (default: tcp port 7000 on 127.0.0.1, key ${DEMO_KEY}, real 9600-baud pacing: 117-byte reply
segments with 25-ms pauses, a request closer than 100 ms after the previous reply answered late, guide p. 21).
--profile: ${PROFILE_NAMES.join(', ')}: ct-10wh is a CT meter counting energy in 10 Wh (ET55), gen4-mep2 a Gen 4
  meter with the client on its second MEP port (ET70 offset 142 = 2), watchdog a meter whose health monitor marks the
  client down and latches an alarm after 60 s without a request (ET51, ET14).
--speed: simulated seconds per real second for the load model (energy registers grow faster).
--faults: name=value items separated by commas, e.g. garbageProbability=0.1,chunking=1-8,replyCodes=6/11,silence
  names: ${FAULT_NAMES.join(', ')}
--verbose: one line per request on stderr. Signals: SIGUSR1 raises an alert (00 00), SIGUSR2 toggles ENABLE.`;

/** --faults text → fault options; mistakes are usage errors. */
export function parseFaults(spec: string | undefined): Partial<FaultOptions> {
  if (!spec) return {};
  try {
    return parseFaultSpec(spec);
  } catch (err) {
    throw new UsageError(`--faults: ${(err as Error).message}`);
  }
}

export interface SimSettings {
  key: string;
  profile: ProfileName;
  pacing: 'realtime' | 'instant';
  timeScale: number;
  alertIntervalMs?: number;
  initialSeq?: number;
  seed?: number;
  faults: Partial<FaultOptions>;
  seqMode?: 'window' | 'at-least' | 'strict';
  replyDigest?: 'guide' | 'zeros' | 'random';
  solarPeakW?: number;
  bt21Variant?: 'A' | 'B';
}

export function createSim(s: SimSettings): MeterSimulator {
  return new MeterSimulator({
    key: s.key,
    profile: s.profile,
    pacing: s.pacing,
    timeScale: s.timeScale,
    alertIntervalMs: s.alertIntervalMs,
    initialSeq: s.initialSeq,
    seed: s.seed,
    faults: s.faults,
    seqMode: s.seqMode,
    replyDigest: s.replyDigest,
    bt21Variant: s.bt21Variant,
    physics: s.solarPeakW === undefined ? undefined : { solarPeakW: s.solarPeakW },
  });
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}`);
  return value as T;
}

export async function simCommand(argv: string[]): Promise<void> {
  const { values } = parseCommandLine(
    argv,
    {
      tcp: { type: 'string' },
      host: { type: 'string' },
      stdio: { type: 'boolean' },
      serial: { type: 'string' },
      ...secretOptions(KEY),
      profile: { type: 'string' },
      faults: { type: 'string' },
      pacing: { type: 'string' },
      speed: { type: 'string' },
      'alert-every': { type: 'string' },
      seq: { type: 'string' },
      seed: { type: 'string' },
      'seq-mode': { type: 'string' },
      'reply-digest': { type: 'string' },
      solar: { type: 'string' },
      bt21: { type: 'string' },
      verbose: { type: 'boolean' },
    },
    HELP,
  );
  const transports = [values.tcp !== undefined, !!values.stdio, values.serial !== undefined].filter(Boolean).length;
  if (transports > 1) throw new UsageError('choose one of --tcp, --stdio, --serial');
  const givenKey = secretValue(values, KEY, process.env, undefined, true);
  const key = givenKey ?? DEMO_KEY;
  const parsed = parseMbk(key);
  if (!parsed.ok) throw new UsageError(parsed.message);
  const profile = (values.profile ?? 'three-phase') as ProfileName;
  if (!PROFILE_NAMES.includes(profile)) throw new UsageError(`--profile must be one of ${PROFILE_NAMES.join(', ')}`);
  const pacing = (values.pacing ?? 'realtime') as 'realtime' | 'instant';
  if (pacing !== 'realtime' && pacing !== 'instant') throw new UsageError('--pacing must be realtime or instant');
  const speed = values.speed === undefined ? 1 : Number(values.speed);
  if (!(speed > 0 && speed <= 100000)) throw new UsageError('--speed must be a number above 0');
  const sim = createSim({
    key,
    profile,
    pacing,
    timeScale: speed,
    alertIntervalMs: values['alert-every'] === undefined ? undefined : integerArg(values['alert-every'], '--alert-every', 86400000),
    initialSeq: values.seq === undefined ? undefined : integerArg(values.seq, '--seq', 0xffffffff),
    seed: values.seed === undefined ? undefined : integerArg(values.seed, '--seed', 0xffffffff),
    faults: parseFaults(values.faults),
    seqMode: oneOf(values['seq-mode'], ['window', 'at-least', 'strict'] as const, '--seq-mode'),
    replyDigest: oneOf(values['reply-digest'], ['guide', 'zeros', 'random'] as const, '--reply-digest'),
    solarPeakW: values.solar === undefined ? undefined : integerArg(values.solar, '--solar', 100000),
    bt21Variant: oneOf(values.bt21, ['A', 'B'] as const, '--bt21'),
  });
  if (values.verbose) {
    sim.on('request', (r: { seq: number; apdu: Uint8Array; outcome: string; status: number | null }) =>
      process.stderr.write(`mep sim: seq ${r.seq} cmd 0x${(r.apdu[0] ?? 0).toString(16)} -> ${r.outcome}${r.status === null ? '' : ` status 0x${r.status.toString(16).padStart(2, '0')}`}\n`),
    );
  }
  process.on('SIGUSR1', () => sim.alert('now'));
  process.on('SIGUSR2', () => {
    sim.setEnabled(!sim.enabled);
    process.stderr.write(`mep sim: ENABLE ${sim.enabled ? 'on' : 'off'}\n`);
  });
  let close: () => Promise<void> | void;
  if (values.stdio) {
    close = attachStdio(sim).close;
    process.stderr.write('mep sim: meter on stdin/stdout\n');
  } else if (values.serial !== undefined) {
    const handle = await attachSerial(sim, values.serial).catch((err: Error) => {
      throw new Error(`cannot open serial port ${values.serial}: ${err.message}`);
    });
    close = handle.close;
    process.stderr.write(`mep sim: meter on serial port ${values.serial} (9600 8N1)\n`);
  } else {
    const port = values.tcp === undefined ? 7000 : integerArg(values.tcp, '--tcp', 65535);
    const handle = await serveTcp(sim, port, values.host ?? '127.0.0.1').catch((err: Error) => {
      throw new Error(`cannot listen on port ${port}: ${err.message}`);
    });
    close = handle.close;
    process.stderr.write(`mep sim: ${profile} meter on tcp://${handle.host}:${handle.port}${givenKey ? '' : ` (demo key ${DEMO_KEY})`}\n`);
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await close();
  sim.close();
}
