// The pull client of cmd/update (update-service.ts) as a lazy module (device/src/lazy, device/build/modules.ts):
// loaded for an update command, with the installer module ('ota', device/src/ota/module.ts) it feeds.
import { UpdateService, UpdateServiceDeps } from './update-service';

export function createPull(deps: UpdateServiceDeps): UpdateService {
  return new UpdateService(deps);
}
