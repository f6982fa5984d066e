// Secrets for the `mep` commands (issue 11 attack 6): an MBK key or a broker password on the command line is visible
// to every user of the machine (`ps`, /proc/<pid>/cmdline) and npm prints the command it runs. So each secret can
// also come from a file (`--key-file <path>`, read once, a final newline dropped) or an environment variable
// (`MEP_KEY`, …), and the command line form still works but warns. Values are never echoed: errors name the flag,
// the file or the variable, never the content.
import { readFileSync, statSync } from 'fs';
import { UsageError } from './usage';

export interface SecretSource {
  /** The inline flag, e.g. 'key' (--key <value>). */
  flag: string;
  /** The file flag, e.g. 'key-file'. */
  fileFlag: string;
  /** The environment variable, e.g. 'MEP_KEY'. */
  env: string;
}

/** The MBK of `mep frame`, `mep read`, `mep sim`, `mep device`. */
export const KEY: SecretSource = { flag: 'key', fileFlag: 'key-file', env: 'MEP_KEY' };

/** parseArgs options for the inline and file flags of `sources`. */
export function secretOptions(...sources: SecretSource[]): { [name: string]: { type: 'string' } } {
  const out: { [name: string]: { type: 'string' } } = {};
  for (const s of sources) {
    out[s.flag] = { type: 'string' };
    out[s.fileFlag] = { type: 'string' };
  }
  return out;
}

/** Reads a secret file: its text without a final newline. Warns when others may read it. */
export function readSecretFile(path: string, flag: string, warn: (line: string) => void = stderrWarning): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
    if ((statSync(path).mode & 0o077) !== 0 && process.platform !== 'win32') {
      warn(`${path} (--${flag}) can be read by other users of this computer: chmod 600 it`);
    }
  } catch (err) {
    throw new UsageError(`--${flag}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const value = text.replace(/\r?\n$/, '');
  if (value === '') throw new UsageError(`--${flag}: ${path} is empty`);
  if (value.indexOf('\n') >= 0) throw new UsageError(`--${flag}: ${path} must hold the secret on one line`);
  return value;
}

function stderrWarning(line: string): void {
  process.stderr.write(`mep: warning: ${line}\n`);
}

/** The secret from --<fileFlag>, else $<env>, else --<flag> (with a warning unless `quietInline`: the hardware
 *  bring-up commands keep their output as it was), else undefined. Giving two of them is a usage error. */
export function secretValue(
  values: { [name: string]: unknown },
  source: SecretSource,
  env: NodeJS.ProcessEnv = process.env,
  warn: (line: string) => void = stderrWarning,
  quietInline = false,
): string | undefined {
  const inline = typeof values[source.flag] === 'string' ? (values[source.flag] as string) : undefined;
  const file = typeof values[source.fileFlag] === 'string' ? (values[source.fileFlag] as string) : undefined;
  const fromEnv = env[source.env] !== undefined && env[source.env] !== '' ? env[source.env] : undefined;
  const given = [inline !== undefined, file !== undefined, fromEnv !== undefined].filter(Boolean).length;
  if (given > 1) throw new UsageError(`give the secret once: --${source.flag}, --${source.fileFlag} or ${source.env}`);
  if (file !== undefined) return readSecretFile(file, source.fileFlag, warn);
  if (fromEnv !== undefined) return fromEnv;
  if (inline !== undefined && !quietInline) {
    warn(`--${source.flag} on the command line can be seen by other users (ps); use --${source.fileFlag} <file> or ${source.env}`);
  }
  return inline;
}

/** A broker URL whose password is taken from --broker-password-file or $MEP_BROKER_PASSWORD when the URL has none
 *  (mqtt://user@host:1883). A password in the URL still works, with a warning. */
export const BROKER_PASSWORD: SecretSource = { flag: 'broker-password', fileFlag: 'broker-password-file', env: 'MEP_BROKER_PASSWORD' };

export function brokerPasswordFor(
  urlPassword: string,
  values: { [name: string]: unknown },
  env: NodeJS.ProcessEnv = process.env,
  warn: (line: string) => void = stderrWarning,
): string {
  const separate = secretValue({ ...values, [BROKER_PASSWORD.flag]: undefined }, BROKER_PASSWORD, env, warn);
  if (urlPassword !== '' && separate !== undefined) throw new UsageError(`give the broker password once: in --broker or with --broker-password-file / ${BROKER_PASSWORD.env}`);
  if (urlPassword !== '') warn(`a password in --broker can be seen by other users (ps); use --broker-password-file <file> or ${BROKER_PASSWORD.env}`);
  return separate ?? urlPassword;
}
