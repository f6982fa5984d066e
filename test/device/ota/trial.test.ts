// The alternating record files (device/src/boot/record.ts) and the app's trial guard (device/src/boot/trial.ts).
import fc from 'fast-check';
import { BOOTED, BootRecord, CONFIRMED } from '../../../device/src/boot/boot-record';
import { readRecord, writeRecord } from '../../../device/src/boot/record';
import { TrialGuard, TrialOutcome } from '../../../device/src/boot/trial';
import { rig } from './harness';

describe('two alternating record files', () => {
  test('each write goes to the file that does not hold the newest record', () => {
    const files: Record<string, string> = {};
    const read = (n: string) => files[n];
    const write = (n: string, t: string) => (files[n] = t);
    for (let i = 1; i <= 5; i++) {
      writeRecord(read, write, 'x.', { s: 0, n: i });
      expect(readRecord<{ s: number; n: number }>(read, 'x.')?.record).toEqual({ s: i, n: i });
    }
    expect(Object.keys(files).sort()).toEqual(['x.0', 'x.1']);
  });

  test('property: a torn or garbled newest file leaves the previous record readable', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 9 }), fc.string(), fc.nat(), (writes, garbage, cut) => {
        const files: Record<string, string> = {};
        const read = (n: string) => files[n];
        const write = (n: string, t: string) => (files[n] = t);
        for (let i = 1; i <= writes; i++) writeRecord(read, write, 'x.', { s: 0, n: i });
        const newest = readRecord<{ s: number; n: number }>(read, 'x.')!;
        // A power cut while the newest file was written: cut-off JSON, erased flash or random bytes.
        const text = files[newest.file]!;
        files[newest.file] = [text.slice(0, cut % text.length), '\xff'.repeat(text.length), garbage][cut % 3]!;
        const after = readRecord<{ s: number; n: number }>(read, 'x.');
        expect([writes, writes - 1]).toContain(after?.record.n);
      }),
      { numRuns: 200 },
    );
  });
});

describe('trial guard', () => {
  function guard(record: Partial<BootRecord>) {
    const r = rig();
    writeRecord((n) => r.storage.readText(n), (n, t) => r.storage.write(n, t), 'boot.', { s: 0, c: 'b', p: 'a', t: BOOTED, v: '0.2.0', pv: '0.1.0', h: 5000, ...record });
    let healthy = false;
    const outcomes: TrialOutcome[] = [];
    const g = new TrialGuard({ storage: r.storage, clock: r.clock, healthy: () => healthy, outcome: (o) => outcomes.push(o), log: () => undefined });
    const read = () => readRecord<BootRecord>((n) => r.storage.readText(n), 'boot.')!.record;
    return { r, g, outcomes, read, setHealthy: (h: boolean) => (healthy = h) };
  }

  test('confirms only after the hold time of uninterrupted health; an unhealthy moment starts the hold again', () => {
    const t = guard({ id: 'cmd-9' });
    t.g.start();
    expect(t.g.onTrial()).toBe(true);
    t.setHealthy(true);
    t.r.clock.advance(4000);
    t.setHealthy(false);
    t.r.clock.advance(1000);
    t.setHealthy(true);
    t.r.clock.advance(4500);
    expect(t.read().t).toBe(BOOTED);
    t.r.clock.advance(1500);
    expect(t.read()).toMatchObject({ t: CONFIRMED, c: 'b', v: '0.2.0' });
    expect(t.read().id).toBeUndefined();
    expect(t.outcomes).toEqual([{ ok: true, version: '0.2.0', id: 'cmd-9', summary: 'installed 0.2.0' }]);
    expect(t.g.onTrial()).toBe(false);
  });

  test('hands over a failure the loader recorded, once', () => {
    const t = guard({ c: 'a', p: 'b', t: CONFIRMED, v: '0.1.0', pv: '0.2.0', id: 'cmd-3', f: 'firmware 0.2.0 did not start healthy; back to 0.1.0' });
    t.g.start();
    expect(t.outcomes).toEqual([{ ok: false, version: '0.1.0', id: 'cmd-3', summary: 'firmware 0.2.0 did not start healthy; back to 0.1.0' }]);
    expect(t.read().f).toBeUndefined();
    const again = new TrialGuard({ storage: t.r.storage, clock: t.r.clock, healthy: () => true, outcome: (o) => t.outcomes.push(o), log: () => undefined });
    again.start();
    expect(t.outcomes).toHaveLength(1);
  });
});
