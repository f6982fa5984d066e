// The start-up bytes the guide adds (issue 10 item 5): ET70 offset 142 (MEP1 or MEP2, guide p. 173), BT20 byte 7 and
// ET55's "Energy Register Unit" (1, 10 or 100 Wh on CT meters, guide pp. 155, 158, 208), and what they change: BT23
// energy scaled by the unit, MEP2's alert flags in ET13 entry 5.
import { BT20, BT23, ET11, ET13, ET55, ET70 } from '../../../device/src/meter/table-ids';
import { Bt23 } from '../../../device/src/meter/tables/index';
import { byteAt, SentRequest, SessionHarness, tableAnswer, TABLE_IMAGES } from '../../helpers/session-harness';

function meter(images: Record<number, Uint8Array | null>) {
  return (req: SentRequest) => {
    if (req.table in images) {
      const img = images[req.table];
      if (!img) return { status: 0x02 };
      const saved = TABLE_IMAGES[req.table];
      TABLE_IMAGES[req.table] = img;
      try {
        return tableAnswer(req);
      } finally {
        if (saved) TABLE_IMAGES[req.table] = saved;
        else delete TABLE_IMAGES[req.table];
      }
    }
    return tableAnswer(req);
  };
}

describe('start-up bytes from the guide: port, energy unit', () => {
  test('a CT meter counting in 10 Wh: BT23 energy is reported ×10 (Wh), the counts are not', () => {
    const h = new SessionHarness();
    h.respond = meter({ [ET55]: byteAt(220, 198, 10) });
    h.start();
    expect(h.session.tables.energyUnit).toBe(10);
    const v = h.tables(BT23)[0]!.value as Bt23;
    expect(v.energyUnitWh).toBe(10);
    expect(v.fwdActiveWh).toBe(658453420);
    expect(v.total.summations[0]).toBe(658453420);
  });

  test('a Gen 3 meter (no ET70): MEP1, ET55 one byte earlier (146 + 4·3 + 39), no warning', () => {
    const h = new SessionHarness();
    h.respond = meter({ [ET70]: null, [ET55]: byteAt(220, 197, 100) });
    h.start();
    expect(h.session.tables.port).toBe(1);
    expect(h.sent.find((r) => r.table === ET55)).toMatchObject({ offset: 197 });
    expect(h.session.tables.energyUnit).toBe(100);
    expect(h.of('log').filter((l) => l.level === 'warn')).toEqual([]);
  });

  test('a meter without BT20/ET55 (before firmware 3.70): unit 1, polling as before', () => {
    const h = new SessionHarness();
    h.respond = meter({ [BT20]: null, [ET55]: null });
    h.start();
    expect(h.sent.some((r) => r.table === ET55)).toBe(false);
    expect(h.session.tables.energyUnit).toBe(1);
    expect((h.tables(BT23)[0]!.value as Bt23).fwdActiveWh).toBe(65845342);
  });

  test('Gen 4 on MEP2: an alert reads the alert flags of ET13 entry 5 (5E + 8)', () => {
    const h = new SessionHarness();
    h.respond = meter({ [ET70]: byteAt(150, 142, 2) });
    h.start();
    expect(h.session.tables.port).toBe(2);
    h.alert();
    const reads = h.sent.filter((r) => r.table === ET11 || r.table === ET13).slice(-2);
    expect(reads).toMatchObject([{ table: ET11, offset: 1, count: 1 }, { table: ET13, offset: 5 * 66 + 8, count: 1 }]);
  });
});
