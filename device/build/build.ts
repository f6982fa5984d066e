// Firmware build: device/src/main.ts → dist/firmware.js, one minified iife for the Espruino interpreter, exactly per
// ../shared/docs/espruino.md checklist "Build" (§1.5), then the bundle check (tools/espruino-check) on the OUTPUT and
// the size budget. Run: `npx tsx device/build/build.ts [--board auto|esp32|esp32c3] [--out dist/firmware.js]`.
// Exits non-zero with one clear message per problem.
import { safeMemberNames } from './member-names';
import { build, BuildFailure, Plugin } from 'esbuild';
import { createHash } from 'crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { dirname, join, relative } from 'path';
import { checkSource, formatViolation, ITERATOR_METHODS, MISSING_METHODS } from '../../tools/espruino-check';
import { BOARD_IDS } from '../src/hal/espruino/board';
import { globalCollisions } from './top-level-names';
import { LAZY_MODULES, MODULE_TABLE_PLACEHOLDER, moduleEntrySource, SLOT_DATA } from './modules';
import { SHARED_GLOBAL, sharedImports, sharedNamesUsed } from './shared-imports';

export const REPO_ROOT = join(__dirname, '..', '..');
export const DEFAULT_OUT = join(REPO_ROOT, 'dist', 'firmware.js');
/** Size budget of the slot file (resident core + lazy modules). Bytes cost flash, not RAM: the slot is evaluated from
 *  Storage, function bodies stay in flash (espruino.md §2.2), and the lazy modules (device/build/modules.ts) are only
 *  evaluated while needed. Two slots and a staging copy of 200 KB fit the 896 KB Storage with room for the web
 *  bundle; a .bin payload may be up to 448 KB (ota/format.ts). RAM is bounded by FUNCTION_BUDGET on the core and by
 *  the real-interpreter memory gate (test/espruino). */
export const SIZE_BUDGET_BYTES = 200 * 1024;
/** Function budget of the RESIDENT core (each function evaluated from flash still costs ~7 JsVars: measured on the
 *  real interpreter, 100 two-parameter functions = 709 JsVars). Lazy modules are not counted here: they cost RAM only
 *  while loaded, which the real-interpreter memory gate measures. */
export const FUNCTION_BUDGET = 700;
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
  /** Append the lazy modules (device/build/modules.ts) to the slot; default: only for the firmware's own entry. */
  lazyModules?: boolean;
}

