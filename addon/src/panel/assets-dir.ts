// Where the built front end is found, without importing esbuild (the add-on bundle must not contain it):
// next to the add-on bundle (dist/addon/main.mjs → dist/addon/panel, addon/build/build.ts), else the repository's
// dist/panel/ (dev and tests, built on the fly by build-ui.ts when missing or older than its sources).
import { existsSync, readdirSync, statSync } from 'fs';
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

/** The repository's folders the front end is built from (panel-ui imports types and pure helpers from the others). */
const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const UI_SOURCES = ['addon/panel-ui', 'addon/src', 'discovery'].map((d) => join(REPO_ROOT, d));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (/\.(ts|html)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** dist/panel/ in a checkout is rebuilt when a source is newer than its panel.js (a stale panel after a pull or an
 *  edit otherwise stays until someone deletes it). Other folders (the add-on image's) are never rebuilt. */
export function assetsStale(dir: string): boolean {
  if (resolve(dir) !== REPO_ASSETS_DIR || !assetsComplete(dir) || !UI_SOURCES.every((d) => existsSync(d))) return false;
  const built = statSync(join(dir, 'panel.js')).mtimeMs;
  return UI_SOURCES.some((d) => newestMtime(d) > built);
}

/** Builds the front end into `dir` when it is incomplete. build-ui.ts (and with it esbuild) is loaded only then,
 *  through a require the bundler does not follow: the add-on image ships the assets prebuilt. */
export async function ensureAssets(dir: string): Promise<void> {
  if (assetsComplete(dir) && !assetsStale(dir)) return;
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
