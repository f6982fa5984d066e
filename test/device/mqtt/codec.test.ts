// The device's MQTT codec against mqtt-packet (the encoder/parser of MQTT.js and aedes): byte-identical encoding of
// everything the device sends, and decoding of everything a broker sends, in any chunking.
import fc from 'fast-check';
import * as mqttPacket from 'mqtt-packet';
import {
  ConnectOptions, PublishPacket, Subscription, connackMessage, encodeConnect, encodeDisconnect, encodePingreq,
  encodePuback, encodePublish, encodeSubscribe, payloadLength, writePublish,
} from '../../../device/src/mqtt/codec';
import { Incoming, MqttDecoder } from '../../../device/src/mqtt/decoder';
import { PieceSource } from '../../../device/src/hal/types';
import { piecesOf } from '../../helpers/node-tcp';

/** Text chunks as the payload type takes them. */
function chunksOf(parts: string[]): (index: number) => string | null {
  return (i) => parts[i] ?? null;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const gen = (packet: object) => hex(mqttPacket.generate(packet as mqttPacket.Packet));

/** Topic-like text: any Unicode, including astral characters (4-byte UTF-8). */
const text = (maxLength: number, minLength = 0) => fc.string({ unit: 'grapheme', minLength, maxLength });
const bytes = (maxLength: number) => fc.uint8Array({ maxLength });
const qos = fc.constantFrom<0 | 1>(0, 1);
const packetId = fc.integer({ min: 1, max: 65535 });

function decodeAll(stream: Uint8Array, cuts: number[], maxPacketSize?: number): Incoming[] {
  const decoder = new MqttDecoder({ maxPacketSize });
  const out: Incoming[] = [];
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    decoder.push(stream.subarray(at, c), (p) => out.push(p));
    at = c;
  }
  decoder.push(stream.subarray(at), (p) => out.push(p));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts.map((p) => Buffer.from(p))));
}

