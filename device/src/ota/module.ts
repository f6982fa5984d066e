// The update engine as lazy modules (device/src/lazy, device/build/modules.ts), loaded from Storage only while an
// update runs and unloaded by the app once it is over: 'ota' is the installer, 'upl' the receiver of an upload on the
// web pages (ota/upload-receiver.ts), 'pull' the download client of cmd/update (device/src/app/pull-module.ts), and
// the package parsers 'binp' (.bin) and 'wwwp' (.wwws), which 'ota' loads for the package at hand. A firmware pull so
// never holds the web bundle parsers (~300 JsVars, measured on the interpreter; issue 9) nor the upload receiver.
import { PackageKind } from '../../../discovery/contract';
import { Clock, Crypto, ModuleLoader, Storage, System } from '../hal/types';
import { allZero, hexOf, isBoardId, nameProblem, printable, readText, readU16, readU32, sameBytes } from './format';
import type { BinParser as BinParserType } from './bin-parser';
import { Installer, Parser } from './installer';
import { createSha256 } from './sha256';
import { checkPrefix, ChunkParser, Gather, headerCheckOk, ParserOptions, truncatedMessage } from './stream';
import { StoredWebFiles } from './web-files';
import type { WwwsParser as WwwsParserType } from './wwws-parser';

export interface InstallerModuleDeps {
  storage: Storage;
  system: System;
  crypto: Crypto;
  clock: Clock;
  modules: ModuleLoader;
  firmwareVersion: string;
  logLine(line: string): void;
}

declare const global: { MEPX?: unknown };

/** The parser modules' shared code comes from this module (the build replaces their imports of stream, sha256 and
 *  format by reads of MEPX, device/build/shared-imports.ts) instead of a second copy: lent only while one loads. */
function loadParsers(modules: ModuleLoader, name: string): unknown {
  global.MEPX = {
    ChunkParser, Gather, checkPrefix, headerCheckOk, truncatedMessage, createSha256,
    allZero, hexOf, isBoardId, nameProblem, printable, readText, readU16, readU32, sameBytes,
  };
  try {
    return modules.load(name);
  } finally {
    global.MEPX = undefined;
  }
}

export function createInstaller(deps: InstallerModuleDeps): Installer {
  return new Installer({
    storage: deps.storage,
    clock: deps.clock,
    system: deps.system,
    crypto: deps.crypto,
    firmwareVersion: deps.firmwareVersion,
    web: new StoredWebFiles(deps.storage),
    log: deps.logLine,
    newParser: (kind: PackageKind, options?: ParserOptions): Parser => {
      if (kind === 'bin') return new (loadParsers(deps.modules, 'binp') as { BinParser: typeof BinParserType }).BinParser(options);
      return new (loadParsers(deps.modules, 'wwwp') as { WwwsParser: typeof WwwsParserType }).WwwsParser(options);
    },
  });
}
