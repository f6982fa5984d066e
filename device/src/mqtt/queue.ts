// The outgoing queue: messages waiting for a connection (or for a free QoS 1 slot), bounded in count and payload
// bytes so an offline broker can never exhaust RAM. Payloads are held by reference, never copied. When full, the
// oldest *state* message goes first (not retained, or carrying a replaceKey: a newer reading supersedes it); retained
// configuration and availability messages are dropped only when nothing else is left.
import { Payload, QoS } from './codec';

export interface OutgoingMessage {
  topic: string;
  payload: Payload;
  qos: QoS;
  retain: boolean;
  /** Wire size of the payload, computed once at publish time. */
  bytes: number;
  /** A newer message with the same key replaces this one while it waits. */
  replaceKey?: string;
  /** Set when first sent with QoS 1; kept for the DUP resend after a reconnect (§4.4). */
  packetId: number;
  dup: boolean;
}

export interface QueueLimit {
  /** Messages. Default 32. */
  count?: number;
  /** Payload bytes, summed. Default 8192. */
  bytes?: number;
}

function isState(m: OutgoingMessage): boolean {
  return !m.retain || m.replaceKey !== undefined;
}

export class OutgoingQueue {
  readonly maxCount: number;
  readonly maxBytes: number;
  private items: OutgoingMessage[] = [];
  private total = 0;

  constructor(limit?: QueueLimit) {
    this.maxCount = Math.max(1, (limit && limit.count) || 32);
    this.maxBytes = Math.max(1, (limit && limit.bytes) || 8192);
  }

  get length(): number {
    return this.items.length;
  }

  /** Payload bytes waiting. */
  get bytes(): number {
    return this.total;
  }

  /** A message with this replaceKey waits here. */
  has(replaceKey: string): boolean {
    return this.items.some((m) => m.replaceKey === replaceKey);
  }

  peek(): OutgoingMessage | undefined {
    return this.items[0];
  }

  shift(): OutgoingMessage | undefined {
    const m = this.items.shift();
    if (m) this.total -= m.bytes;
    return m;
  }

  /** Puts a message back at the head (its send failed half-way). May exceed the bounds until the next push. */
  unshift(m: OutgoingMessage): void {
    this.items.unshift(m);
    this.total += m.bytes;
  }

  /**
   * Appends `m`, first removing a queued message with the same replaceKey, then dropping the oldest messages (state
   * first) until the bounds hold. With `countOnly`, the byte bound is not applied (see Outbox.publish).
   * Returns the number dropped.
   */
  push(m: OutgoingMessage, countOnly?: boolean): number {
    if (m.replaceKey !== undefined) {
      for (let i = 0; i < this.items.length; i++) {
        if ((this.items[i] as OutgoingMessage).replaceKey === m.replaceKey) {
          this.removeAt(i);
          break;
        }
      }
    }
    let dropped = 0;
    const bytesBound = countOnly ? Infinity : this.maxBytes;
    while (this.items.length > 0 && (this.items.length + 1 > this.maxCount || this.total + m.bytes > bytesBound)) {
      let victim = 0;
      while (victim < this.items.length && !isState(this.items[victim] as OutgoingMessage)) victim++;
      this.removeAt(victim < this.items.length ? victim : 0);
      dropped++;
    }
    this.items.push(m);
    this.total += m.bytes;
    return dropped;
  }

  private removeAt(i: number): void {
    const removed = this.items.splice(i, 1);
    this.total -= (removed[0] as OutgoingMessage).bytes;
  }
}
