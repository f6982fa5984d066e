// The update engine as lazy modules (device/src/lazy, device/build/modules.ts), loaded from Storage only while an
// update runs and unloaded by the app once it is over: 'ota' is the installer, 'upl' the receiver of an upload on the
// web pages (ota/upload-receiver.ts), 'pull' the download client of cmd/update (device/src/app/pull-module.ts), and
// the package parsers 'binp' (.bin) and 'wwwp' (.wwws), which 'ota' loads for the package at hand. A firmware pull so
// never holds the web bundle parsers (~300 JsVars, measured on the interpreter; issue 9) nor the upload receiver.
import { PackageKind } from '../../../discovery/contract';
import { ModuleLoader } from '../hal/types';
import { hexOf, sameBytes } from './format';
import type { BinParser as BinParserType } from './bin-parser';
import { Installer, InstallerDeps, Parser } from './installer';
import { createSha256 } from './sha256';
import { checkPrefix, ChunkParser, Gather, headerCheckOk, ParserOptions, truncatedMessage } from './stream';
import { StoredWebFiles } from './web-files';
import type { WwwsParser as WwwsParserType } from './wwws-parser';

/** The installer's dependencies the app gives (the module adds the web file store and the parser loader). */
export type InstallerModuleDeps = Omit<InstallerDeps, 'web' | 'newParser'> & { modules: ModuleLoader };

declare const global: { MEPX?: unknown };

/** What the parser modules take from this module instead of a copy of their own: code the installer holds anyway.
 *  The build replaces their imports of stream, sha256 and format by reads of MEPX for these names (and bundles any
 *  other function of those files into the parser module: device/build/shared-imports.ts). */
export function parserHelpers(): { [name: string]: unknown } {
  return { ChunkParser, Gather, checkPrefix, headerCheckOk, truncatedMessage, createSha256, hexOf, sameBytes };
}

/** Loads a parser module with the helpers lent for the moment of its load. */
function loadParsers(modules: ModuleLoader, name: string): unknown {
  global.MEPX = parserHelpers();
  try {
    return modules.load(name);
  } finally {
    global.MEPX = undefined;
  }
}

/** The app's object becomes the installer's own deps (one object, not a copy kept beside it). */
export function createInstaller(deps: InstallerModuleDeps): Installer {
  const d = deps as InstallerModuleDeps & InstallerDeps;
  d.web = new StoredWebFiles(deps.storage);
  d.newParser = (kind: PackageKind, options?: ParserOptions): Parser => {
    if (kind === 'bin') return new (loadParsers(deps.modules, 'binp') as { BinParser: typeof BinParserType }).BinParser(options);
    return new (loadParsers(deps.modules, 'wwwp') as { WwwsParser: typeof WwwsParserType }).WwwsParser(options);
  };
  return new Installer(d);
}
