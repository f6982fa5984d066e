// mep inspect: reads an update package as the device would (its parsers, 536-byte chunks) and prints the header,
// files, sizes, hashes and verdicts. Exit 1 when it does not verify. A legacy text .wwws (mep-protocol.md §16) has
// nothing to verify: it is reported as such and exits 0, because the device installs it.
import { readFileSync } from 'fs';
import { formatReport, inspectPackage } from '../../ota/inspect';
import { parseCommandLine, UsageError } from '../usage';

const HELP = `mep inspect <file.bin | file.wwws> [--json]

Detects the format by its magic (.bin firmware package, .wwws web bundle format 2, or the legacy text .wwws),
prints the header and files with their sizes and SHA-256, and whether each verifies. Exit code 1 when it does not.`;

export async function inspectCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(argv, { json: { type: 'boolean' } }, HELP);
  if (positionals.length !== 1) throw new UsageError('give exactly one package file');
  const path = positionals[0] as string;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code}`);
  }
  const report = inspectPackage(bytes);
  process.stdout.write((values.json ? JSON.stringify({ file: path, ...report }, null, 2) : formatReport(path, report)) + '\n');
  if (report.error) throw new Error(`${path} does not verify: ${report.error.message} (offset ${report.error.offset})`);
  if (report.warnings.length > 0) throw new Error(`${path} does not verify: ${report.warnings[0]}`);
}
