// `tsx tools/espruino-check/cli.ts [--bundle] <file.js>…`: checks JavaScript files for constructs and APIs the Espruino
// interpreter lacks (../shared/docs/espruino.md). --bundle also rejects object spread (a bundle must have it lowered).
// Prints one line per violation (file:line:col) and exits 1 if there are any.
import { readFileSync } from 'fs';
import { checkSource, formatViolation } from './check';

function main(argv: string[]): number {
  const bundle = argv.includes('--bundle');
  const files = argv.filter((a) => a !== '--bundle');
  if (files.length === 0 || argv.includes('--help')) {
    process.stderr.write('usage: tsx tools/espruino-check/cli.ts [--bundle] <file.js>…\n');
    return 2;
  }
  let failed = 0;
  for (const file of files) {
    const { violations, functions } = checkSource(readFileSync(file, 'latin1'), { objectSpread: bundle ? 'reject' : 'allow' });
    for (const v of violations) process.stdout.write(formatViolation(file, v) + '\n');
    process.stderr.write(`${file}: ${violations.length} violation(s), ${functions} functions\n`);
    if (violations.length) failed++;
  }
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
