// Micro-benchmarks of the protocol core's hot paths (espruino.md §3 measured the same paths on the interpreter).
import { performance } from 'perf_hooks';
import { omaDigest } from '../device/src/meter/digest';
import { encodeRequest } from '../device/src/meter/frame';
import { fullRead } from '../device/src/meter/requests';
import { replyDigest } from '../device/src/meter/reply-digest';
import { decodeBt28 } from '../device/src/meter/tables/bt28-present-values';
import { parseMbk } from '../device/src/meter/key';
import { readFileSync } from 'fs';
import { join } from 'path';

export interface Figure {
  name: string;
  value: number;
  unit: string;
}

function perCall(run: () => void, minMs = 300): number {
  for (let i = 0; i < 1000; i++) run(); // warm up the JIT
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 1000; i++) run();
    n += 1000;
    elapsed = performance.now() - start;
  }
  return (elapsed * 1000) / n; // µs per call
}

export function microBenchmarks(): Figure[] {
  const key = (parseMbk('ABCDEFGHIJKLMNOPQRST') as { digestKey: Uint8Array }).digestKey;
  const frames = JSON.parse(readFileSync(join(__dirname, '..', '..', 'shared', 'vectors', 'frames.json'), 'utf8'));
  const c07 = Buffer.from(frames.captured_frames.find((f: { id: string }) => f.id === 'C07').hex, 'hex');
  const reply = new Uint8Array(c07);
  const bt28 = reply.subarray(5, reply.length - 8);
  const apdu = fullRead(0x1c).apdu;
  const request = encodeRequest(apdu, 7, key);
  let sink = 0;
  return [
    { name: 'digest per request frame (BT28 read, 9 digested bytes, 1 pass)', value: perCall(() => (sink += encodeRequest(apdu, 7, key)[18] as number)), unit: 'µs' },
    { name: `reply digest per ${reply.length}-byte BT28 reply (request ‖ reply, guide p. 250)`, value: perCall(() => (sink += replyDigest(key, request, reply)[0] as number)), unit: 'µs' },
    { name: 'raw OMA digest of 192 bytes', value: perCall(() => (sink += omaDigest(key, reply.subarray(0, 192))[0] as number)), unit: 'µs' },
    { name: 'BT28 decode (55 values, capture C07)', value: perCall(() => (sink += decodeBt28(bt28, {}).ok ? 1 : 0)), unit: 'µs' },
  ].concat(sink < 0 ? [] : []);
}
