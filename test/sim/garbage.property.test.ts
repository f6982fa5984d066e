// Spec §3.5, §15.2: whatever arrives on the line, the simulator never throws and never answers anything but a
// request frame whose digest verifies; noise can at worst earn a 0x0B. Chunking never changes the answers.
import fc from 'fast-check';
import { fullRead, partialRead } from '../../device/src/meter/requests';
import { BT01, BT23, BT52 } from '../../device/src/meter/table-ids';
import type { RequestRecord } from '../../device/sim/meter-sim';
import { Harness, cut, hexOf } from './harness';
import { hex } from '../helpers/vectors';

function run(bytes: Uint8Array, chunks: number[], initialSeq = 1234): { h: Harness; recs: RequestRecord[] } {
  const h = new Harness({ initialSeq });
  const recs: RequestRecord[] = [];
  h.sim.on('request', (r: RequestRecord) => recs.push(r));
  let at = 0;
  for (const n of chunks) {
    if (at >= bytes.length) break;
    h.sim.receive(bytes.subarray(at, at + n));
    at += n;
  }
  h.sim.receive(bytes.subarray(at));
  h.sim.flushInput();
  return { h, recs };
}

const chunking = fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 30 });

describe('[MEP §3.5/§15.2] garbage on the line (fast-check)', () => {
  test('bytes that can never form a LEN ≤ 523 (all ≥ 0x80): no output at all', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 600, min: 0x80, max: 0xff }), chunking, (bytes, chunks) => {
        const { h, recs } = run(bytes, chunks);
        expect(h.wire().length).toBe(0);
        expect(recs).toHaveLength(0);
        expect(h.sim.expectedSeq).toBe(1234);
        h.sim.close();
      }),
      { numRuns: 200 },
    );
  });

  test('arbitrary bytes: never throws; only 0x0B replies, one per cut frame; no state change', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 700 }), chunking, (bytes, chunks) => {
        const { h, recs } = run(bytes, chunks);
        const frames = cut(h.wire()).filter((e) => e.type === 'frame');
        expect(frames.length).toBe(recs.length);
        for (const f of frames) expect(f.reply!.status).toBe(0x0b);
        for (const r of recs) expect(r.outcome).toBe('auth-failure');
        expect(h.sim.expectedSeq).toBe(1234);
        expect(h.sim.procedures.log).toHaveLength(0);
        h.sim.close();
      }),
      { numRuns: 300 },
    );
  });

  test('after noise and an idle line, a valid request is answered normally', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (noise) => {
        const h = new Harness({ initialSeq: 1 });
        h.sim.receive(noise);
        h.sim.flushInput();
        h.wire();
        const events = h.send(fullRead(BT01), { seq: 1 });
        expect(events.map((e) => e.reply?.status)).toEqual([0]);
        h.sim.close();
      }),
      { numRuns: 100 },
    );
  });

  test('any chunking of a stream of requests gives the same replies as one write', () => {
    const reference = new Harness({ initialSeq: 1 });
    const reqs = [fullRead(BT52), partialRead(BT23, 0, 13), fullRead(BT01), fullRead(0x0999)];
    const stream = Buffer.concat(reqs.map((r, k) => reference.frame(r, k + 1)));
    const expected = hexOf(run(stream, [], 1).h.wire());
    expect(cut(hex(expected)).map((e) => e.reply!.status)).toEqual([0, 0, 0, 0x02]);
    fc.assert(
      fc.property(chunking, (chunks) => {
        const { h } = run(stream, chunks, 1);
        expect(hexOf(h.wire())).toBe(expected);
        h.sim.close();
      }),
      { numRuns: 100 },
    );
  });
});
