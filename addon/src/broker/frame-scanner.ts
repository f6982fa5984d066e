// Reads MQTT fixed headers (MQTT 3.1.1 §2.2: one type byte, 1-4 bytes of remaining length) as bytes go by, so the
// embedded broker can drop a connection as soon as a packet *announces* a size over the limit, before the broker's
// parser buffers up to 256 MB of it. Pure and incremental: chunks may split a header anywhere.
export type ScanResult = { ok: true } | { ok: false; declared: number | null };

export class MqttFrameScanner {
  private phase: 'type' | 'length' | 'body' = 'type';
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private remaining = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** ok while every packet fits; else the declared remaining length (null: a malformed length field). */
  push(chunk: Buffer): ScanResult {
    let i = 0;
    while (i < chunk.length) {
      if (this.phase === 'type') {
        i++;
        this.phase = 'length';
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
      } else if (this.phase === 'length') {
        const b = chunk[i++] as number;
        this.length += (b & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        this.lengthBytes++;
        if (b & 0x80) {
          if (this.lengthBytes === 4) return { ok: false, declared: null };
          continue;
        }
        if (this.length > this.maxFrameBytes) return { ok: false, declared: this.length };
        this.remaining = this.length;
        this.phase = this.remaining === 0 ? 'type' : 'body';
      } else {
        const take = Math.min(this.remaining, chunk.length - i);
        i += take;
        this.remaining -= take;
        if (this.remaining === 0) this.phase = 'type';
      }
    }
    return { ok: true };
  }
}
