// Text form of FaultOptions for command lines: comma- or space-separated `name[=value]` items, e.g.
//   "dropReplyProbability=0.1 chunking=1-8 replyCodes=6/11 silence"
// Booleans may omit the value; chunking is min-max; replyCodes is a '/'-separated list (decimal or 0x..).
import { DEFAULT_FAULTS, normalizeFaults, type FaultOptions } from './faults';

export const FAULT_NAMES = Object.keys(DEFAULT_FAULTS) as (keyof FaultOptions)[];

function num(name: string, text: string): number {
  const v = text.toLowerCase().startsWith('0x') ? parseInt(text, 16) : Number(text);
  if (!Number.isFinite(v)) throw new Error(`fault ${name}: '${text}' is not a number`);
  return v;
}

export function parseFaultSpec(spec: string): Partial<FaultOptions> {
  const out: { [k: string]: unknown } = {};
  for (const item of spec.split(/[\s,]+/).filter(Boolean)) {
    const eq = item.indexOf('=');
    const name = (eq < 0 ? item : item.slice(0, eq)) as keyof FaultOptions;
    const value = eq < 0 ? undefined : item.slice(eq + 1);
    if (!FAULT_NAMES.includes(name)) throw new Error(`unknown fault '${name}' (known: ${FAULT_NAMES.join(', ')})`);
    const kind = typeof DEFAULT_FAULTS[name];
    if (name === 'chunking') {
      if (value === undefined || value === 'off') out[name] = value === 'off' ? null : { minBytes: 1, maxBytes: 16 };
      else {
        const [a, b] = value.split('-');
        out[name] = { minBytes: num(name, a ?? ''), maxBytes: num(name, b ?? a ?? '') };
      }
    } else if (name === 'replyCodes') {
      out[name] = (value ?? '').split('/').filter(Boolean).map((c) => num(name, c));
    } else if (kind === 'boolean') {
      out[name] = value === undefined || value === 'true' || value === '1';
    } else {
      if (value === undefined) throw new Error(`fault ${name} needs a value (${name}=...)`);
      out[name] = num(name, value);
    }
  }
  const partial = out as Partial<FaultOptions>;
  normalizeFaults(partial); // validate now, with a clear message
  return partial;
}
