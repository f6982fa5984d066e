import fc from 'fast-check';
import { BT00, BT01, BT08, BT21, BT23, BT28, BT52, ET03, ET11, ET13, ET50, ET58, ET59 } from '../../../../device/src/meter/table-ids';
import {
  decodeBt01,
  decodeBt21,
  decodeBt23,
  decodeBt28,
  decodeEt11,
  decodeEt13,
  decodeTable,
  ET85,
  TABLE_DECODERS,
  TableContext,
} from '../../../../device/src/meter/tables';
import { bt21Arb, expectError, expectWellFormed, frame, ok, replyData, syntheticTable } from './table-kit';

const BT21_A = ok(decodeBt21(syntheticTable('BT21_A')));
const ET11_FULL = ok(decodeEt11(syntheticTable('ET11')));
const CTX: TableContext = { bt21: BT21_A, et11: ET11_FULL };

describe('[tables] decoder registry (spec §10)', () => {
  test('[tables] registers every table the client reads, once each', () => {
    const ids = TABLE_DECODERS.map((d) => d.table);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort((a, b) => a - b)).toEqual([BT00, BT01, BT08, BT21, BT23, BT28, BT52, ET03, ET11, ET13, ET50, ET58, ET59, ET85]);
  });

  test('[tables] decodeTable gives the same result as the table decoder', () => {
    expect(decodeTable(BT01, syntheticTable('BT01'), CTX)).toEqual(decodeBt01(syntheticTable('BT01')));
    expect(decodeTable(BT23, replyData('C02'), CTX)).toEqual(decodeBt23(replyData('C02'), { bt21: BT21_A }));
    expect(decodeTable(BT28, replyData('C07'), CTX)).toEqual(decodeBt28(replyData('C07'), { bt21: BT21_A }));
    expect(decodeTable(ET13, syntheticTable('ET13'), CTX)).toEqual(decodeEt13(syntheticTable('ET13'), { entrySize: 66 }));
  });

  test('[tables] every synthetic table decodes through the registry', () => {
    const byName: [string, number][] = [
      ['BT01', BT01], ['BT21_A', BT21], ['BT21_B', BT21], ['BT23_A', BT23], ['BT28_A', BT28], ['BT52', BT52],
      ['ET03', ET03], ['ET11', ET11], ['ET13', ET13], ['ET50', ET50], ['BT08', BT08], ['BT08', ET58], ['BT08', ET59], ['BT08', ET85],
    ];
    for (const [name, id] of byName) expect([name, decodeTable(id, syntheticTable(name), CTX).ok]).toEqual([name, true]);
    const bt21B = ok(decodeBt21(syntheticTable('BT21_B')));
    expect(decodeTable(BT23, syntheticTable('BT23_B'), { bt21: bt21B }).ok).toBe(true);
    expect(decodeTable(BT28, syntheticTable('BT28_B'), { bt21: bt21B }).ok).toBe(true);
  });

  test('[tables] BT23 partial read (F018) goes through the registry too', () => {
    expect(ok(decodeTable(BT23, replyData('F018'), CTX))).toMatchObject({ complete: false, fwdActiveWh: frame('F018').decoded.fwd_active_wh });
  });

  test('[tables] ET13 context from the alert chain\'s one-byte ET11 read (F023)', () => {
    const entrySize = replyData('F023')[0] as number;
    expect(decodeTable(ET13, replyData('F014'), { et11: { configEntrySize: entrySize } })).toEqual(decodeTable(ET13, replyData('F014'), CTX));
  });

  test('[tables] a layout table without its context is a DecodeError, not a guess', () => {
    expectError(decodeTable(BT23, replyData('C02'), {}), BT23, 0);
    expectError(decodeTable(BT28, replyData('C07'), {}), BT28, 0);
    expectError(decodeTable(ET13, replyData('F014'), {}), ET13, 0);
  });

  test('[tables] an unknown table is a DecodeError naming it', () => {
    const r = decodeTable(0x0099, new Uint8Array(10), CTX);
    expectError(r, 0x0099, 0);
    expect(r.ok ? '' : r.message).toContain('BT153');
    expectError(decodeTable(0x0807, new Uint8Array(10), CTX), 0x0807, 0);
  });

  test('[tables] random table, bytes and context never throw', () => {
    const ids = TABLE_DECODERS.map((d) => d.table).concat([0x0007, 0x0800, 0xffff]);
    const ctxArb = fc.record({ bt21: fc.option(bt21Arb, { nil: undefined }), et11: fc.option(fc.record({ configEntrySize: fc.integer({ min: 0, max: 255 }) }), { nil: undefined }) });
    fc.assert(
      fc.property(fc.constantFrom(...ids), fc.uint8Array({ maxLength: 600 }), ctxArb, (id, data, ctx) => {
        expectWellFormed(decodeTable(id, data, ctx), data.length);
      }),
      { numRuns: 1000 },
    );
  });
});
