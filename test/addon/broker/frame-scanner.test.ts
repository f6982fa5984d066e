// The fixed-header scanner that lets the embedded broker drop a connection when a packet announces an oversized
// length: correct for any chunking, stops at the first packet over the limit, flags malformed lengths.
import fc from 'fast-check';
import { MqttFrameScanner } from '../../../addon/src/broker/frame-scanner';

/** MQTT's variable-length remaining length (§2.2.3). */
function encodeLength(n: number): number[] {
  const out: number[] = [];
  let x = n;
  do {
    let b = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) b |= 0x80;
    out.push(b);
  } while (x > 0);
  return out;
}

/** One MQTT packet: type byte, remaining length, body. */
function packet(type: number, bodyLength: number): Buffer {
  return Buffer.concat([Buffer.from([type, ...encodeLength(bodyLength)]), Buffer.alloc(bodyLength, 0x61)]);
}

function scanInChunks(limit: number, bytes: Buffer, cuts: number[]) {
  const scanner = new MqttFrameScanner(limit);
  let at = 0;
  for (const cut of [...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length]) {
    const r = scanner.push(bytes.subarray(at, cut));
    at = cut;
    if (!r.ok) return r;
  }
  return { ok: true as const };
}

test('packets within the limit pass, however the stream is cut', () => {
  fc.assert(
    fc.property(fc.array(fc.nat(3000), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(100000), { maxLength: 10 }), (sizes, cuts) => {
      const bytes = Buffer.concat(sizes.map((n) => packet(0x30, n)));
      expect(scanInChunks(3000, bytes, cuts)).toEqual({ ok: true });
    }),
  );
});

test('the first packet over the limit is reported with its declared size, even split inside its header', () => {
  fc.assert(
    fc.property(fc.array(fc.nat(500), { maxLength: 4 }), fc.integer({ min: 1001, max: 268435455 }), fc.array(fc.nat(5000), { maxLength: 6 }), (before, big, cuts) => {
      const bigStart = Buffer.from([0x30, ...encodeLength(big), 0, 1, 0x78]); // only the start of its body
      const bytes = Buffer.concat([...before.map((n) => packet(0x30, n)), bigStart]);
      expect(scanInChunks(1000, bytes, cuts)).toEqual({ ok: false, declared: big });
    }),
  );
});

test('a length field longer than four bytes is malformed', () => {
  expect(new MqttFrameScanner(1000).push(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toEqual({ ok: false, declared: null });
});
