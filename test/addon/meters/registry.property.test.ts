// Property: whatever arrives on any topic, the reducer never throws, never loses a known device or its last
// reading, and only ever records well-typed values.
import fc from 'fast-check';
import { emptyRegistry, reduce, RegistryState } from '../../../addon/src/meters/registry-state';
import { meterView } from '../../../addon/src/meters/view';
import { DIAG_ONLINE, discovery, ID_A, ID_B, msg, STATE } from './fixtures';

const topics = fc.oneof(
  fc.constantFrom(
    `mep/${ID_A}/state`, `mep/${ID_A}/diagnostics`, `mep/${ID_A}/availability`, `mep/${ID_A}/update`,
    `mep/${ID_A}/cmd/result`, `mep/${ID_A}/update/install`, `homeassistant/device/${ID_A}/config`,
    `homeassistant/device/${ID_B}/config`, `mep/${ID_B}/state`, 'homeassistant/status', `mep/${ID_A}`,
  ),
  fc.string({ maxLength: 40 }),
);
const jsonish = fc.oneof(
  fc.json().map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
  fc.dictionary(
    fc.constantFrom('energy_import', 'power_import', 'link_state', 'installed_version', 'in_progress', 'dev', 'cmps', 'id', 'ok', 'command', '__proto__'),
    fc.anything(),
  ).map((o) => Buffer.from(JSON.stringify(o) ?? 'null')),
);

function known(): RegistryState {
  let s = emptyRegistry('homeassistant');
  for (const m of [discovery(ID_A), msg(`mep/${ID_A}/availability`, 'online'), msg(`mep/${ID_A}/state`, STATE), msg(`mep/${ID_A}/diagnostics`, DIAG_ONLINE)]) {
    s = reduce(s, m).state;
  }
  return s;
}

test('garbage on any topic: no throw, device A and its energy reading survive, values stay well typed', () => {
  const start = known();
  fc.assert(
    fc.property(fc.array(fc.tuple(topics, jsonish), { maxLength: 30 }), (messages) => {
      let s = start;
      for (const [topic, payload] of messages) {
        // Only A's discovery topic with an empty payload may remove A (that is the removal protocol).
        if (topic === `homeassistant/device/${ID_A}/config` && payload.length === 0) continue;
        s = reduce(s, msg(topic, payload)).state;
      }
      const a = s.devices[ID_A];
      expect(a).toBeDefined();
      const v = meterView(a!, { now: Date.now() });
      expect(typeof v.state?.energy_import).toBe('number');
      for (const value of Object.values(v.state ?? {})) expect(['number', 'string']).toContain(typeof value);
      expect(v.online === null || typeof v.online === 'boolean').toBe(true);
      expect(JSON.stringify(v)).toBeDefined();
      expect(Object.getPrototypeOf(v.entityIds)).toBe(Object.prototype);
    }),
    { numRuns: 300 },
  );
});
