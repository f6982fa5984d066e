// Where the built front end is found, without importing esbuild (the add-on bundle must not contain it):
// next to the add-on bundle (dist/addon/main.mjs → dist/addon/panel, addon/build/build.ts), else the repository's
// dist/panel/ (dev and tests, built on the fly by build-ui.ts when missing).
import { existsSync } from 'fs';
import { join, resolve } from 'path';

/** dist/panel/ of the repository (this file is addon/src/panel/assets-dir.ts). */
export const REPO_ASSETS_DIR = resolve(__dirname, '..', '..', '..', 'dist', 'panel');

export function defaultAssetsDir(): string {
  const besideBundle = join(__dirname, 'panel');
  return existsSync(join(besideBundle, 'index.html')) ? besideBundle : REPO_ASSETS_DIR;
}

export function assetsComplete(dir: string): boolean {
  return existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'panel.js'));
}

/** Builds the front end into `dir` when it is incomplete. build-ui.ts (and with it esbuild) is loaded only then,
 *  through a require the bundler does not follow: the add-on image ships the assets prebuilt. */
export async function ensureAssets(dir: string): Promise<void> {
  if (assetsComplete(dir)) return;
  const builder = './build-ui';
  let ui: typeof import('./build-ui');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately invisible to the bundler
    ui = require(builder) as typeof import('./build-ui');
  } catch {
    throw new Error(`the panel's front end is missing in ${dir} (index.html, panel.js): build it with buildPanelUi()`);
  }
  await ui.buildPanelUi(dir);
}