describe('[MQTT 3.1.1 §3] encoder output equals mqtt-packet generate()', () => {
  test('[§3.1] CONNECT: client id, clean session, keep-alive, user name/password, Will topic/payload/QoS/retain', () => {
    const will = fc.record({ topic: text(20, 1), payload: fc.oneof(text(20), bytes(20)), qos, retain: fc.boolean() });
    const connect = fc.record(
      {
        clientId: text(23),
        keepaliveS: fc.integer({ min: 0, max: 65535 }),
        cleanSession: fc.boolean(),
        username: text(12),
        password: text(12),
        will,
      },
      { requiredKeys: ['clientId', 'keepaliveS', 'cleanSession'] },
    );
    fc.assert(
      fc.property(connect, (o: ConnectOptions) => {
        fc.pre(o.cleanSession || o.clientId.length > 0); // [MQTT-3.1.3-7]: mqtt-packet refuses to encode it
        const w = o.will;
        const expected = gen({
          cmd: 'connect',
          protocolId: 'MQTT',
          protocolVersion: 4,
          clientId: o.clientId,
          clean: o.cleanSession,
          keepalive: o.keepaliveS,
          // mqtt-packet needs a user name with a password; the device then sends an empty one (§3.1.2.9).
          username: o.username ?? (o.password !== undefined ? '' : undefined),
          password: o.password === undefined ? undefined : Buffer.from(o.password),
          will: w && { topic: w.topic, payload: Buffer.from(w.payload as any), qos: w.qos, retain: w.retain },
        });
        expect(hex(encodeConnect(o))).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  test('[§3.3] PUBLISH QoS 0/1 with retain, dup and packet id; payload as string, bytes or chunks', () => {
    const payload = fc.oneof(text(300), bytes(600), fc.array(text(80), { maxLength: 12 }));
    const publish = fc.record({ topic: text(40, 1), payload, qos, retain: fc.boolean(), dup: fc.boolean(), packetId });
    fc.assert(
      fc.property(publish, (record) => {
        const body = Array.isArray(record.payload) ? record.payload.join('') : record.payload;
        const p: PublishPacket = { ...record, payload: Array.isArray(record.payload) ? chunksOf(record.payload) : record.payload };
        const expected = gen({
          cmd: 'publish',
          topic: p.topic,
          payload: typeof body === 'string' ? body : Buffer.from(body),
          qos: p.qos,
          retain: p.retain,
          dup: p.dup,
          messageId: p.qos > 0 ? p.packetId : undefined,
        });
        expect(hex(encodePublish(p))).toBe(expected);
        expect(payloadLength(p.payload)).toBe(Buffer.byteLength(typeof body === 'string' ? body : Buffer.from(body)));
      }),
      { numRuns: 400 },
    );
  });

  test('[§3.3] a chunked payload is written header first, then made piece by piece only as the socket asks', () => {
    const parts = Array.from({ length: 40 }, (_, i) => `{"key_${i}":"${'x'.repeat(90 + i)}"},`);
    const asked: number[] = [];
    const chunks = (i: number) => {
      asked.push(i);
      return parts[i] ?? null;
    };
    const writes: (Uint8Array | PieceSource)[] = [];
    const total = parts.join('').length;
    const p = { topic: 'homeassistant/sensor/mep/config', payload: chunks, qos: 1 as const, retain: true, packetId: 9 };
    writePublish(p, (b) => {
      writes.push(b);
      return true;
    }, total);
    expect(writes).toHaveLength(2);
    expect((writes[0] as Uint8Array).length).toBe(1 + 2 + 2 + 'homeassistant/sensor/mep/config'.length + 2); // header only
    expect(asked).toEqual([]); // nothing made before the socket can take it
    const source = writes[1] as PieceSource;
    const pieces: Uint8Array[] = [];
    for (let piece = source(); piece !== null; piece = source()) {
      pieces.push(piece);
      // Whole chunks, about one TCP chunk (536 bytes) at a time, and only the chunks this piece holds were made.
      const made = asked.filter((i) => i < parts.length);
      expect(Buffer.from(piece).toString()).toBe(parts.slice(made[0], made[made.length - 1]! + 1).join(''));
      expect(new Set(made).size).toBe(made.length);
      expect(piece.length).toBeLessThan(536 + 140);
      asked.length = 0;
    }
    for (const piece of pieces.slice(0, -1)) expect(piece.length).toBeGreaterThanOrEqual(536);
    expect(pieces.length).toBeLessThanOrEqual(Math.ceil(total / 536));
    expect(hex(concat([writes[0] as Uint8Array, ...pieces]))).toBe(
      gen({ cmd: 'publish', topic: p.topic, payload: parts.join(''), qos: 1, retain: true, messageId: 9 }),
    );
  });

  test('empty chunks are skipped: a zero-byte socket write would never be followed by drain', () => {
    const writes: (Uint8Array | PieceSource)[] = [];
    writePublish({ topic: 't', payload: chunksOf(['', '', '']), qos: 0 }, (b) => writes.push(b) > 0);
    expect(piecesOf(writes[1] as PieceSource)).toEqual([]);
    writes.length = 0;
    writePublish({ topic: 't', payload: chunksOf(['{', '', '"a":1', '', '}']), qos: 0 }, (b) => writes.push(b) > 0);
    expect(piecesOf(writes[1] as PieceSource).map((b) => Buffer.from(b).toString())).toEqual(['{"a":1}']);
  });

  test('a failed write stops a publish at once', () => {
    let calls = 0;
    const ok = writePublish({ topic: 't', payload: 'a'.repeat(300), qos: 0 }, () => ++calls < 1);
    expect(ok).toBe(false);
    expect(calls).toBe(1);
    calls = 0;
    expect(writePublish({ topic: 't', payload: new Uint8Array(2000), qos: 0 }, () => ++calls < 2)).toBe(false);
    expect(calls).toBe(2);
  });

  test('[§3.8] SUBSCRIBE with several filters', () => {
    const subs = fc.array(fc.record({ topic: text(30, 1), qos }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(packetId, subs, (id: number, s: Subscription[]) => {
        expect(hex(encodeSubscribe(id, s))).toBe(gen({ cmd: 'subscribe', messageId: id, subscriptions: s }));
      }),
    );
  });

  test('[§3.4, §3.12, §3.14] PUBACK, PINGREQ, DISCONNECT', () => {
    fc.assert(fc.property(packetId, (id) => expect(hex(encodePuback(id))).toBe(gen({ cmd: 'puback', messageId: id }))));
    expect(hex(encodePingreq())).toBe(gen({ cmd: 'pingreq' }));
    expect(hex(encodeDisconnect())).toBe(gen({ cmd: 'disconnect' }));
  });

  test('[§2.2.3] Remaining Length at the 1/2/3-byte boundaries', () => {
    for (const size of [0, 1, 120, 121, 122, 123, 16375, 16376, 16377, 20000]) {
      const p: PublishPacket = { topic: 'a', payload: new Uint8Array(size).fill(7), qos: 0 };
      expect(hex(encodePublish(p))).toBe(gen({ cmd: 'publish', topic: 'a', payload: Buffer.from(p.payload as Uint8Array), qos: 0 }));
    }
  });
});

/** What mqtt-packet generates for a broker-side packet, and what our decoder must make of it. */
const brokerPacket = fc.oneof(
  fc.record({ returnCode: fc.integer({ min: 0, max: 5 }), sessionPresent: fc.boolean() }).map((c) => ({
    wire: { cmd: 'connack', ...c },
    want: { type: 'connack', sessionPresent: c.sessionPresent, returnCode: c.returnCode } as Incoming,
  })),
  fc.record({ topic: text(30, 1), payload: bytes(300), qos: fc.constantFrom(0, 1, 2), retain: fc.boolean(), dup: fc.boolean(), id: packetId }).map((p) => ({
    wire: { cmd: 'publish', topic: p.topic, payload: Buffer.from(p.payload), qos: p.qos, retain: p.retain, dup: p.dup, messageId: p.qos > 0 ? p.id : undefined },
    want: { type: 'publish', topic: p.topic, payload: p.payload, qos: p.qos, retain: p.retain, dup: p.dup, packetId: p.qos > 0 ? p.id : 0 } as Incoming,
  })),
  packetId.map((id) => ({ wire: { cmd: 'puback', messageId: id }, want: { type: 'puback', packetId: id } as Incoming })),
  packetId.map((id) => ({ wire: { cmd: 'unsuback', messageId: id }, want: { type: 'unsuback', packetId: id } as Incoming })),
  fc.record({ id: packetId, granted: fc.array(fc.constantFrom(0, 1, 2, 0x80), { minLength: 1, maxLength: 5 }) }).map((s) => ({
    wire: { cmd: 'suback', messageId: s.id, granted: s.granted },
    want: { type: 'suback', packetId: s.id, granted: s.granted } as Incoming,
  })),
  fc.constant({ wire: { cmd: 'pingresp' }, want: { type: 'pingresp' } as Incoming }),
);

function normalise(p: Incoming): unknown {
  return p.type === 'publish' ? { ...p, payload: hex(p.payload) } : p;
}

describe('[MQTT 3.1.1 §2–§3] streaming decoder', () => {
  test('decodes a stream of broker packets from mqtt-packet in any chunking', () => {
    fc.assert(
      fc.property(fc.array(brokerPacket, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 30 }), (packets, rawCuts) => {
        const stream = concat(packets.map((p) => mqttPacket.generate(p.wire as mqttPacket.Packet)));
        const cuts = rawCuts.map((c) => c % (stream.length + 1));
        expect(decodeAll(stream, cuts).map(normalise)).toEqual(packets.map((p) => normalise(p.want)));
      }),
      { numRuns: 500 },
    );
  });

  test('byte by byte', () => {
    const stream = concat([
      mqttPacket.generate({ cmd: 'connack', returnCode: 0, sessionPresent: true }),
      mqttPacket.generate({ cmd: 'publish', topic: 'ha/status', payload: Buffer.from('online'), qos: 1, messageId: 77, retain: true, dup: false }),
      mqttPacket.generate({ cmd: 'pingresp' }),
    ]);
    const cuts = Array.from({ length: stream.length }, (_, i) => i);
    const out = decodeAll(stream, cuts).map(normalise);
    expect(out).toEqual([
      { type: 'connack', sessionPresent: true, returnCode: 0 },
      { type: 'publish', topic: 'ha/status', payload: hex(Buffer.from('online')), qos: 1, retain: true, dup: false, packetId: 77 },
      { type: 'pingresp' },
    ]);
  });

  test('[§3.2.2.3] CONNACK return codes have their meaning', () => {
    expect([0, 1, 2, 3, 4, 5].map(connackMessage)).toEqual([
      'connection accepted', 'unacceptable protocol version', 'identifier rejected', 'server unavailable',
      'bad user name or password', 'not authorized',
    ]);
    expect(connackMessage(9)).toBe('reserved return code 9');
  });

  test.each([
    ['Remaining Length of 5 bytes', [0x30, 0xff, 0xff, 0xff, 0xff, 0x01], 'bad-length'],
    ['PUBACK with flags', [0x42, 0x02, 0x00, 0x01], 'bad-flags'],
    ['PUBLISH with QoS 3', [0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01], 'bad-flags'],
    ['CONNECT from a broker', [0x10, 0x00], 'unexpected-packet'],
    ['SUBSCRIBE from a broker', [0x82, 0x00], 'unexpected-packet'],
    ['reserved type 0', [0x00, 0x00], 'unexpected-packet'],
    ['reserved type 15', [0xf0, 0x00], 'unexpected-packet'],
    ['CONNACK of 3 bytes', [0x20, 0x03, 0x00, 0x00, 0x00], 'bad-packet'],
    ['CONNACK with reserved flags', [0x20, 0x02, 0x02, 0x00], 'bad-packet'],
    ['PUBLISH topic longer than the packet', [0x30, 0x03, 0x00, 0x09, 0x61], 'bad-packet'],
    ['PUBLISH QoS 1 without packet id', [0x32, 0x04, 0x00, 0x01, 0x61, 0x00], 'bad-packet'],
    ['PUBLISH QoS 1 with packet id 0', [0x32, 0x05, 0x00, 0x01, 0x61, 0x00, 0x00], 'bad-packet'],
    ['SUBACK return code 3', [0x90, 0x03, 0x00, 0x01, 0x03], 'bad-packet'],
    ['SUBACK without codes', [0x90, 0x02, 0x00, 0x01], 'bad-packet'],
    ['PINGRESP with a body', [0xd0, 0x01, 0x00], 'bad-packet'],
  ])('malformed: %s → error value, decoder stops until reset()', (_name, input, code) => {
    const decoder = new MqttDecoder();
    const out: Incoming[] = [];
    const ping = [0xd0, 0x00];
    decoder.push(new Uint8Array([...input, ...ping]), (p) => out.push(p));
    expect(out).toEqual([{ type: 'error', code, message: expect.any(String) }]);
    decoder.push(new Uint8Array(ping), (p) => out.push(p));
    expect(out).toHaveLength(1);
    decoder.reset();
    decoder.push(new Uint8Array(ping), (p) => out.push(p));
    expect(out[1]).toEqual({ type: 'pingresp' });
  });

  test('random bytes never throw; every output is a packet or a single final error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat(), { maxLength: 10 }), (stream, rawCuts) => {
        const out = decodeAll(stream, rawCuts.map((c) => c % (stream.length + 1)), 64);
        const errors = out.filter((p) => p.type === 'error');
        expect(errors.length).toBeLessThanOrEqual(1);
        if (errors.length === 1) expect(out[out.length - 1]!.type).toBe('error');
      }),
      { numRuns: 1000 },
    );
  });

  test('oversized packets are skipped as they stream past, QoS 1 packet id kept, next packet decoded', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 20000 }), text(40, 1), packetId, fc.array(fc.nat(), { maxLength: 20 }), (size, topic, id, rawCuts) => {
        const big = mqttPacket.generate({ cmd: 'publish', topic, payload: Buffer.alloc(size, 1), qos: 1, messageId: id, retain: false, dup: false });
        const stream = concat([big, mqttPacket.generate({ cmd: 'puback', messageId: 5 })]);
        const out = decodeAll(stream, rawCuts.map((c) => c % (stream.length + 1)), 64);
        expect(out).toEqual([
          { type: 'skipped', packetType: 3, size: big.length, qos: 1, packetId: id },
          { type: 'puback', packetId: 5 },
        ]);
      }),
      { numRuns: 300 },
    );
  });

  test('a skipped packet is never buffered', () => {
    const decoder = new MqttDecoder({ maxPacketSize: 4096 });
    const head = mqttPacket.generate({ cmd: 'publish', topic: 'ota/blob', payload: Buffer.alloc(100000), qos: 0, retain: false, dup: false });
    const out: Incoming[] = [];
    for (let at = 0; at < head.length; at += 1000) {
      decoder.push(head.subarray(at, at + 1000), (p) => out.push(p));
      expect((decoder as any).body).toBeNull();
    }
    expect(out).toEqual([{ type: 'skipped', packetType: 3, size: head.length, qos: 0, packetId: 0 }]);
  });

  test('the default limit is 4096 bytes per packet, fixed header included', () => {
    const topic = 't';
    const fits = mqttPacket.generate({ cmd: 'publish', topic, payload: Buffer.alloc(4096 - 3 - 3), qos: 0, retain: false, dup: false });
    expect(fits.length).toBe(4096);
    const out: Incoming[] = [];
    new MqttDecoder().push(concat([fits, mqttPacket.generate({ cmd: 'publish', topic, payload: Buffer.alloc(4091), qos: 0, retain: false, dup: false })]), (p) => out.push(p));
    expect(out.map((p) => p.type)).toEqual(['publish', 'skipped']);
  });
});
