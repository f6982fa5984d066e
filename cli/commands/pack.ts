// mep pack: builds the update packages the device installs (layouts: device/src/ota/format.ts).
//   bin:  the firmware bundle with its header (version, build id and board default to dist/firmware.json)
//   wwws: a web folder as a format-2 bundle, text files gzip-compressed with --gzip
import { createHash } from 'crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname } from 'path';
import { BOARD_IDS } from '../../device/src/hal/espruino/board';
import { BIN_BUILD_SIZE, BIN_VERSION_SIZE } from '../../device/src/ota/format';
// PackError (bad input files) is a plain Error: exit 1, not a usage mistake.
import { packBin, packWwws, wwwsFilesFromDir } from '../../ota/pack';
import { parseCommandLine, requireString, UsageError } from '../usage';

const HELP = `mep pack bin  --bundle <firmware.js> --out <file.bin> [--version <v>] [--build-id <id>] [--board auto|esp32|esp32c3]
mep pack wwws --dir <folder> --out <file.wwws> [--gzip]

bin:  the firmware package. --version/--build-id/--board default to the build's <bundle>.json (dist/firmware.json).
wwws: the web bundle (format 2) of the folder's top-level files; Storage names get the "www_" prefix unless they
      have it. --gzip stores html/css/js/json/svg/... gzip-compressed (served with Content-Encoding: gzip).`;

interface BuildInfo {
  version?: string;
  buildId?: string;
  board?: string;
  sha256?: string;
}

function readBuildInfo(bundlePath: string, bundle: Uint8Array): { info: BuildInfo; path: string } | null {
  const path = bundlePath.replace(/\.js$/, '') + '.json';
  if (path === bundlePath || !existsSync(path)) return null;
  let info: BuildInfo;
  try {
    info = JSON.parse(readFileSync(path, 'utf8')) as BuildInfo;
  } catch {
    throw new Error(`${path} is not valid JSON`);
  }
  const sha = createHash('sha256').update(bundle).digest('hex');
  if (info.sha256 !== sha) throw new Error(`${path} does not describe ${bundlePath} (sha256 differs): rebuild, or give --version, --build-id and --board`);
  return { info, path };
}

function readInput(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code}`);
  }
}

function textArg(value: string, flag: string, max: number): string {
  if (value.length === 0 || value.length > max || !/^[\x20-\x7e]+$/.test(value)) {
    throw new UsageError(`${flag} must be 1 to ${max} printable ASCII characters`);
  }
  return value;
}

function write(out: string, bytes: Uint8Array): void {
  try {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, bytes);
  } catch (err) {
    throw new Error(`cannot write ${out}: ${(err as NodeJS.ErrnoException).code}`);
  }
}

type Values = { [k: string]: string | boolean | undefined };

function packBinCommand(values: Values): void {
  const bundlePath = requireString(values.bundle, '--bundle');
  const out = requireString(values.out, '--out');
  const bundle = readInput(bundlePath, 'bundle');
  const flags = values.version !== undefined && values['build-id'] !== undefined && values.board !== undefined;
  const found = flags ? null : readBuildInfo(bundlePath, bundle);
  const info = found ? found.info : {};
  const version = (values.version as string | undefined) ?? info.version;
  if (version === undefined) throw new UsageError(`--version is required (no build info ${bundlePath.replace(/\.js$/, '')}.json next to the bundle)`);
  const buildId = (values['build-id'] as string | undefined) ?? info.buildId ?? createHash('sha256').update(bundle).digest('hex').slice(0, 12);
  const board = (values.board as string | undefined) ?? info.board ?? 'auto';
  if (!BOARD_IDS.includes(board)) throw new UsageError(`--board must be one of ${BOARD_IDS.join(', ')}`);
  const bin = packBin(bundle, {
    firmwareVersion: textArg(version, '--version', BIN_VERSION_SIZE),
    buildId: textArg(buildId, '--build-id', BIN_BUILD_SIZE),
    board,
  });
  write(out, bin);
  process.stdout.write(`${out}: ${bin.length} bytes, firmware ${version}, build ${buildId}, board ${board}, payload ${bundle.length} bytes\n`);
}

function packWwwsCommand(values: Values): void {
  const dir = requireString(values.dir, '--dir');
  const out = requireString(values.out, '--out');
  const files = wwwsFilesFromDir(dir, { gzip: values.gzip === true });
  const bytes = packWwws(files);
  write(out, bytes);
  process.stdout.write(`${out}: ${bytes.length} bytes, ${files.length} file(s)\n`);
}

export async function packCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      bundle: { type: 'string' },
      out: { type: 'string' },
      version: { type: 'string' },
      'build-id': { type: 'string' },
      board: { type: 'string' },
      dir: { type: 'string' },
      gzip: { type: 'boolean' },
    },
    HELP,
  );
  const kind = positionals[0];
  if (positionals.length !== 1 || (kind !== 'bin' && kind !== 'wwws')) throw new UsageError('give the package type: mep pack bin … or mep pack wwws …');
  const foreign = kind === 'bin' ? ['dir', 'gzip'] : ['bundle', 'version', 'build-id', 'board'];
  const wrong = foreign.find((k) => values[k as keyof typeof values] !== undefined);
  if (wrong) throw new UsageError(`--${wrong} does not apply to mep pack ${kind}`);
  if (kind === 'bin') packBinCommand(values);
  else packWwwsCommand(values);
}
