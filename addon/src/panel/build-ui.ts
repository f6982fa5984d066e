// Builds the panel's front end (addon/panel-ui, Lit in TypeScript) with esbuild into one assets folder:
// index.html + panel.js. The add-on image build calls buildPanelUi(); the server builds on the fly when the folder
// is missing (dev and tests).
import { build } from 'esbuild';
import { copyFile, mkdir } from 'fs/promises';
import { join, resolve } from 'path';
import { ensureAssets, REPO_ASSETS_DIR } from './assets-dir';

const UI_ROOT = resolve(__dirname, '..', '..', 'panel-ui');

/** Where the built assets go by default: the repository's dist/panel/. */
export const DEFAULT_ASSETS_DIR = REPO_ASSETS_DIR;

/** The files a complete build contains. */
export const PANEL_ASSETS = ['index.html', 'panel.js'] as const;

/** Bundles addon/panel-ui/src/main.ts → <outDir>/panel.js and copies index.html. */
export async function buildPanelUi(outDir: string = DEFAULT_ASSETS_DIR): Promise<{ dir: string }> {
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: [join(UI_ROOT, 'src', 'main.ts')],
    bundle: true,
    outfile: join(outDir, 'panel.js'),
    format: 'esm',
    platform: 'browser',
    // Browsers Home Assistant's own front end supports (2026).
    target: ['chrome109', 'firefox115', 'safari16'],
    minify: true,
    legalComments: 'none',
    tsconfig: join(UI_ROOT, 'tsconfig.json'),
    logLevel: 'silent',
  });
  await copyFile(join(UI_ROOT, 'index.html'), join(outDir, 'index.html'));
  return { dir: outDir };
}

/** Builds into `dir` unless index.html and panel.js are already there. */
export async function ensurePanelUi(dir: string): Promise<void> {
  await ensureAssets(dir);
}

// `npx tsx addon/src/panel/build-ui.ts [outDir]` (the add-on image build can call this or buildPanelUi()).
if (require.main === module) {
  buildPanelUi(process.argv[2] ? resolve(process.argv[2]) : DEFAULT_ASSETS_DIR).then(
    (r) => process.stdout.write(`panel assets: ${r.dir}\n`),
    (err: unknown) => {
      process.stderr.write(`panel build failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
