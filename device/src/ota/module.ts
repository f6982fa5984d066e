// The update engine as a lazy module (device/src/lazy, device/build/modules.ts): the installer, the package parsers
// and the pull client are loaded from Storage only for an update (an upload on the web pages or cmd/update) and
// unloaded by the app once it is over.
import { UpdateService, UpdateServiceDeps } from '../app/update-service';
import { Clock, Crypto, Storage, System } from '../hal/types';
import { Installer } from './installer';
import { StoredWebFiles } from './web-files';

export interface UpdateModuleDeps extends Omit<UpdateServiceDeps, 'installer'> {
  storage: Storage;
  system: System;
  crypto: Crypto;
  clock: Clock;
  logLine(line: string): void;
}

export interface UpdateModule {
  installer: Installer;
  updates: UpdateService;
}

export function createUpdates(deps: UpdateModuleDeps): UpdateModule {
  const installer = new Installer({
    storage: deps.storage,
    clock: deps.clock,
    system: deps.system,
    crypto: deps.crypto,
    firmwareVersion: deps.firmwareVersion,
    web: new StoredWebFiles(deps.storage),
    log: deps.logLine,
  });
  const updates = new UpdateService({
    installer,
    http: deps.http,
    clock: deps.clock,
    log: deps.log,
    firmwareVersion: deps.firmwareVersion,
    report: deps.report,
    online: deps.online,
  });
  return { installer, updates };
}
