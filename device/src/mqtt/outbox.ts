// Everything the client sends on behalf of the application, across connections: the bounded queue, QoS 1 messages
// in flight (kept until PUBACK, resent with DUP after a reconnect, §4.4), subscriptions (renewed on every connection)
// and packet ids. It writes through the client's `write`, which reports a broken connection by itself.
import { PieceSource } from '../hal/types';
import { Subscription, encodeSubscribe, writePublish } from './codec';
import { MqttError, mqttError } from './options';
import { OutgoingMessage, OutgoingQueue, QueueLimit } from './queue';

export interface OutboxDeps {
  /** Writes to the live connection; false when there is none or it just failed. */
  write: (data: Uint8Array | PieceSource) => boolean;
  report: (error: MqttError) => void;
  log: (line: string) => void;
  /** A QoS 1 message was acknowledged (its replaceKey). */
  acked: (replaceKey: string | undefined) => void;
}

export interface OutboxCounts {
  queued: number;
  queuedBytes: number;
  inflight: number;
  dropped: number;
}

export class Outbox {
  private readonly deps: OutboxDeps;
  private readonly queue: OutgoingQueue;
  private readonly maxInflight: number;
  private inflight: OutgoingMessage[] = [];
  private subscriptions: Subscription[] = [];
  private pendingSubs: { id: number; topics: string[] }[] = [];
  private online = false;
  private flushing = false;
  private nextId = 0;
  private dropped = 0;

  constructor(deps: OutboxDeps, limit: QueueLimit | undefined, maxInflight: number) {
    this.deps = deps;
    this.queue = new OutgoingQueue(limit);
    this.maxInflight = maxInflight;
  }

  counts(): OutboxCounts {
    return { queued: this.queue.length, queuedBytes: this.queue.bytes, inflight: this.inflight.length, dropped: this.dropped };
  }

  /**
   * Sends at once when possible, else queues (dropping older messages if full). A payload bigger than the queue's
   * byte bound is refused while offline (false), but queued while online: it only waits for a QoS 1 slot, and its
   * payload is held by reference either way (e.g. the discovery message's chunk source, re-published on every connect).
   */
  publish(m: OutgoingMessage): boolean {
    if (this.online && this.queue.length === 0 && this.hasSlot(m)) {
      this.send(m);
      return true;
    }
    const oversized = m.bytes > this.queue.maxBytes;
    if (oversized && !this.online) {
      this.deps.report(mqttError('message-too-large', `${m.bytes} bytes for '${m.topic}' exceed the offline queue`));
      return false;
    }
    const dropped = this.queue.push(m, oversized);
    if (dropped > 0) {
      this.dropped += dropped;
      this.deps.log(`queue full: dropped ${dropped} older message(s)`);
    }
    this.flush();
    return true;
  }

  subscribe(sub: Subscription): void {
    this.subscriptions = this.subscriptions.filter((s) => s.topic !== sub.topic);
    this.subscriptions.push(sub);
    if (this.online) this.sendSubscribe([sub]);
  }

  /** CONNACK accepted: unacknowledged messages first, in order and with DUP, then subscriptions, then the queue. */
  connected(): void {
    this.online = true;
    const resend = this.inflight;
    for (let i = 0; i < resend.length && this.online; i++) this.sendPublish(resend[i] as OutgoingMessage);
    if (this.subscriptions.length > 0 && this.online) this.sendSubscribe(this.subscriptions);
    this.flush();
  }

  disconnected(): void {
    this.online = false;
    this.pendingSubs = [];
  }

  acked(packetId: number): void {
    const done = this.inflight.filter((m) => m.packetId === packetId)[0];
    this.inflight = this.inflight.filter((m) => m !== done);
    if (!done) this.deps.log(`PUBACK for unknown packet id ${packetId}`);
    this.flush();
    if (done) this.deps.acked(done.replaceKey);
  }

  /** A message with this replaceKey is queued or waits for its PUBACK. */
  holds(replaceKey: string): boolean {
    return this.queue.has(replaceKey) || this.inflight.some((m) => m.replaceKey === replaceKey);
  }

  subacked(packetId: number, granted: number[]): void {
    const pending = this.pendingSubs.find((s) => s.id === packetId);
    if (!pending) return;
    this.pendingSubs = this.pendingSubs.filter((s) => s !== pending);
    for (let i = 0; i < granted.length; i++) {
      if (granted[i] === 0x80) this.deps.report(mqttError('subscribe-failed', `broker refused '${pending.topics[i]}'`));
    }
  }

  private hasSlot(m: OutgoingMessage): boolean {
    return m.qos === 0 || this.inflight.length < this.maxInflight;
  }

  /** Sends queued messages in order while online; a QoS 1 message waits at the head for a free slot. */
  private flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    while (this.online && this.queue.length > 0 && this.hasSlot(this.queue.peek() as OutgoingMessage)) {
      if (!this.send(this.queue.shift() as OutgoingMessage)) break;
    }
    this.flushing = false;
  }

  /** A QoS 0 message whose write failed goes back to the head of the queue; QoS 1 stays in flight. */
  private send(m: OutgoingMessage): boolean {
    if (m.qos === 1) {
      m.packetId = this.allocateId();
      this.inflight.push(m);
    }
    if (this.sendPublish(m)) return true;
    if (m.qos === 0) this.queue.unshift(m);
    return false;
  }

  private sendPublish(m: OutgoingMessage): boolean {
    const packet = { topic: m.topic, payload: m.payload, qos: m.qos, retain: m.retain, dup: m.dup, packetId: m.packetId };
    if (m.qos === 1) m.dup = true; // any later copy of this message is a resend
    return writePublish(packet, this.deps.write, m.bytes);
  }

  private sendSubscribe(subs: Subscription[]): void {
    const id = this.allocateId();
    this.pendingSubs.push({ id, topics: subs.map((s) => s.topic) });
    this.deps.write(encodeSubscribe(id, subs));
  }

  /** Next packet id in 1..65535 not held by an unacknowledged publish or subscribe (§2.3.1). */
  private allocateId(): number {
    for (let tries = 0; tries < 65535; tries++) {
      this.nextId = this.nextId >= 65535 ? 1 : this.nextId + 1;
      const id = this.nextId;
      if (!this.inflight.some((m) => m.packetId === id) && !this.pendingSubs.some((s) => s.id === id)) break;
    }
    return this.nextId;
  }
}
