// The firmware as `npm run build` makes it (bundle + boot loader next to it), built once per test process into a
// temporary folder (dist/ may be rebuilt by someone else while tests run). Removed when the process exits.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildArtefacts } from '../../device/build/artefacts';
import { buildFirmware, BuildResult } from '../../device/build/build';
import { tempDir } from './temp-dirs';

let built: Promise<BuildResult> | null = null;

/** The production build: `out` is firmware.js, with boot.js (and firmware.bin, update.wwws) beside it.
 *  MEP_ESPRUINO_BUNDLE=<path to a firmware.js with boot.js beside it> tests another build instead. */
export function firmwareBuild(): Promise<Pick<BuildResult, 'out'>> {
  const other = process.env.MEP_ESPRUINO_BUNDLE;
  if (other) return Promise.resolve({ out: other });
  if (!built) {
    const dir = tempDir('fw');
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    built = buildFirmware({ out: join(dir, 'firmware.js'), budgetBytes: Infinity }).then(async (r) => {
      await buildArtefacts(r);
      return r;
    });
  }
  return built;
}
