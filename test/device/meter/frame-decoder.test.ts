import fc from 'fast-check';
import { FrameDecoder, FrameEvent } from '../../../device/src/meter/frame-decoder';
import { encodeRequest, MAX_FRAME_BYTES, parseReply } from '../../../device/src/meter/frame';
import { hex, loadVectors } from '../../helpers/vectors';
import { KEY, readPayload, replyFrame } from '../../helpers/session-harness';

const frames = loadVectors('frames.json');
const replies: Uint8Array[] = [...frames.synthetic_frames, ...frames.captured_frames]
  .filter((f: any) => f.kind === 'reply')
  .map((f: any) => hex(f.hex));

function feed(decoder: FrameDecoder, bytes: Uint8Array, cuts: number[]): FrameEvent[] {
  const events: FrameEvent[] = [];
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    events.push(...decoder.push(bytes.subarray(at, c)));
    at = c;
  }
  events.push(...decoder.push(bytes.subarray(at)));
  return events;
}

const framesOf = (events: FrameEvent[]) => events.filter((e) => e.type === 'frame').map((e) => Buffer.from((e as any).bytes).toString('hex'));

describe('[MEP §3.5] streaming frame decoder', () => {
  test('every reply frame in shared/vectors/frames.json is cut out whole, in one piece and byte by byte', () => {
    for (const frame of replies) {
      expect(framesOf(new FrameDecoder({ kind: 'reply' }).push(frame))).toEqual([Buffer.from(frame).toString('hex')]);
      const d = new FrameDecoder({ kind: 'reply' });
      const out: FrameEvent[] = [];
      for (const b of frame) out.push(...d.push(new Uint8Array([b])));
      expect(framesOf(out)).toEqual([Buffer.from(frame).toString('hex')]);
    }
  });

  test('alerts: 00 00 alone, several in a row, and right before a reply (spec §3.4)', () => {
    const d = new FrameDecoder({ kind: 'reply' });
    const reply = replies[1]!;
    const events = d.push(new Uint8Array([0, 0, 0, 0, ...reply, 0, 0]));
    expect(events.map((e) => e.type)).toEqual(['alert', 'alert', 'frame']);
    expect(d.idle().map((e) => e.type)).toEqual(['alert']);
  });

  test('a stray 00 before a reply whose length starts with 00 is not mistaken for an alert', () => {
    const d = new FrameDecoder({ kind: 'reply' });
    const reply = replies[1]!;
    expect(reply[0]).toBe(0);
    const events = d.push(new Uint8Array([0, ...reply]));
    expect(events.map((e) => e.type)).toEqual(['discard', 'frame']);
  });

  test('rejects frames over the 476-byte message limit (465 table bytes, guide p. 8) and resynchronises after them', () => {
    const d = new FrameDecoder({ kind: 'reply' });
    const big = new Uint8Array(MAX_FRAME_BYTES + 1);
    big[0] = (MAX_FRAME_BYTES - 1) >> 8;
    big[1] = (MAX_FRAME_BYTES - 1) & 0xff;
    const ok = replyFrame(new Uint8Array(22), 0, readPayload(new Uint8Array(465)));
    expect(ok.length).toBe(MAX_FRAME_BYTES);
    const events = d.push(new Uint8Array([...big, ...ok]));
    expect(framesOf(events)).toEqual([Buffer.from(ok).toString('hex')]);
  });

  test('a truncated frame is dropped when the line goes idle, and the next frame decodes', () => {
    const d = new FrameDecoder({ kind: 'reply' });
    const reply = replies[3]!;
    expect(d.push(reply.subarray(0, reply.length - 3))).toEqual([]);
    expect(d.idle().some((e) => e.type === 'discard')).toBe(true);
    expect(d.buffered()).toBe(0);
    expect(framesOf(d.push(reply))).toHaveLength(1);
  });

  test('request kind (the meter side) accepts every request shape and ignores short frames', () => {
    const d = new FrameDecoder({ kind: 'request' });
    const reqs = frames.synthetic_frames.filter((f: any) => f.kind === 'request').map((f: any) => hex(f.hex));
    const all = new Uint8Array(reqs.reduce((n: number, r: Uint8Array) => n + r.length, 0));
    let at = 0;
    for (const r of reqs) {
      all.set(r, at);
      at += r.length;
    }
    expect(framesOf(d.push(all))).toHaveLength(reqs.length);
    expect(framesOf(new FrameDecoder({ kind: 'request' }).push(new Uint8Array([0, 5, 1, 2, 3, 4, 5])))).toEqual([]);
  });

  test('property: random bytes in random chunks never throw and only ever yield structurally valid frames', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.array(fc.nat(2000), { maxLength: 40 }), (bytes, cuts) => {
        const d = new FrameDecoder({ kind: 'reply' });
        const events = feed(d, bytes, cuts.filter((c) => c <= bytes.length));
        events.push(...d.idle());
        for (const e of events) {
          if (e.type === 'frame') {
            expect(e.bytes.length).toBeLessThanOrEqual(MAX_FRAME_BYTES);
            expect(parseReply(e.bytes).ok || [0x30, 0x3f, 0x40, 0x4f].includes(e.bytes[2]!)).toBe(true);
          }
        }
        expect(d.buffered()).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  test('property: garbage, a quiet line, then valid frames in any chunking: every frame arrives, in order', () => {
    const validFrame = fc.record({ seq: fc.nat(), status: fc.constantFrom(0, 0, 0, 0x0b, 0x04), len: fc.nat(300) }).map((r) =>
      r.status === 0 ? replyFrame(new Uint8Array(22), 0, readPayload(new Uint8Array(r.len).map((_, i) => (i * 7 + r.seq) & 255))) : replyFrame(new Uint8Array(22), r.status),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(validFrame, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(3000), { maxLength: 30 }), (garbage, list, cuts) => {
        const d = new FrameDecoder({ kind: 'reply' });
        feed(d, garbage, cuts.filter((c) => c <= garbage.length));
        d.idle(); // inter-byte timeout: the meter is quiet between bursts
        const stream = Buffer.concat(list);
        const events = feed(d, new Uint8Array(stream), cuts.filter((c) => c <= stream.length));
        expect(framesOf(events)).toEqual(list.map((f) => Buffer.from(f).toString('hex')));
        expect(events.filter((e) => e.type === 'alert')).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  test('garbage that cannot start a frame (line noise like 0xFF) right before a reply loses nothing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 100 }).map((g) => g.map((b) => b | 0x80)), (garbage) => {
        const frame = replies[5]!;
        const d = new FrameDecoder({ kind: 'reply' });
        expect(framesOf(d.push(new Uint8Array([...garbage, ...frame])))).toEqual([Buffer.from(frame).toString('hex')]);
      }),
    );
  });

  test('a looped-back request is passed on as a frame so the session can recognise it', () => {
    const req = encodeRequest(new Uint8Array([0x30, 0, 0x1c, 2, 0]), 5, KEY);
    expect(framesOf(new FrameDecoder({ kind: 'reply' }).push(req))).toHaveLength(1);
  });
});
