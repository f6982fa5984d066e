// Spec §9: the payload-cipher hook. Identity by default; the TEST-ONLY cipher shows the hook works end to end.
import { fullRead, partialRead, procedureCall, EP39_POST_MEP_DATA } from '../../device/src/meter/requests';
import { BT01, BT08 } from '../../device/src/meter/table-ids';
import { createTestOnlyXorCipher, IDENTITY_CIPHER, TEST_ONLY_CIPHER_NAME, type PayloadCipher } from '../../device/sim/meter-sim';
import { Harness, KEY, hexOf } from './harness';

describe('[MEP §9] payload cipher hook', () => {
  test('identity by default', () => {
    const data = new Uint8Array([1, 2, 3]);
    expect(IDENTITY_CIPHER.encrypt(data, { seq: 1, table: 2 })).toBe(data);
    expect(IDENTITY_CIPHER.name).toBe('identity');
  });

  test('the TEST-ONLY cipher is labelled as such, round-trips, and depends on seq and table', () => {
    const c = createTestOnlyXorCipher(KEY);
    expect(c.name).toBe(TEST_ONLY_CIPHER_NAME);
    expect(c.name).toMatch(/TEST-ONLY/);
    expect(c.name).toMatch(/not OSGP/);
    const data = new Uint8Array(37).map((_, i) => i);
    const enc = c.encrypt(data, { seq: 5, table: 1 });
    expect(hexOf(enc)).not.toBe(hexOf(data));
    expect(hexOf(c.decrypt(enc, { seq: 5, table: 1 }))).toBe(hexOf(data));
    expect(hexOf(c.encrypt(data, { seq: 6, table: 1 }))).not.toBe(hexOf(enc));
    expect(hexOf(c.encrypt(data, { seq: 5, table: 28 }))).not.toBe(hexOf(enc));
    expect(() => createTestOnlyXorCipher('bad')).toThrow();
  });

  test('read replies are encrypted with (request seq, table); writes are decrypted before use', () => {
    const cipher = createTestOnlyXorCipher(KEY);
    const h = new Harness({ cipher, initialSeq: 20 });
    const plain = new Harness({ initialSeq: 20 });
    const enc = h.reply(fullRead(BT01), { seq: 20 }).data!;
    const ref = plain.reply(fullRead(BT01), { seq: 20 }).data!;
    expect(hexOf(enc)).not.toBe(hexOf(ref));
    expect(hexOf(cipher.decrypt(enc, { seq: 20, table: BT01 }))).toBe(hexOf(ref));
    const part = h.reply(partialRead(BT01, 4, 8), { seq: 21 }).data!;
    expect(hexOf(cipher.decrypt(part, { seq: 21, table: BT01 }))).toBe(hexOf(ref.subarray(4, 12)));
    // A procedure call whose BT07 data the client encrypted.
    const call = procedureCall(EP39_POST_MEP_DATA, 5, new Uint8Array([4, 1, 1, 0, 7]));
    const body = call.apdu.slice(5);
    const apdu = new Uint8Array([...call.apdu.subarray(0, 5), ...cipher.encrypt(body, { seq: 22, table: 7 })]);
    expect(h.reply(apdu, { seq: 22 }).status).toBe(0);
    expect(h.sim.procedures.log[0]!.ep39!.data).toEqual(new Uint8Array([7]));
    const bt08 = h.reply(fullRead(BT08), { seq: 23 }).data!;
    expect(hexOf(cipher.decrypt(bt08, { seq: 23, table: BT08 }))).toBe('27080500');
  });

  test('a custom cipher sees every read', () => {
    const seen: string[] = [];
    const spy: PayloadCipher = {
      name: 'spy',
      encrypt: (d, ctx) => (seen.push(`${ctx.seq}:${ctx.table}:${d.length}`), d),
      decrypt: (d) => d,
    };
    const h = new Harness({ cipher: spy, initialSeq: 1 });
    h.reply(fullRead(BT01));
    h.reply(partialRead(BT01, 0, 4));
    expect(seen).toEqual(['1:1:32', '2:1:4']);
  });
});
