// Builds the panel's front end (addon/panel-ui, Lit in TypeScript) with esbuild into one assets folder:
// index.html + panel.js. The add-on image build calls buildPanelUi(); the server builds on the fly when the folder
// is missing (dev and tests).
import { build } from 'esbuild';
import { copyFile, mkdir, stat } from 'fs/promises';
import { join, resolve } from 'path';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const UI_ROOT = join(REPO_ROOT, 'addon', 'panel-ui');

/** Where the built assets go by default (relative to the repository root: dist/panel/). */
export const DEFAULT_ASSETS_DIR = join(REPO_ROOT, 'dist', 'panel');

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

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Builds into `dir` unless every asset is already there. */
export async function ensurePanelUi(dir: string): Promise<void> {
  for (const name of PANEL_ASSETS) {
    if (!(await exists(join(dir, name)))) {
      await buildPanelUi(dir);
      return;
    }
  }
}
