// The add-on bundle: esbuild turns the add-on entry (addon/src/cli.ts) and every dependency into one ESM file,
// dist/addon/main.mjs, that runs on plain Node 20+ with no node_modules (the Docker image copies only dist/addon,
// home-assistant.md §1.4). ESM because aedes is ESM-only; the banner gives bundled CommonJS packages (mqtt, ws,
// fastify …) the `require`, `__filename` and `__dirname` they expect. `__dirname` is then the bundle's folder, so the
// panel assets are found at `<dirname of main.mjs>/panel`.
//
// Usage: npx tsx addon/build/build.ts [--entry <file>] [--out-dir <dir>]
import { build } from 'esbuild';
import { existsSync, mkdirSync } from 'fs';
import { join, resolve } from 'path';
import { buildPanelUi } from '../src/panel/build-ui';

const ROOT = resolve(__dirname, '../..');
export const DEFAULT_ENTRY = join(ROOT, 'addon/src/cli.ts');
export const DEFAULT_OUT_DIR = join(ROOT, 'dist/addon');
export const BUNDLE_NAME = 'main.mjs';

const BANNER = [
  "import { createRequire as __mepCreateRequire } from 'node:module';",
  "import { fileURLToPath as __mepFileURLToPath } from 'node:url';",
  "import { dirname as __mepDirname } from 'node:path';",
  'const require = __mepCreateRequire(import.meta.url);',
  'const __filename = __mepFileURLToPath(import.meta.url);',
  'const __dirname = __mepDirname(__filename);',
].join('\n');

export interface AddonBuildOptions {
  entry?: string;
  outDir?: string;
  /** Build the panel's front end into <outDir>/panel too (default true; addon/src/panel/build-ui.ts owns how). */
  panel?: boolean;
}

export interface AddonBuildResult {
  bundle: string;
  /** The panel assets folder (index.html, panel.js), null when not built. */
  panelDir: string | null;
}

export async function buildAddon(options: AddonBuildOptions = {}): Promise<AddonBuildResult> {
  const entry = resolve(options.entry ?? DEFAULT_ENTRY);
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);
  if (!existsSync(entry)) throw new Error(`add-on entry ${entry} does not exist`);
  mkdirSync(outDir, { recursive: true });
  const bundle = join(outDir, BUNDLE_NAME);
  await build({
    entryPoints: [entry],
    outfile: bundle,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    banner: { js: BANNER },
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: 'warning',
    // Native add-ons cannot be bundled; the add-on must not need them (the serial port is the device's business).
    external: ['serialport', '@serialport/*'],
  });
  const panelDir = options.panel === false ? null : (await buildPanelUi(join(outDir, 'panel'))).dir;
  return { bundle, panelDir };
}

function argValue(args: string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  buildAddon({ entry: argValue(args, '--entry'), outDir: argValue(args, '--out-dir') }).then(
    (result) => {
      process.stdout.write(`add-on bundle: ${result.bundle}\n`);
      if (result.panelDir) process.stdout.write(`panel assets: ${result.panelDir}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`add-on build failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
