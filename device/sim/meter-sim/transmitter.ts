// The meter's UART transmitter (spec §2: 9600 baud 8N1, no flow control). Frames leave one after another in FIFO
// order. 'realtime' pacing emits bytes at the line rate, 10 bits per byte (start + 8 data + stop) ≈ 1.0417 ms per
// byte at 9600 baud, in small chunks as a UART driver delivers them, and like the meter it pauses 25 ms after every
// 117-byte segment of a longer frame (guide p. 21); 'instant' emits at once (synchronously when there is no delay).
// Timers are injectable so tests can use fake time.

export interface SimTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Monotonic milliseconds, used for pacing. */
  now(): number;
}

/** Global timers, looked up at call time (so jest fake timers apply). */
export const REAL_TIMERS: SimTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => performance.now(),
};

export type Pacing = 'instant' | 'realtime';

export interface TransmitterOptions {
  pacing: Pacing;
  baudRate: number;
  /** 10 for 8N1. */
  bitsPerByte: number;
  /** Realtime: bytes are handed out in chunks of about this many ms of line time. */
  uartChunkMs: number;
  /** Realtime: a pause of segmentPauseMs after every segmentBytes bytes of a frame (guide p. 21: 117 and 25 ms). */
  segmentBytes?: number;
  segmentPauseMs?: number;
  timers: SimTimers;
  emit: (bytes: Uint8Array) => void;
}

export interface EnqueueOptions {
  /** Earliest start, ms from now (meter turnaround, injected delays). */
  delayMs?: number;
  /** Chunk sizes to hand out (fault 'chunking'); default whole frame (instant) or UART-sized chunks (realtime). */
  chunks?: number[] | null;
  /** Go ahead of every item that has not started yet (an alert raised now). */
  urgent?: boolean;
  /** Start no earlier than this long after the previous frame's last byte (a throttled reply, guide p. 21). */
  gapMs?: number;
}

interface Item {
  id: number;
  bytes: Uint8Array;
  readyAt: number;
  chunks: number[] | null;
  gapMs?: number;
}

export class Transmitter {
  private readonly o: TransmitterOptions;
  private readonly queue: Item[] = [];
  private current: Item | null = null;
  private timer: unknown = null;
  private nextId = 1;
  private pumping = false;
  private drainWaiters: (() => void)[] = [];
  /** When the last frame's last byte left (timers.now()), -Infinity before the first. */
  lastEndAt = -Infinity;

  constructor(options: TransmitterOptions) {
    this.o = options;
  }

  /** Line time of one byte, ms. */
  get byteMs(): number {
    return (this.o.bitsPerByte * 1000) / this.o.baudRate;
  }

  enqueue(bytes: Uint8Array, opts: EnqueueOptions = {}): number {
    const item: Item = { id: this.nextId++, bytes, readyAt: this.o.timers.now() + (opts.delayMs ?? 0), chunks: opts.chunks ?? null, gapMs: opts.gapMs };
    if (opts.urgent) {
      item.readyAt = this.o.timers.now();
      this.queue.unshift(item);
    } else {
      this.queue.push(item);
    }
    this.reschedule();
    return item.id;
  }

  /** Queued or being sent. */
  isPending(id: number): boolean {
    return this.current?.id === id || this.queue.some((i) => i.id === id);
  }

  /** Puts `bytes` right before item `id` if that has not started; false otherwise. */
  insertBefore(id: number, bytes: Uint8Array): boolean {
    const at = this.queue.findIndex((i) => i.id === id);
    if (at < 0) return false;
    const target = this.queue[at] as Item;
    this.queue.splice(at, 0, { id: this.nextId++, bytes, readyAt: target.readyAt, chunks: null });
    target.readyAt = 0; // straight after the inserted bytes
    this.reschedule();
    return true;
  }

