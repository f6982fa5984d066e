// The update engine as two lazy modules (device/src/lazy, device/build/modules.ts), loaded from Storage only while an
// update runs and unloaded by the app once it is over: 'ota' is the installer with the package parsers (an upload on
// the web pages needs only this), 'pull' the download client of cmd/update (device/src/app/pull-module.ts). Split
// because a .wwws upload has the web pages loaded too: together they did not leave a WROOM 3,000 JsVars (issue 9).
import { Clock, Crypto, Storage, System } from '../hal/types';
import { Installer } from './installer';
import { StoredWebFiles } from './web-files';

export { receiveUpload } from './upload-receiver';

export interface InstallerModuleDeps {
  storage: Storage;
  system: System;
  crypto: Crypto;
  clock: Clock;
  firmwareVersion: string;
  logLine(line: string): void;
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
  });
}
