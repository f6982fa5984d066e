// The month's peak days (Norwegian and some Swedish capacity tariffs: the highest hour of each of the three highest
// days), kept hour by hour, equal what a brute force over all the month's hours finds, in any order of arrival.
import fc from 'fast-check';
import { addDayPeak, addHour, DayPeak, MonthPeaks } from '../../../addon/src/usage/peaks';

const H = 3_600_000;

function bruteForce(hours: DayPeak[]): DayPeak[] {
  const best = new Map<string, DayPeak>();
  for (const h of hours) {
    const b = best.get(h.day);
    if (!b || h.w > b.w || (h.w === b.w && h.start < b.start)) best.set(h.day, h);
  }
  return [...best.values()].sort((a, b) => b.w - a.w || a.start - b.start).slice(0, 3);
}

describe('month peak days', () => {
  test('equal the brute force over all hours, whatever their order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ slot: fc.integer({ min: 0, max: 24 * 10 - 1 }), w: fc.integer({ min: 0, max: 50 }) }), { selector: (h) => h.slot, maxLength: 80 }),
        (raw) => {
          const hours: DayPeak[] = raw.map((h) => ({ start: h.slot * H, w: h.w * 100, estimated: false, day: `d${Math.floor(h.slot / 24)}` }));
          let days: DayPeak[] = [];
          for (const h of hours) days = addDayPeak(days, h);
          expect(days).toEqual(bruteForce(hours));
        },
      ),
      { numRuns: 500 },
    );
  });

  test('one day with the three highest hours counts once; the next days follow with their highest hour', () => {
    let p: MonthPeaks | null = null;
    const add = (day: number, hour: number, w: number) => {
      p = addHour(p, '2026-12', { start: (day * 24 + hour) * H, w, estimated: false }, 3, `2026-12-${String(day).padStart(2, '0')}`);
    };
    add(1, 17, 6000);
    add(1, 18, 7000);
    add(1, 19, 6500);
    add(2, 8, 3000);
    add(2, 18, 4000);
    add(3, 18, 2000);
    expect(p!.top.map((h) => h.w)).toEqual([7000, 6500, 6000]);
    expect(p!.days!.map((h) => [h.day, h.w])).toEqual([['2026-12-01', 7000], ['2026-12-02', 4000], ['2026-12-03', 2000]]);
    // The same hour read again (a late reading) replaces its value.
    add(2, 18, 3500);
    expect(p!.days!.map((h) => [h.day, h.w])).toEqual([['2026-12-01', 7000], ['2026-12-02', 3500], ['2026-12-03', 2000]]);
    // A new month starts clean.
    p = addHour(p, '2027-01', { start: 40 * 24 * H, w: 100, estimated: false }, 3, '2027-01-09');
    expect(p.days!.map((h) => h.w)).toEqual([100]);
  });
});
