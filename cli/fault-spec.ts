// Parses the simulator's --faults list: comma-separated name[=value] items, e.g.
// "garbage=0.1,chunking=1-8,delay=300,seqbump=0.05,busy=0.1,bt23-full-unsupported".
import type { FaultOptions } from '../device/sim/meter-sim/faults';
import { UsageError } from './usage';

type Setter = (value: string | undefined, out: Partial<FaultOptions>) => void;

function probability(name: string, key: keyof FaultOptions): Setter {
  return (value, out) => {
    const p = value === undefined ? 1 : Number(value);
    if (!(p >= 0 && p <= 1)) throw new UsageError(`fault ${name} takes a probability from 0 to 1`);
    (out as Record<string, unknown>)[key] = p;
  };
}

function milliseconds(name: string, key: keyof FaultOptions): Setter {
  return (value, out) => {
    const ms = Number(value);
    if (value === undefined || !Number.isInteger(ms) || ms < 0 || ms > 600000) throw new UsageError(`fault ${name} takes a delay in ms`);
    (out as Record<string, unknown>)[key] = ms;
  };
}

const FAULTS: Record<string, { help: string; set: Setter }> = {
  silence: { help: 'answer nothing', set: (_v, o) => (o.silence = true) },
  drop: { help: 'lose requests (probability)', set: probability('drop', 'dropReplyProbability') },
  'drop-execute': { help: 'execute but lose the reply (probability)', set: probability('drop-execute', 'dropReplyButExecuteProbability') },
  corrupt: { help: 'flip a bit in a reply (probability)', set: probability('corrupt', 'corruptProbability') },
  truncate: { help: 'cut replies short (probability)', set: probability('truncate', 'truncateProbability') },
  garbage: { help: 'noise bytes before replies (probability)', set: probability('garbage', 'garbageProbability') },
  late: { help: 'replies after the client timeout (probability)', set: probability('late', 'lateReplyProbability') },
  delay: { help: 'extra delay before every reply (ms)', set: milliseconds('delay', 'delayMs') },
  seqbump: { help: 'uplink busy: bursts of 0x0C (probability)', set: probability('seqbump', 'seqBumpProbability') },
  busy: { help: 'answer 0x06 busy (probability)', set: probability('busy', 'replyCodeProbability') },
  'bt23-full-unsupported': { help: 'refuse full BT23 reads (Gen-4)', set: (_v, o) => (o.fullBt23Unsupported = true) },
  alerts: { help: 'alert 00 00 next to replies (probability)', set: probability('alerts', 'alertWithReplyProbability') },
  chunking: {
    help: 'split replies into MIN-MAX byte chunks',
    set: (value, out) => {
      const m = /^(\d+)-(\d+)$/.exec(value ?? '');
      const min = Number(m?.[1]);
      const max = Number(m?.[2]);
      if (!m || min < 1 || max < min) throw new UsageError('fault chunking takes MIN-MAX, e.g. chunking=1-8');
      out.chunking = { minBytes: min, maxBytes: max };
    },
  },
};

export const FAULT_HELP = Object.entries(FAULTS)
  .map(([name, f]) => `  ${name.padEnd(22)} ${f.help}`)
  .join('\n');

export function parseFaults(spec: string | undefined): Partial<FaultOptions> {
  const out: Partial<FaultOptions> = {};
  if (!spec) return out;
  for (const item of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    const fault = FAULTS[name];
    if (!fault) throw new UsageError(`unknown fault "${name}" (known: ${Object.keys(FAULTS).join(', ')})`);
    fault.set(eq < 0 ? undefined : item.slice(eq + 1), out);
  }
  return out;
}