export interface BuildResult {
  out: string;
  bytes: number;
  /** All functions in the slot file; coreFunctions are resident, each lazy module's only while loaded. */
  functions: number;
  coreFunctions: number;
  moduleFunctions: { [name: string]: number };
  /** name:offset:length;… as patched into the core (device/src/lazy/modules.ts). */
  modules: string;
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

/** A module bundle as one statement for the slot (no "use strict" prologue, no trailing newline). */
export function moduleStatement(text: string): string {
  let body = text.trim();
  if (body.startsWith('"use strict";')) body = body.substring('"use strict";'.length);
  return body.endsWith(';') ? body.substring(0, body.length - 1) : body;
}

/** The slot file: the core, then every module inside `if(0){…}` (skipped by the boot loader's eval), with the core's
 *  MEP_MODULES placeholder replaced by where each module lies, in bytes (Storage offsets), padded to the same length
 *  so no offset moves. */
export function layOutSlot(
  core: string,
  modules: { name: string; code: string }[],
  data: { name: string; text: string }[] = [],
): { code: string; table: string } {
  const quoted = JSON.stringify(MODULE_TABLE_PLACEHOLDER);
  const at = core.indexOf(quoted);
  let text = core.endsWith('\n') ? core : core + '\n';
  text += 'if(0){\n';
  const entries: string[] = [];
  for (const m of modules) {
    entries.push(`${m.name}:${Buffer.byteLength(text, 'utf8')}:${Buffer.byteLength(m.code, 'utf8')}`);
    text += m.code + ';\n';
  }
  // Data ranges sit in comments: the boot eval skips them, hal.modules.read() slices them.
  for (const d of data) {
    if (d.text.indexOf('*/') >= 0) throw new FirmwareBuildError(`slot data ${d.name} contains "*/"`);
    text += '/*';
    entries.push(`${d.name}:${Buffer.byteLength(text, 'utf8')}:${Buffer.byteLength(d.text, 'utf8')}`);
    text += d.text + '*/\n';
  }
  text += '}\n';
  const table = entries.join(';');
  if (table.length > MODULE_TABLE_PLACEHOLDER.length) throw new FirmwareBuildError('the module table is longer than its placeholder');
  // A core that never loads a module (a test entry) has no table to patch.
  // esbuild may inline the define at every use: each copy is patched (same length, so no offset moves).
  const patched = at < 0 ? text : text.split(quoted).join(JSON.stringify(table.padEnd(MODULE_TABLE_PLACEHOLDER.length, ' ')));
  return { code: patched, table };
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
  // One rename table for the core and every module: a member renamed in the core (say `start`) must have the same
  // short name in the module that implements it.
  // Seeded with the method names the bundle check refuses (MISSING_METHODS: at, flat, …) marked not-to-mangle, so
  // esbuild never picks one of them as a short name: a member renamed to `at` reads as a call of the missing
  // Array.prototype.at and fails the check, depending only on which other names happen to exist.
  let mangleCache: Record<string, string | false> = {};
  for (const name of Object.keys(MISSING_METHODS).concat(ITERATOR_METHODS)) mangleCache[name] = false;
  const bundle = async (entry: string | { contents: string }, format: 'iife' | 'esm' = 'iife', plugins: Plugin[] = []): Promise<string> => {
    try {
      const result = await build({
        ...(typeof entry === 'string'
          ? { entryPoints: [entry] }
          : { stdin: { contents: entry.contents, resolveDir: REPO_ROOT, sourcefile: 'module-entry.ts', loader: 'ts' as const } }),
        bundle: true,
        write: false,
        outfile: out,
        // espruino.md §1.5 / checklist "Build":
        format,
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
          MEP_MODULES: JSON.stringify(MODULE_TABLE_PLACEHOLDER),
        },
        legalComments: 'none',
        // Class members are renamed where that is provably safe (member-names.ts).
        mangleProps: mangleRegex(),
        mangleCache,
        plugins,
        logLevel: 'silent',
      });
      if (result.mangleCache) mangleCache = result.mangleCache;
      const file = result.outputFiles[0];
      if (!file) throw new FirmwareBuildError('esbuild produced no output');
      return file.text;
    } catch (err) {
      if (err instanceof FirmwareBuildError) throw err;
      const errors = (err as BuildFailure).errors ?? [];
      const lines = errors.map((e) => `${e.location ? `${relative(REPO_ROOT, e.location.file)}:${e.location.line}:${e.location.column + 1}: ` : ''}${e.text}`);
      throw new FirmwareBuildError(`esbuild failed:\n  ${lines.join('\n  ') || (err as Error).message}`);
    }
  };
  // The firmware's core is global code, not an iife: one JsVar less per resident function (top-level-names.ts says why
  // and checks the price). Another entry (a test's) stays an iife: its minified names could be anything, `E` included.
  const esm = options.entry === undefined;
  const core = await bundle(options.entry ?? join(REPO_ROOT, 'device', 'src', 'main.ts'), esm ? 'esm' : 'iife');
  const collisions = esm ? globalCollisions(core) : [];
  if (collisions.length) {
    throw new FirmwareBuildError(`the core declares ${collisions.join(', ')} at the top level, hiding Espruino's global(s) of that name (top-level-names.ts)`);
  }
  const modules: { name: string; code: string }[] = [];
  // What 'ota' lends its parser modules (ota/module.ts parserHelpers), read from the source itself.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lentByOta = (): string[] => Object.keys((require(join(REPO_ROOT, 'device', 'src', 'ota', 'module.ts')) as { parserHelpers(): object }).parserHelpers());
  const withModules = options.lazyModules ?? options.entry === undefined;
  for (const m of withModules ? LAZY_MODULES : []) {
    const plugins = m.sharedFrom ? [sharedImports(REPO_ROOT, m.sharedFrom, lentByOta())] : [];
    const text = await bundle({ contents: moduleEntrySource(join(REPO_ROOT, m.entry), m.exports) }, 'iife', plugins);
    modules.push({ name: m.name, code: moduleStatement(text) });
  }
  // A module that takes shared code must find every name in what its loader lends (ota/module.ts loadParsers).
  for (const m of LAZY_MODULES.filter((x) => withModules && x.sharedFrom)) {
    const code = modules.find((x) => x.name === m.name)!.code;
    const lender = modules.find((x) => x.name === 'ota')!.code;
    const missing = sharedNamesUsed(code).filter((n) => !new RegExp(`[{,]${n}:`).test(lender));
    if (missing.length) throw new FirmwareBuildError(`module ${m.name} uses ${missing.join(', ')} from ${SHARED_GLOBAL}, which 'ota' does not lend (ota/module.ts)`);
  }
  const data = withModules ? SLOT_DATA.map((d) => ({ name: d.name, text: d.text() })) : [];
  const laid = layOutSlot(core, modules, data);
  const code = laid.code;

  const check = checkSource(code, { objectSpread: 'reject' });
  if (check.violations.length > 0) {
    const lines = check.violations.map((v) => formatViolation(relative(REPO_ROOT, out), v));
    throw new FirmwareBuildError(`the bundle uses ${check.violations.length} thing(s) Espruino lacks (espruino.md):\n  ${lines.join('\n  ')}`);
  }
  // What stays in RAM is the core's functions; a module's cost only while it is loaded.
  const coreFunctions = checkSource(core, { objectSpread: 'reject' }).functions;
  const moduleFunctions: { [name: string]: number } = {};
  for (const m of modules) moduleFunctions[m.name] = checkSource(m.code, { objectSpread: 'reject' }).functions;
  const bytes = Buffer.byteLength(code, 'utf8');
  const budget = options.budgetBytes ?? SIZE_BUDGET_BYTES;
  if (bytes > budget) {
    throw new FirmwareBuildError(`the bundle is ${(bytes / 1024).toFixed(1)} KB (${check.functions} functions), over the ${(budget / 1024).toFixed(0)} KB budget`);
  }
  const functionBudget = options.budgetFunctions ?? (options.budgetBytes === Infinity ? Infinity : FUNCTION_BUDGET);
  if (coreFunctions > functionBudget) {
    throw new FirmwareBuildError(`the resident core has ${coreFunctions} functions, over the budget of ${functionBudget} (RAM: ~7 JsVars each)`);
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, code);
  const sha256 = createHash('sha256').update(code).digest('hex');
  const info = { version, buildId, board, bytes, functions: check.functions, coreFunctions, moduleFunctions, modules: laid.table, sha256 };
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
          `${r.coreFunctions} of ${FUNCTION_BUDGET} functions resident (+ lazy modules: ${Object.keys(r.moduleFunctions).map((k) => `${k} ${r.moduleFunctions[k]}`).join(', ')}), ` +
          `version ${r.version}, build ${r.buildId}, board ${r.board}\n`,
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
