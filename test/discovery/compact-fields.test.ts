// The firmware publishes state and diagnostics from compact field strings (the entity table is not resident on the
// device): for any values, the message must be the very text the entity table's own builder makes.
import fc from 'fast-check';
import { compactFieldTable, compactPayload } from '../../discovery/compact-fields';
import { ENTITIES } from '../../discovery/entities';
import { buildTopicPayload, PayloadValues } from '../../discovery/payloads';

const topics = ['state', 'diagnostics'] as const;

function arbitraryValues(topic: 'state' | 'diagnostics'): fc.Arbitrary<PayloadValues> {
  const keys = ENTITIES.filter((e) => e.topic === topic).map((e) => e.key);
  const value = fc.oneof(
    fc.double({ noNaN: false }),
    fc.integer({ min: -100000, max: 100000 }),
    fc.constantFrom('online', 'no-reply', 'starting', '2026-12-03T08:00:00Z', 'not a date', ''),
    fc.string(),
    fc.constant(null),
    fc.constant(undefined),
  );
  return fc.dictionary(fc.constantFrom(...keys), value) as fc.Arbitrary<PayloadValues>;
}

describe.each(topics)('%s message from the compact field table', (topic) => {
  const table = compactFieldTable(topic);

  test('has one row per entity of the message, in table order', () => {
    const keys = table.split(';').map((row) => row.split(':')[0]);
    expect(keys).toEqual(ENTITIES.filter((e) => e.topic === topic).map((e) => e.key));
  });

  test('equals the entity-table builder for any values', () => {
    fc.assert(
      fc.property(arbitraryValues(topic), (values) => {
        expect(compactPayload(table, values)).toBe(buildTopicPayload(topic, values));
      }),
      { numRuns: 500 },
    );
  });
});