  /** Puts `bytes` right after item `id` (queued or being sent); false if it is gone. */
  insertAfter(id: number, bytes: Uint8Array): boolean {
    const item: Item = { id: this.nextId++, bytes, readyAt: 0, chunks: null };
    if (this.current?.id === id) this.queue.unshift(item);
    else {
      const at = this.queue.findIndex((i) => i.id === id);
      if (at < 0) return false;
      this.queue.splice(at + 1, 0, item);
    }
    this.reschedule();
    return true;
  }

  idle(): boolean {
    return this.current === null && this.queue.length === 0;
  }

  /** Resolves when everything queued has been emitted. */
  drain(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Drops everything not yet on the wire (ENABLE dropped, close). A frame being sent stops mid-way. */
  clear(): void {
    this.queue.length = 0;
    this.current = null;
    this.stopTimer();
    this.notifyIdle();
  }

  private stopTimer(): void {
    if (this.timer !== null) this.o.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private notifyIdle(): void {
    if (!this.idle()) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }

  private reschedule(): void {
    if (this.current) return; // the running frame's timer continues the pump
    this.stopTimer();
    this.pump();
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.current && this.queue.length > 0) {
        const head = this.queue[0] as Item;
        const wait = Math.max(head.readyAt, head.gapMs ? this.lastEndAt + head.gapMs : 0) - this.o.timers.now();
        if (wait > 0) {
          this.timer = this.o.timers.setTimeout(() => {
            this.timer = null;
            this.pump();
          }, wait);
          return;
        }
        this.queue.shift();
        if (this.o.pacing === 'instant') {
          for (const part of split(head.bytes, head.chunks)) this.o.emit(part);
          this.lastEndAt = this.o.timers.now();
        } else {
          this.current = head;
          this.sendPaced(head, split(head.bytes, head.chunks ?? uartChunks(head.bytes.length, this.o.uartChunkMs, this.byteMs, this.segment())));
        }
      }
    } finally {
      this.pumping = false;
    }
    this.notifyIdle();
  }

  /** Segment size in bytes (0 = none). */
  private segment(): number {
    return this.o.segmentBytes ?? 117;
  }

  /** Emits each chunk when its last byte has left the wire, timed from the start (no drift), plus the segment pauses
   *  before it (a chunk starting in segment s follows s pauses). */
  private sendPaced(item: Item, parts: Uint8Array[]): void {
    const start = this.o.timers.now();
    const seg = this.segment();
    const pause = this.o.segmentPauseMs ?? 25;
    let sent = 0;
    let k = 0;
    const step = (): void => {
      this.timer = null;
      if (this.current !== item) return; // cleared
      const part = parts[k] as Uint8Array;
      const pauses = seg > 0 ? Math.floor(sent / seg) * pause : 0;
      const due = start + (sent + part.length) * this.byteMs + pauses;
      const wait = due - this.o.timers.now();
      if (wait > 0) {
        // Whole milliseconds, rounded up: timers never fire early, so a chunk never leaves before its last byte.
        this.timer = this.o.timers.setTimeout(step, Math.ceil(wait));
        return;
      }
      sent += part.length;
      k++;
      this.o.emit(part);
      if (k < parts.length) return step();
      this.lastEndAt = this.o.timers.now();
      this.current = null;
      this.pump();
    };
    step();
  }
}

/** UART-sized chunks that never straddle a segment boundary (so a segment's pause falls between chunks). */
function uartChunks(total: number, chunkMs: number, byteMs: number, segment: number): number[] {
  const size = Math.max(1, Math.round(chunkMs / byteMs));
  const out: number[] = [];
  let at = 0;
  while (at < total) {
    const segEnd = segment > 0 ? (Math.floor(at / segment) + 1) * segment : total;
    const n = Math.min(size, total - at, segEnd - at);
    out.push(n);
    at += n;
  }
  return out;
}

function split(bytes: Uint8Array, sizes: number[] | null): Uint8Array[] {
  if (!sizes) return [bytes];
  const out: Uint8Array[] = [];
  let at = 0;
  for (const n of sizes) {
    if (at >= bytes.length) break;
    out.push(bytes.slice(at, at + n));
    at += n;
  }
  if (at < bytes.length) out.push(bytes.slice(at));
  return out;
}
