// Home Assistant discovery as a lazy module (device/src/lazy, device/build/modules.ts): the payload builders are loaded
// from Storage only to build the discovery message (connect, HA birth, a changed meter), one component at a time, and
// unloaded right after. The entity table is not loaded at all: its rows are read one by one from the 'ents' data
// range of the slot (discovery/entity-rows.ts).
import { discoveryChunkIn, DiscoveryContext } from '../../../discovery/discovery-payload';
import { entityRowsFrom } from '../../../discovery/entity-rows';

export interface DiscoveryModule {
  chunks(ctx: DiscoveryContext): string[];
}

/** `read`: the text of the entity rows (discovery/entity-rows.ts), from `offset`, `length` characters. */
export function createDiscovery(read: (offset: number, length: number) => string): DiscoveryModule {
  const rows = entityRowsFrom(read);
  return {
    chunks(ctx: DiscoveryContext): string[] {
      const out: string[] = [];
      for (let i = 0; ; i++) {
        const chunk = discoveryChunkIn(rows, ctx, i);
        if (chunk === null) return out;
        out.push(chunk);
      }
    },
  };
}
