// Home Assistant discovery as a lazy module (device/src/lazy, device/build/modules.ts): the entity table and the
// payload builders are loaded from Storage only to build the discovery message (connect, HA birth, a changed meter),
// one component at a time, and unloaded right after.
import { discoveryChunks, DiscoveryContext } from '../../../discovery/discovery-payload';

export interface DiscoveryModule {
  chunks(ctx: DiscoveryContext): string[];
}

export function createDiscovery(): DiscoveryModule {
  return { chunks: discoveryChunks };
}
