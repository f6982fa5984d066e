// Firmware build: device/src/main.ts → dist/firmware.js, one minified iife for the Espruino interpreter, exactly per
// ../shared/docs/espruino.md checklist "Build" (§1.5), then the bundle check (tools/espruino-check) on the OUTPUT and
// the size budget. Run: `npx tsx device/build/build.ts [--board auto|esp32|esp32c3] [--out dist/firmware.js]`.
// Exits non-zero with one clear message per problem.
import { safeMemberNames } from './member-names';
import { build, BuildFailure } from 'esbuild';
import { createHash } from 'crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { dirname, join, relative } from 'path';
import { checkSource, formatViolation } from '../../tools/espruino-check';
import { BOARD_IDS } from '../src/hal/espruino/board';

export const REPO_ROOT = join(__dirname, '..', '..');
export const DEFAULT_OUT = join(REPO_ROOT, 'dist', 'firmware.js');
/** Size budget of the minified bundle. The firmware issue started at 80 KB; issue 4 adds the web pages and the update
 *  engine, and raises it consciously to 150 KB, the ceiling of espruino.md's checklist ("Build"). Why that is safe:
 *  the bundle is no longer uploaded into RAM but evaluated from a Storage slot by the boot loader, and code evaluated
 *  from Storage keeps function bodies in flash (espruino.md §2.2, measured ~6 JsVars per function instead of the
 *  whole source), so bytes cost flash (896 KB Storage: two slots of <= 150 KB plus staging fit) and the RAM cost
 *  follows the function count, bounded separately below. */
export const SIZE_BUDGET_BYTES = 150 * 1024;
/** Function budget. espruino.md's checklist plans ≤ ~600 functions ≈ 3.6 k JsVars (~6 vars per function evaluated
 *  from flash). With the web pages and the update engine the bundle has ~880; 950 ≈ 5.7 k vars is set knowingly
 *  ABOVE the 5 k-var planning figure for the whole app (checklist "Memory budget"), leaving ~3 k of a ~10 k-var
 *  WROOM free for requests and JSON only if the board really has ~10 k: confirm with process.memory() on a board.
 *  If it is short, evaluate rarely used parts (the OTA parsers, the setup page) from their own Storage files on
 *  demand instead of from the main slot. */
export const FUNCTION_BUDGET = 950;
/** Espruino's native modules (espruino.md §2.10): never bundled. */
export const NATIVE_MODULES = ['Storage', 'Wifi', 'http', 'net', 'dgram', 'tls', 'crypto', 'Flash', 'TelnetServer', 'fs', 'heatshrink', 'neopixel', 'timer'];
/** Directories whose files make up the firmware (for the build id and "is dist stale?"). */
export const SOURCE_DIRS = ['device/src', 'discovery', 'device/build', 'tools/espruino-check'];

export interface BuildOptions {
  board?: string;
  out?: string;
  entry?: string;
  /** Override the size budget (tests). */
  budgetBytes?: number;
  /** Override the function budget (tests). */
  budgetFunctions?: number;
}

export interface BuildResult {
  out: string;
  bytes: number;
  functions: number;
  version: string;
  buildId: string;
  board: string;
  sha256: string;
}

export class FirmwareBuildError extends Error {}

function walk(dir: string, out: string[]): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.(ts|mjs|js|json|html)$/.test(name)) out.push(path);
  }
  return out;
}

/** Every file the firmware is built from, plus package.json (the version). */
export function sourceFiles(): string[] {
  const files: string[] = [join(REPO_ROOT, 'package.json')];
  for (const d of SOURCE_DIRS) walk(join(REPO_ROOT, d), files);
  return files.sort();
}

/** Newest modification time of the sources, ms. */
export function newestSourceMtime(): number {
  return Math.max(...sourceFiles().map((f) => statSync(f).mtimeMs));
}

