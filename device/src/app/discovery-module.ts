// Home Assistant discovery as a lazy module (device/src/lazy, device/build/modules.ts): the payload builders are loaded
// from Storage only to build the discovery message (connect, HA birth, a changed meter), one component at a time, and
// unloaded right after. The entity table is not loaded at all: its rows are read one by one from the 'ents' data
// range of the slot (discovery/entity-rows.ts).
import { discoveryChunkIn, DiscoveryContext } from '../../../discovery/discovery-payload';
import { entityRowsFrom } from '../../../discovery/entity-rows';

/** @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface DiscoveryModule {
  /** The whole message as one byte array: flat in Espruino's memory (~14 bytes per JsVar), where the same text held
   *  as an array of chunk strings costs about twice as many JsVars (measured: ~2,200 for a 3-phase meter) until the
   *  broker acknowledges it. Built chunk by chunk in two passes (length, then bytes); the text is ASCII. */
  payload(ctx: DiscoveryContext): Uint8Array;
}

/** `read`: the text of the entity rows (discovery/entity-rows.ts), from `offset`, `length` characters. */
export function createDiscovery(read: (offset: number, length: number) => string): DiscoveryModule {
  const rows = entityRowsFrom(read);
  return {
    payload(ctx: DiscoveryContext): Uint8Array {
      let total = 0;
      for (let i = 0; ; i++) {
        const chunk = discoveryChunkIn(rows, ctx, i);
        if (chunk === null) break;
        total += chunk.length;
      }
      const out = new Uint8Array(total);
      let at = 0;
      for (let i = 0; ; i++) {
        const chunk = discoveryChunkIn(rows, ctx, i);
        if (chunk === null) return out;
        for (let j = 0; j < chunk.length && at < total; j++) out[at++] = chunk.charCodeAt(j) & 0xff;
      }
    },
  };
}
