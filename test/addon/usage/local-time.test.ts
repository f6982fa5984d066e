// Local calendar boundaries (usage/local-time.ts): DST days, month starts, zones with :30 / :45 offsets.
import fc from 'fast-check';
import { localIso, monthKey, nextStart, offsetMs, startOf, UNITS } from '../../../addon/src/usage/local-time';

const CPH = 'Europe/Copenhagen';
const iso = (s: string): number => Date.parse(s);

test('Copenhagen: offsets, a month start and the DST days of 2026 (23 and 25 hours)', () => {
  expect(offsetMs(iso('2026-12-03T12:00:00Z'), CPH)).toBe(3_600_000);
  expect(offsetMs(iso('2026-07-01T12:00:00Z'), CPH)).toBe(7_200_000);
  expect(startOf('month', iso('2026-12-03T12:00:00Z'), CPH)).toBe(iso('2026-11-30T23:00:00Z'));
  expect(nextStart('month', iso('2026-12-03T12:00:00Z'), CPH)).toBe(iso('2026-12-31T23:00:00Z'));
  const spring = startOf('day', iso('2026-03-29T12:00:00Z'), CPH);
  expect(nextStart('day', spring, CPH) - spring).toBe(23 * 3_600_000);
  const autumn = startOf('day', iso('2026-10-25T12:00:00Z'), CPH);
  expect(nextStart('day', autumn, CPH) - autumn).toBe(25 * 3_600_000);
  expect(monthKey(iso('2026-11-30T23:30:00Z'), CPH)).toBe('2026-12');
  expect(localIso(iso('2026-12-03T17:00:00Z'), CPH)).toBe('2026-12-03T18:00:00+01:00');
});

test('Kathmandu (+05:45) and Kolkata (+05:30): local hours start at :15 and :30 UTC, quarters stay UTC quarters', () => {
  expect(startOf('hour', iso('2026-12-03T10:20:00Z'), 'Asia/Kathmandu')).toBe(iso('2026-12-03T10:15:00Z'));
  expect(startOf('hour', iso('2026-12-03T10:20:00Z'), 'Asia/Kolkata')).toBe(iso('2026-12-03T09:30:00Z'));
  expect(startOf('quarter', iso('2026-12-03T10:20:00Z'), 'Asia/Kathmandu')).toBe(iso('2026-12-03T10:15:00Z'));
  expect(startOf('day', iso('2026-12-03T10:20:00Z'), 'Asia/Kolkata')).toBe(iso('2026-12-02T18:30:00Z'));
});

test('property: every instant lies in exactly one interval of each unit, and boundaries chain', () => {
  const zones = fc.constantFrom(CPH, 'UTC', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham');
  fc.assert(
    fc.property(zones, fc.integer({ min: iso('2020-01-01T00:00:00Z'), max: iso('2035-01-01T00:00:00Z') }), (zone, t) => {
      for (const unit of UNITS) {
        const start = startOf(unit, t, zone);
        const next = nextStart(unit, t, zone);
        expect(start).toBeLessThanOrEqual(t);
        expect(next).toBeGreaterThan(t);
        expect(startOf(unit, next, zone)).toBe(next);
        expect(startOf(unit, next - 1, zone)).toBe(start);
      }
    }),
    { numRuns: 300 },
  );
});
