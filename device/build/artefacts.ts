// The update artefacts next to dist/firmware.js (issue 4): dist/boot.js (the boot loader, stored as `.bootcde`),
// dist/firmware.bin (the .bin package of the bundle, ota/pack.ts) and dist/update.wwws (the web bundle packed from
// device/www/, gzip where it helps). The boot loader is built with the same esbuild settings and bundle check as
// the firmware (espruino.md checklist "Build").
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { packBin, packWwws, wwwsFilesFromDir } from '../../ota/pack';
import { checkSource, formatViolation } from '../../tools/espruino-check';
import { BuildResult, FirmwareBuildError, REPO_ROOT } from './build';

/** The loader must stay tiny: it is rarely replaced (only over USB) and runs before everything. */
export const LOADER_BUDGET_BYTES = 3 * 1024;
export const WWW_DIR = join(REPO_ROOT, 'device', 'www');

export interface Artefacts {
  boot: { out: string; bytes: number };
  bin: { out: string; bytes: number };
  wwws: { out: string; bytes: number; files: number } | null;
}

/** The boot loader's last statement, at the top level (device/src/boot/loader.ts run()): evaluates the slot the iife
 *  chose, with no function scope around it; a start-up error on trial reboots, so the loader returns to the old slot. */
export const LOADER_EVAL =
  'if(global.MEPSLOT)try{eval(require("Storage").read(global.MEPSLOT))}catch(e){' +
  'console.log("mep-boot-loader: the application failed to start: "+e);if(global.MEPTRIAL)E.reboot()}';

/** Builds device/src/boot/loader.ts into `out` (minified iife, checked) followed by LOADER_EVAL. Returns its size. */
export async function buildBootLoader(out: string): Promise<number> {
  const result = await build({
    entryPoints: [join(REPO_ROOT, 'device', 'src', 'boot', 'loader.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'neutral',
    target: 'es2015',
    charset: 'utf8',
    minify: true,
    supported: { destructuring: false, 'default-argument': false, 'rest-argument': false, 'array-spread': false, generator: false },
    tsconfig: join(REPO_ROOT, 'tsconfig.device.json'),
    legalComments: 'none',
    logLevel: 'silent',
  });
  const code = (result.outputFiles[0]?.text ?? '').trimEnd() + '\n' + LOADER_EVAL + '\n';
  const check = checkSource(code, { objectSpread: 'reject' });
  if (check.violations.length > 0) {
    throw new FirmwareBuildError(`the boot loader uses things Espruino lacks:\n  ${check.violations.map((v) => formatViolation('boot.js', v)).join('\n  ')}`);
  }
  if (code.length > LOADER_BUDGET_BYTES) throw new FirmwareBuildError(`the boot loader is ${code.length} bytes, over ${LOADER_BUDGET_BYTES}`);
  writeFileSync(out, code);
  return code.length;
}

/** Writes boot.js, firmware.bin and (when device/www has files) update.wwws next to the built bundle. */
export async function buildArtefacts(firmware: BuildResult, wwwDir = WWW_DIR): Promise<Artefacts> {
  const dir = dirname(firmware.out);
  const bootOut = join(dir, 'boot.js');
  const bootBytes = await buildBootLoader(bootOut);
  const bin = packBin(new Uint8Array(readFileSync(firmware.out)), { firmwareVersion: firmware.version, buildId: firmware.buildId, board: firmware.board });
  const binOut = join(dir, 'firmware.bin');
  writeFileSync(binOut, bin);
  let wwws: Artefacts['wwws'] = null;
  if (existsSync(wwwDir) && readdirSync(wwwDir).some((n) => !n.startsWith('.'))) {
    const files = wwwsFilesFromDir(wwwDir, { gzip: true });
    const packed = packWwws(files);
    const out = join(dir, 'update.wwws');
    writeFileSync(out, packed);
    wwws = { out, bytes: packed.length, files: files.length };
  }
  return { boot: { out: bootOut, bytes: bootBytes }, bin: { out: binOut, bytes: bin.length }, wwws };
}
