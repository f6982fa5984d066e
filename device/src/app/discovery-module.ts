// Home Assistant discovery as a lazy module (device/src/lazy, device/build/modules.ts): the payload builders are loaded
// from Storage only while a discovery message is being sent (connect, HA birth, a changed meter). The entity table is
// not loaded at all: its rows are read one by one from the 'ents' data range of the slot (discovery/entity-rows.ts).
import { discoveryChunksIn, DiscoveryContext } from '../../../discovery/discovery-payload';
import { entityRowsFrom } from '../../../discovery/entity-rows';
import type { TextChunks } from '../mqtt/codec';

/** @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface DiscoveryModule {
  /** The message as chunks made on demand, one component each (mqtt/codec.ts TextChunks): the MQTT client counts its
   *  length in one pass, then the socket asks for each chunk as it can take it, so neither the message (~13 KB, ~1,000
   *  JsVars as bytes) nor a second copy in the send buffer is ever held (issue 9). The source keeps this module in
   *  RAM until the broker acknowledges the message; `ctx` must not change meanwhile (the app makes a new one). */
  payload(ctx: DiscoveryContext): TextChunks;
}

/** `read`: the text of the entity rows (discovery/entity-rows.ts), from `offset`, `length` characters. */
export function createDiscovery(read: (offset: number, length: number) => string): DiscoveryModule {
  const rows = entityRowsFrom(read);
  return {
    payload(ctx: DiscoveryContext): TextChunks {
      return discoveryChunksIn(rows, ctx);
    },
  };
}
