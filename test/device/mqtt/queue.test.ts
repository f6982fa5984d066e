// The bounded outgoing queue and the reconnect delays: pure parts of the client.
import { backoffDelay, backoffStep } from '../../../device/src/mqtt/backoff';
import { OutgoingMessage, OutgoingQueue } from '../../../device/src/mqtt/queue';

function msg(topic: string, o?: Partial<OutgoingMessage>): OutgoingMessage {
  return { topic, payload: 'x'.repeat(o?.bytes ?? 10), qos: 0, retain: false, bytes: 10, packetId: 0, dup: false, ...o };
}

function drain(q: OutgoingQueue): string[] {
  const out: string[] = [];
  for (let m = q.shift(); m; m = q.shift()) out.push(m.topic);
  return out;
}

describe('outgoing queue', () => {
  test('bounded by count: the oldest goes first', () => {
    const q = new OutgoingQueue({ count: 3 });
    const dropped = ['a', 'b', 'c', 'd', 'e'].map((t) => q.push(msg(t)));
    expect(dropped).toEqual([0, 0, 0, 1, 1]);
    expect(q.length).toBe(3);
    expect(drain(q)).toEqual(['c', 'd', 'e']);
    expect(q.bytes).toBe(0);
  });

  test('bounded by payload bytes', () => {
    const q = new OutgoingQueue({ count: 100, bytes: 100 });
    for (let i = 0; i < 20; i++) q.push(msg(`s${i}`, { bytes: 30 }));
    expect(q.bytes).toBeLessThanOrEqual(100);
    expect(drain(q)).toEqual(['s17', 's18', 's19']);
  });

  test('state (non-retained, or with a replaceKey) is dropped before retained configuration', () => {
    const q = new OutgoingQueue({ count: 4 });
    q.push(msg('config/1', { retain: true }));
    q.push(msg('state/1'));
    q.push(msg('config/2', { retain: true }));
    q.push(msg('state/retained', { retain: true, replaceKey: 'state' }));
    q.push(msg('state/2'));
    q.push(msg('state/3'));
    expect(drain(q)).toEqual(['config/1', 'config/2', 'state/2', 'state/3']);
  });

  test('when only retained messages are left, the oldest of them goes', () => {
    const q = new OutgoingQueue({ count: 2 });
    q.push(msg('c1', { retain: true }));
    q.push(msg('c2', { retain: true }));
    q.push(msg('c3', { retain: true }));
    expect(drain(q)).toEqual(['c2', 'c3']);
  });

  test('a newer message with the same replaceKey replaces the queued one', () => {
    const q = new OutgoingQueue({ count: 10 });
    q.push(msg('mep/state', { replaceKey: 'state', payload: 'old' }));
    q.push(msg('mep/diag'));
    expect(q.push(msg('mep/state', { replaceKey: 'state', payload: 'new' }))).toBe(0);
    expect(q.length).toBe(2);
    expect(q.shift()!.topic).toBe('mep/diag');
    expect(q.shift()!.payload).toBe('new');
  });

  test('unshift puts a message back at the head', () => {
    const q = new OutgoingQueue();
    q.push(msg('b'));
    q.unshift(msg('a'));
    expect(q.bytes).toBe(20);
    expect(drain(q)).toEqual(['a', 'b']);
  });

  test('defaults: 32 messages, 8192 bytes', () => {
    const q = new OutgoingQueue();
    expect([q.maxCount, q.maxBytes]).toEqual([32, 8192]);
  });
});

describe('reconnect backoff', () => {
  const o = { initialMs: 1000, maxMs: 60000 };

  test('steps double from initialMs and stop at maxMs', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 100].map((a) => backoffStep(a, o))).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });

  test('equal jitter: the delay lies in [step/2, step), so never a tight loop', () => {
    for (let a = 0; a < 10; a++) {
      const step = backoffStep(a, o);
      expect(backoffDelay(a, o, () => 0)).toBe(step / 2);
      expect(backoffDelay(a, o, () => 0.999999)).toBeLessThan(step);
      expect(backoffDelay(a, o, () => 0.999999)).toBeGreaterThanOrEqual(step * 0.99);
    }
  });

  test('a broken random source cannot produce 0 or NaN delays', () => {
    for (const r of [NaN, -1, 1, 7, Infinity]) expect(backoffDelay(0, o, () => r)).toBe(750);
  });
});
