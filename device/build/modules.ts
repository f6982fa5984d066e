// The lazy modules (device/src/lazy/modules.ts): code that is evaluated from the app slot in Storage only while it is
// needed. Each entry is bundled on its own (with its own copy of any shared helper: flash is plentiful, RAM is not)
// and appended to the slot file after the resident core, inside `if(0){…}` so the boot loader's eval skips it.
import { compactFieldTable } from '../../discovery/compact-fields';
import { entityRowsText } from '../../discovery/entity-rows';
import { HOME_HTML } from '../src/web/built-in-pages';
import { RECOVERY_HTML } from '../src/web/recovery-page';

export interface LazyModule {
  /** The name the app loads it by (hal.modules.load(name)); also the key in MEP_MODULES. */
  name: string;
  /** Entry file, relative to the repository root. */
  entry: string;
  /** The entry's exports that load() returns (as a plain object: esbuild's namespace object for an iife uses a
   *  for-let loop closure that Espruino gets wrong, so the module hands over a literal instead). */
  exports: string[];
  /** Files whose code the module takes from the module that loads it (ota/module.ts loadParsers), not bundled again:
   *  their functions and classes are read from the global MEPX, their constants inlined (shared-imports.ts). */
  sharedFrom?: string[];
}

/** What the package parsers share with the installer (ota/module.ts lends it to them while they load). */
const OTA_SHARED = ['device/src/ota/stream.ts', 'device/src/ota/sha256.ts', 'device/src/ota/format.ts'];

export const LAZY_MODULES: LazyModule[] = [
  { name: 'web', entry: 'device/src/web/module.ts', exports: ['createWeb'] },
  { name: 'ota', entry: 'device/src/ota/module.ts', exports: ['createInstaller'] },
  { name: 'upl', entry: 'device/src/ota/upload-receiver.ts', exports: ['receiveUpload'] },
  { name: 'pull', entry: 'device/src/app/pull-module.ts', exports: ['createPull'] },
  { name: 'disc', entry: 'device/src/app/discovery-module.ts', exports: ['createDiscovery'] },
  { name: 'trial', entry: 'device/src/boot/trial.ts', exports: ['TrialGuard'] },
  { name: 'compat', entry: 'device/src/app/compat-module.ts', exports: ['compatMessages'] },
  { name: 'cfg', entry: 'device/src/settings/module.ts', exports: ['applyConfigCommand', 'loadSettings', 'redactSettings'] },
  { name: 'sec', entry: 'device/src/security/module.ts', exports: ['openCommand', 'sealResult', 'pairing'] },
  { name: 'binp', entry: 'device/src/ota/bin-parser.ts', exports: ['BinParser'], sharedFrom: OTA_SHARED },
  { name: 'wwwp', entry: 'device/src/ota/wwws-parser.ts', exports: ['WwwsParser'], sharedFrom: OTA_SHARED },
];

/** Data kept in the slot next to the modules, read in slices by the app (hal.modules.read), never evaluated. */
export interface SlotData {
  name: string;
  text(): string;
}

export const SLOT_DATA: SlotData[] = [
  { name: 'ents', text: entityRowsText },
  { name: 'rcv', text: () => RECOVERY_HTML },
  { name: 'home', text: () => HOME_HTML },
  { name: 'stf', text: () => compactFieldTable('state') },
  { name: 'dgf', text: () => compactFieldTable('diagnostics') },
];

/** The global a module's code leaves its exports in while the loader takes them (device/src/lazy/modules.ts). */
export const MODULE_EXPORTS_GLOBAL = 'MEPM';

/** The generated entry of a module bundle: the named exports, handed over as one object literal. */
export function moduleEntrySource(entryPath: string, exports: string[]): string {
  return `import { ${exports.join(', ')} } from ${JSON.stringify(entryPath)};\n` +
    `declare const global: { ${MODULE_EXPORTS_GLOBAL}: unknown };\n` +
    `global.${MODULE_EXPORTS_GLOBAL} = { ${exports.map((e) => `${e}: ${e}`).join(', ')} };\n`;
}

/** Fixed-width placeholder the core is built with; replaced by the real table, padded to the same length. */
export const MODULE_TABLE_PLACEHOLDER = '#'.repeat(280);
