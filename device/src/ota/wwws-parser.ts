// Web bundle parser: picks the format from the first byte. 0x89 starts every binary package (format.ts) and never
// starts text, so anything else is the reference's text format (mep-protocol.md §16, wwws-legacy.ts).
// Same contract as every OTA parser (stream.ts): push(chunk) ... finish(), each returning events.
import { OtaError, ParserOptions } from './stream';
import { WwwsEvent } from './wwws-events';
import { LegacyWwwsParser } from './wwws-legacy';
import { WwwsV2Parser } from './wwws-v2';

const BINARY_FIRST_BYTE = 0x89;

export class WwwsParser {
  private readonly options: ParserOptions | undefined;
  private inner: WwwsV2Parser | LegacyWwwsParser | null;

  constructor(options?: ParserOptions) {
    this.options = options;
    this.inner = null;
  }

  push(chunk: Uint8Array): (WwwsEvent | OtaError)[] {
    if (this.inner === null) {
      if (chunk.length === 0) return [];
      this.inner = chunk[0] === BINARY_FIRST_BYTE ? new WwwsV2Parser(this.options) : new LegacyWwwsParser();
    }
    return this.inner.push(chunk);
  }

  finish(): (WwwsEvent | OtaError)[] {
    if (this.inner === null) this.inner = new WwwsV2Parser(this.options);
    return this.inner.finish();
  }

  /** True once the input is known to be the legacy text format. */
  isLegacy(): boolean {
    return this.inner instanceof LegacyWwwsParser;
  }

  failure(): OtaError | null {
    return this.inner === null ? null : this.inner.failure();
  }

  position(): number {
    return this.inner === null ? 0 : this.inner.position();
  }
}
