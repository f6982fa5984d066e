// The shared layout of authenticated commands and pairing (discovery/command-mac.ts, pairing.ts, hmac-sha256.ts):
// HMAC-SHA256 against RFC 4231 with both SHA-256 primitives (node:crypto and the device's pure one, which stands
// for Espruino's crypto.SHA256), the signed payload, counter rules, and the pairing exchange.
import { createCipheriv, createHmac } from 'node:crypto';
import fc from 'fast-check';
import {
  brokerPassword, commandKeys, commandMac, counterAccepted, ctrXor, isCounterText, macInput, MAX_COUNTER, nextCounter, parseSigned, signedHeader,
  splitEncryptedField,
} from '../../discovery/command-mac';
import { hmacSha256, sameBytes, Sha256 } from '../../discovery/hmac-sha256';
import { normalizePairCode, openPairReply, pairCodeFrom, sealPairReply } from '../../discovery/pairing';
import { sha256 as deviceSha256 } from '../../device/src/ota/sha256';
import { encryptField, nodeSha256 } from '../../addon/src/pairing/signer';

const hex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const PRIMITIVES: [string, Sha256][] = [['node', nodeSha256], ['device', deviceSha256]];

describe.each(PRIMITIVES)('HMAC-SHA256 over the %s SHA-256', (_name, sha) => {
  test('RFC 4231 test cases 1, 2, 6 (key longer than a block)', () => {
    expect(Buffer.from(hmacSha256(sha, hex('0b'.repeat(20)), Buffer.from('Hi There'))).toString('hex'))
      .toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
    expect(Buffer.from(hmacSha256(sha, Buffer.from('Jefe'), Buffer.from('what do ya want for nothing?'))).toString('hex'))
      .toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    expect(Buffer.from(hmacSha256(sha, hex('aa'.repeat(131)), Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First'))).toString('hex'))
      .toBe('60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54');
  });

  test('agrees with node:crypto on any key and message', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 150 }), fc.uint8Array({ maxLength: 300 }), (key, msg) => {
        expect(Buffer.from(hmacSha256(sha, key, msg)).equals(createHmac('sha256', key).update(msg).digest())).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe('signed commands', () => {
  const secret = hex('11'.repeat(32));
  const keys = commandKeys(nodeSha256, secret);
  const topic = 'mep/mep_240ac4123456/cmd/restart';
  const body = '{"id":"r1"}';

  test('the key derivation is HMAC(secret, label): fixed values the device must reproduce', () => {
    expect(Buffer.from(keys.mac).toString('hex')).toBe(createHmac('sha256', secret).update('mep cmd mac v1').digest('hex'));
    expect(Buffer.from(keys.enc).toString('hex')).toBe(createHmac('sha256', secret).update('mep cmd enc v1').digest('hex').slice(0, 32));
    expect(brokerPassword(nodeSha256, secret)).toBe(createHmac('sha256', secret).update('mep mqtt password v1').digest('hex').slice(0, 32));
  });

  test('layout: "MEP1 <counter> <mac>\\n<body>", the MAC over "MEP1\\n<topic>\\n<counter>\\n<body>"', () => {
    const mac = commandMac(nodeSha256, keys.mac, topic, 1764760000000, Buffer.from(body));
    const payload = signedHeader(1764760000000, mac) + body;
    expect(payload).toBe(`MEP1 1764760000000 ${createHmac('sha256', keys.mac).update(`MEP1\n${topic}\n1764760000000\n${body}`).digest('hex')}\n${body}`);
    const parts = parseSigned(payload)!;
    expect(parts.counter).toBe(1764760000000);
    expect(payload.slice(parts.bodyAt)).toBe(body);
    expect(sameBytes(parts.mac, mac)).toBe(true);
    // Another topic (another module or command) or another counter gives another MAC.
    expect(sameBytes(commandMac(nodeSha256, keys.mac, 'mep/mep_240ac4abcdef/cmd/restart', 1764760000000, Buffer.from(body)), mac)).toBe(false);
    expect(sameBytes(commandMac(nodeSha256, keys.mac, topic, 1764760000001, Buffer.from(body)), mac)).toBe(false);
    expect(Buffer.from(macInput(topic, 5, Buffer.from('x'))).toString()).toBe(`MEP1\n${topic}\n5\nx`);
  });

  test('what is not a signed command is refused by the parser', () => {
    const mac = 'ab'.repeat(32);
    for (const p of ['{"id":"1"}', 'PRESS', `MEP1 0 ${mac}\n{}`, `MEP1 01 ${mac}\n{}`, `MEP1 1 ${mac.slice(2)}\n{}`, `MEP2 1 ${mac}\n{}`,
      `MEP1 1 ${mac.toUpperCase()}\n{}`, `MEP1 9007199254740992 ${mac}\n{}`, `MEP1 1  ${mac}\n{}`, `MEP1 1 ${mac}`]) {
      expect(parseSigned(p)).toBeNull();
    }
    expect(parseSigned(`MEP1 1 ${mac}\n`)).toEqual({ counter: 1, mac: expect.any(Uint8Array), bodyAt: 5 + 2 + 65 });
  });

  test('counters: the module accepts only above the last one; the add-on goes past its last one even with a clock behind', () => {
    expect(counterAccepted(10, 9)).toBe(true);
    expect(counterAccepted(9, 9)).toBe(false);
    expect(counterAccepted(8, 9)).toBe(false);
    expect(counterAccepted(MAX_COUNTER + 1, 9)).toBe(false);
    expect(nextCounter(100, 5000.7)).toBe(5000);
    expect(nextCounter(9000, 5000)).toBe(9001);
    expect(isCounterText(String(MAX_COUNTER))).toBe(true);
  });
});

describe('pairing exchange', () => {
  const secret = hex('5a'.repeat(32));
  const nonce = hex('00112233445566778899aabbccddeeff');
  const id = 'mep_240ac4123456';
  const code = pairCodeFrom(hex('0102030405060708'));

  test('codes: 8 characters of Crockford base32, typed loosely', () => {
    expect(code).toBe('12345678');
    expect(normalizePairCode('abcd-efgh')).toBe('ABCDEFGH');
    expect(normalizePairCode('o1lI 2345')).toBe('01112345');
    expect(normalizePairCode('ABCD-EFG')).toBeNull();
    expect(normalizePairCode('ABCD-EFGU')).toBeNull();
  });

  test('the add-on opens the module\'s answer with the right code only; a changed host, id or answer fails', () => {
    const reply = sealPairReply(deviceSha256, code, nonce, '192.168.1.10', id, secret);
    expect(reply.secret_enc).not.toContain('5a5a');
    expect(Buffer.from(openPairReply(nodeSha256, code, nonce, '192.168.1.10', id, reply)!).equals(Buffer.from(secret))).toBe(true);
    expect(openPairReply(nodeSha256, '12345679', nonce, '192.168.1.10', id, reply)).toBeNull();
    expect(openPairReply(nodeSha256, code, nonce, '192.168.1.66', id, reply)).toBeNull();
    expect(openPairReply(nodeSha256, code, hex('ff'.repeat(16)), '192.168.1.10', id, reply)).toBeNull();
    expect(openPairReply(nodeSha256, code, nonce, '192.168.1.10', 'mep_240ac4abcdef', { ...reply, device_id: 'mep_240ac4abcdef' })).toBeNull();
    const flipped = (reply.secret_enc[0] === '0' ? '1' : '0') + reply.secret_enc.slice(1);
    expect(openPairReply(nodeSha256, code, nonce, '192.168.1.10', id, { ...reply, secret_enc: flipped })).toBeNull();
  });
});

describe('encrypted fields as the module decrypts them (AES-ECB blocks: Espruino\'s CTR mode ignores the IV)', () => {
  test('ctrXor over an ECB block cipher equals node\'s aes-128-ctr, across a counter carry; splitEncryptedField', () => {
    const key = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    const ecb = (block: Uint8Array) => {
      const c = createCipheriv('aes-128-ecb', key, null);
      c.setAutoPadding(false);
      return new Uint8Array(Buffer.concat([c.update(block), c.final()]));
    };
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 70 }), fc.boolean(), (iv, data, nearCarry) => {
        if (nearCarry) iv.fill(0xff, 8);
        const c = createCipheriv('aes-128-ctr', key, iv);
        const expected = Buffer.concat([c.update(data), c.final()]);
        expect(Buffer.from(ctrXor(ecb, iv, data)).equals(expected)).toBe(true);
      }),
      { numRuns: 80 },
    );
    const field = encryptField(key, 'ABCDEFGHIJKLMNOPQRST');
    const parts = splitEncryptedField(field)!;
    expect(Buffer.from(ctrXor(ecb, parts.iv, parts.data)).toString()).toBe('ABCDEFGHIJKLMNOPQRST');
    expect(splitEncryptedField('abc')).toBeNull();
    expect(splitEncryptedField('zz'.repeat(20))).toBeNull();
  });
});
