// Argument helpers shared by the `mep` commands, on top of node:util parseArgs.
import { parseArgs, ParseArgsConfig } from 'util';
import { readFileSync } from 'fs';
import { fromHex } from '../device/src/meter/bytes';
import { parseMbk } from '../device/src/meter/key';
import { parseTableId } from '../device/src/meter/table-ids';

/** A mistake in how the command was called (exit code 2). */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandLine<T extends Options>(argv: string[], options: T, help: string) {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(help + '\n');
    process.exit(0);
  }
  try {
    return parseArgs({ args: argv, options, allowPositionals: true as const, strict: true as const });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0] as string);
  }
}

export function requireString(value: unknown, flag: string): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`${flag} is required`);
  return value;
}

export function tableArg(text: string): number {
  const id = parseTableId(text);
  if (id === null) throw new UsageError(`"${text}" is not a table (use BT28, ET13, 28 or 0x080d)`);
  return id;
}

export function integerArg(text: string | undefined, flag: string, max: number): number {
  const n = Number(text);
  if (text === undefined || text === '' || !Number.isInteger(n) || n < 0 || n > max) {
    throw new UsageError(`${flag} must be a whole number from 0 to ${max}`);
  }
  return n;
}

/** Hex given inline or as @file (the file holds hex text). */
export function hexArg(text: string, what: string): Uint8Array {
  let source = text;
  if (text.startsWith('@')) {
    try {
      source = readFileSync(text.slice(1), 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read ${what} file ${text.slice(1)}: ${(err as NodeJS.ErrnoException).code}`);
    }
  }
  const bytes = fromHex(source.trim());
  if (!bytes) throw new UsageError(`${what} is not hex (pairs of 0-9/a-f digits)`);
  return bytes;
}

/** The digest key from --key; the error never repeats the key. */
export function keyArg(text: unknown): Uint8Array {
  const result = parseMbk(requireString(text, '--key'));
  if (!result.ok) throw new UsageError(result.message);
  for (const w of result.warnings) process.stderr.write(`mep: warning: ${w}\n`);
  return result.digestKey;
}

/** JSON with byte arrays as hex strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v),
    2,
  );
}
