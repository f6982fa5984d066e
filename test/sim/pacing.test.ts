// Spec §2, §15.1: realtime pacing at 9600 baud 8N1 (10 bits per byte ≈ 1.0417 ms), UART-like chunks, turnaround.
import { fullRead } from '../../device/src/meter/requests';
import { BT01, BT28 } from '../../device/src/meter/table-ids';
import { Harness, cut } from './harness';

const BYTE_MS = (10 * 1000) / 9600;

async function timedReply(h: Harness, req: ReturnType<typeof fullRead>): Promise<{ ms: number; stamps: number[] }> {
  const stamps: number[] = [];
  h.sim.on('data', () => stamps.push(performance.now()));
  const t0 = performance.now();
  h.sim.receive(h.frame(req, h.seq++));
  await h.sim.drain();
  return { ms: performance.now() - t0, stamps: stamps.map((s) => s - t0) };
}

describe('[MEP §2] realtime pacing', () => {
  test('a 45-byte reply (BT01) takes ≈ 45 × 10 / 9600 s and arrives in UART-sized chunks', async () => {
    const h = new Harness({ pacing: 'realtime', turnaroundMs: 0 });
    const { ms, stamps } = await timedReply(h, fullRead(BT01));
    const expected = 45 * BYTE_MS; // 46.9 ms
    expect(ms).toBeGreaterThanOrEqual(expected - 1);
    expect(ms).toBeLessThan(expected + 35);
    expect(h.chunks.length).toBe(5); // ~10-ms chunks of 10 bytes: 10+10+10+10+5
    expect(stamps[0]!).toBeGreaterThanOrEqual(10 * BYTE_MS - 1);
    const events = h.take();
    expect(events.map((e) => e.type)).toEqual(['frame']);
  });

  test('a 233-byte BT28 reply takes ≈ 288 ms with its segment pause, without drift; turnaround delays the first byte', async () => {
    const h = new Harness({ pacing: 'realtime', turnaroundMs: 20 });
    const { ms, stamps } = await timedReply(h, fullRead(BT28));
    const expected = 20 + 233 * BYTE_MS + 25; // 287.7 ms: two 117-byte segments, one 25-ms pause (guide p. 21)
    expect(ms).toBeGreaterThanOrEqual(expected - 1);
    expect(ms).toBeLessThan(expected + 40);
    expect(stamps[0]!).toBeGreaterThanOrEqual(20 + 10 * BYTE_MS - 1);
    expect(cut(h.wire())).toHaveLength(1);
  });

  test('fake timers drive realtime pacing too', () => {
    jest.useFakeTimers();
    try {
      const h = new Harness({ pacing: 'realtime', turnaroundMs: 0 });
      h.sim.receive(h.frame(fullRead(BT01)));
      jest.advanceTimersByTime(Math.floor(45 * BYTE_MS) - 1);
      expect(h.chunks.length).toBe(4);
      jest.advanceTimersByTime(2);
      expect(h.take().map((e) => e.type)).toEqual(['frame']);
    } finally {
      jest.useRealTimers();
    }
  });

  test('a slower baud rate scales the time; instant pacing is synchronous', async () => {
    jest.useFakeTimers();
    try {
      const h = new Harness({ pacing: 'realtime', turnaroundMs: 0, baudRate: 1200 });
      h.sim.receive(h.frame(fullRead(BT01)));
      jest.advanceTimersByTime(45 * 10 * (1000 / 1200) - 2); // 375 ms
      expect(h.chunks.reduce((a, c) => a + c.length, 0)).toBeLessThan(45);
      jest.advanceTimersByTime(3);
      expect(h.take().map((e) => e.type)).toEqual(['frame']);
    } finally {
      jest.useRealTimers();
    }
    const instant = new Harness();
    instant.sim.receive(instant.frame(fullRead(BT01)));
    expect(instant.chunks).toHaveLength(1);
  });

  test('incomplete request bytes are dropped after the inter-byte timeout', () => {
    jest.useFakeTimers();
    try {
      const h = new Harness({ interByteTimeoutMs: 100 });
      const f = h.frame(fullRead(BT01));
      h.sim.receive(f.subarray(0, 6));
      jest.advanceTimersByTime(150);
      h.sim.receive(f.subarray(6));
      expect(h.take()).toHaveLength(0);
      h.sim.receive(f.subarray(0, 6));
      jest.advanceTimersByTime(50);
      h.sim.receive(f.subarray(6));
      expect(h.take()).toHaveLength(1);
    } finally {
      jest.useRealTimers();
    }
  });
});