/** Deterministic id of the inputs: the same sources and board give the same id. */
function buildIdOf(board: string): string {
  const hash = createHash('sha256').update(board);
  for (const f of sourceFiles()) hash.update(relative(REPO_ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  return hash.digest('hex').slice(0, 12);
}

function mangleRegex(): RegExp | undefined {
  const names = safeMemberNames(REPO_ROOT);
  return names.length ? new RegExp(`^(${names.join('|')})$`) : undefined;
}

export async function buildFirmware(options: BuildOptions = {}): Promise<BuildResult> {
  const board = options.board ?? 'auto';
  if (!BOARD_IDS.includes(board)) throw new FirmwareBuildError(`unknown board "${board}" (use ${BOARD_IDS.join(', ')})`);
  const out = options.out ?? DEFAULT_OUT;
  const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const buildId = buildIdOf(board);
  let code: string;
  try {
    const result = await build({
      entryPoints: [options.entry ?? join(REPO_ROOT, 'device', 'src', 'main.ts')],
      bundle: true,
      write: false,
      outfile: out,
      // espruino.md §1.5 / checklist "Build":
      format: 'iife',
      platform: 'neutral',
      target: 'es2015',
      charset: 'utf8',
      minify: true,
      supported: {
        destructuring: false,
        'default-argument': false,
        'rest-argument': false,
        'array-spread': false,
        generator: false,
        'async-await': false,
        'async-generator': false,
        'for-await': false,
        'new-target': false,
        bigint: false,
      },
      external: NATIVE_MODULES,
      // es5 target in this tsconfig → useDefineForClassFields false: fields become constructor assignments (§1.5).
      tsconfig: join(REPO_ROOT, 'tsconfig.device.json'),
      define: {
        FIRMWARE_VERSION: JSON.stringify(version),
        MEP_BUILD_ID: JSON.stringify(buildId),
        MEP_BOARD: JSON.stringify(board),
      },
      legalComments: 'none',
      // Class members are renamed where that is provably safe (member-names.ts).
      mangleProps: mangleRegex(),
      logLevel: 'silent',
    });
    const file = result.outputFiles[0];
    if (!file) throw new FirmwareBuildError('esbuild produced no output');
    code = file.text;
  } catch (err) {
    if (err instanceof FirmwareBuildError) throw err;
    const errors = (err as BuildFailure).errors ?? [];
    const lines = errors.map((e) => `${e.location ? `${relative(REPO_ROOT, e.location.file)}:${e.location.line}:${e.location.column + 1}: ` : ''}${e.text}`);
    throw new FirmwareBuildError(`esbuild failed:\n  ${lines.join('\n  ') || (err as Error).message}`);
  }

  const check = checkSource(code, { objectSpread: 'reject' });
  if (check.violations.length > 0) {
    const lines = check.violations.map((v) => formatViolation(relative(REPO_ROOT, out), v));
    throw new FirmwareBuildError(`the bundle uses ${check.violations.length} thing(s) Espruino lacks (espruino.md):\n  ${lines.join('\n  ')}`);
  }
  const bytes = Buffer.byteLength(code, 'utf8');
  const budget = options.budgetBytes ?? SIZE_BUDGET_BYTES;
  if (bytes > budget) {
    throw new FirmwareBuildError(`the bundle is ${(bytes / 1024).toFixed(1)} KB (${check.functions} functions), over the ${(budget / 1024).toFixed(0)} KB budget`);
  }
  const functionBudget = options.budgetFunctions ?? (options.budgetBytes === Infinity ? Infinity : FUNCTION_BUDGET);
  if (check.functions > functionBudget) {
    throw new FirmwareBuildError(`the bundle has ${check.functions} functions, over the budget of ${functionBudget} (RAM: ~6 JsVars each)`);
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, code);
  const sha256 = createHash('sha256').update(code).digest('hex');
  const info = { version, buildId, board, bytes, functions: check.functions, sha256 };
  writeFileSync(out.replace(/\.js$/, '') + '.json', JSON.stringify(info, null, 2) + '\n');
  return { out, ...info };
}

function parseArgs(argv: string[]): BuildOptions {
  const options: BuildOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if ((arg === '--board' || arg === '--out') && value !== undefined) {
      if (arg === '--board') options.board = value;
      else options.out = value;
      i++;
    } else throw new FirmwareBuildError(`unknown argument "${arg}" (usage: build.ts [--board auto|esp32|esp32c3] [--out <file>])`);
  }
  return options;
}

if (require.main === module) {
  buildFirmware(parseArgs(process.argv.slice(2)))
    .then(async (r) => {
      process.stdout.write(
        `${relative(process.cwd(), r.out)}: ${r.bytes} bytes (${(r.bytes / 1024).toFixed(1)} of ${SIZE_BUDGET_BYTES / 1024} KB), ` +
          `${r.functions} of ${FUNCTION_BUDGET} functions, version ${r.version}, build ${r.buildId}, board ${r.board}\n`,
      );
      // Loaded lazily: artefacts.ts imports this module.
      const { buildArtefacts } = await import('./artefacts');
      const a = await buildArtefacts(r);
      process.stdout.write(`${relative(process.cwd(), a.boot.out)}: ${a.boot.bytes} bytes (boot loader, stored as .bootcde)\n`);
      process.stdout.write(`${relative(process.cwd(), a.bin.out)}: ${a.bin.bytes} bytes\n`);
      process.stdout.write(a.wwws ? `${relative(process.cwd(), a.wwws.out)}: ${a.wwws.bytes} bytes, ${a.wwws.files} files\n` : 'no device/www files: no update.wwws\n');
    })
    .catch((err: Error) => {
      process.stderr.write(`firmware build failed: ${err.message}\n`);
      process.exit(1);
    });
}
