// State and diagnostics messages (contract.ts; home-assistant.md §0 #13, §3.3; espruino.md §1.4).
import fc from 'fast-check';
import {
  buildDiagnosticsPayload,
  buildStatePayload,
  ENTITIES,
  isIsoTimestamp,
  jsonFixed,
  jsonString,
  PayloadValues,
} from '../../discovery';

const stateKeys = ENTITIES.filter((e) => e.topic === 'state').map((e) => e.key);
const diagKeys = ENTITIES.filter((e) => e.topic === 'diagnostics').map((e) => e.key);

describe('state payload (contract.ts StatePayload)', () => {
  test('espruino.md §1.4: numbers are printed with toFixed(decimals of the entity table)', () => {
    expect(
      buildStatePayload({
        energy_import: 12345.6789, voltage_l1: 232.113, current_l1: 1.027, power_factor_l1: 0.837,
        frequency: 50, power_import: 484.4, meter_clock: '2026-11-25T10:00:00Z',
      }),
    ).toBe(
      '{"energy_import":12345.679,"power_import":484,"voltage_l1":232.113,"current_l1":1.027,' +
        '"power_factor_l1":0.837,"frequency":50.000,"meter_clock":"2026-11-25T10:00:00Z"}',
    );
  });

  test('espruino.md §1.4: 0.1 + 0.2 prints as 0.300, never 0.30000000000000004', () => {
    expect(buildStatePayload({ current_l1: 0.1 + 0.2 })).toBe('{"current_l1":0.300}');
  });

  test('§0 #13: null, undefined, NaN, Infinity and wrong types are omitted', () => {
    expect(
      buildStatePayload({
        voltage_l1: null, voltage_l2: undefined, voltage_l3: NaN, current_l1: Infinity, current_l2: -Infinity,
        current_l3: '230', frequency: 49.98,
      }),
    ).toBe('{"frequency":49.980}');
    expect(buildStatePayload({})).toBe('{}');
  });

  test('§0 #13, §4.2: energy registers are omitted when 0, negative or invalid, never published as 0', () => {
    for (const bad of [0, -0, -1, -0.0001, NaN, null]) {
      expect(buildStatePayload({ energy_import: bad, energy_export: bad, reactive_energy_import: bad })).toBe('{}');
    }
    expect(buildStatePayload({ energy_export: 0.001 })).toBe('{"energy_export":0.001}');
    expect(buildStatePayload({ energy_export: 0.0004 })).toBe('{}');
  });

  test('spec §17 #12: negative values stay negative (net power, export, power factor)', () => {
    expect(buildStatePayload({ power_net: -1234, power_factor_l2: -0.546, reactive_power_export: -448 })).toBe(
      '{"power_net":-1234,"power_factor_l2":-0.546,"reactive_power_export":-448}',
    );
    expect(buildStatePayload({ power_net: -0.4, power_factor_l1: -0.0001 })).toBe(
      '{"power_net":0,"power_factor_l1":0.000}',
    );
  });

  test('C4: keys not in the table, and diagnostics keys, are not on the state topic', () => {
    expect(buildStatePayload({ bogus: 1, wifi_rssi: -60, restart: 1, toString: 2 } as PayloadValues)).toBe('{}');
  });

  test('§3.3: timestamps must be ISO 8601 with a zone', () => {
    expect(buildStatePayload({ meter_clock: '2026-11-25 10:00:00' })).toBe('{}');
    expect(buildStatePayload({ meter_clock: '2026-11-25T10:00:00.123+01:00' })).toBe(
      '{"meter_clock":"2026-11-25T10:00:00.123+01:00"}',
    );
    expect(isIsoTimestamp('2026-11-25T10:00:00Z')).toBe(true);
    expect(isIsoTimestamp('2026-11-25T10:00:00')).toBe(false);
    expect(isIsoTimestamp('2026-11-25T10:00:00.Z')).toBe(false);
    expect(isIsoTimestamp('2026-11-25T10:00:00+0100')).toBe(false);
    expect(isIsoTimestamp(new Date(0).toISOString())).toBe(true);
  });
});

describe('diagnostics payload (contract.ts DiagnosticsPayload)', () => {
  test('§3.7: link state, error text, RSSI, boot time, counters', () => {
    expect(
      buildDiagnosticsPayload({
        link_state: 'auth-failed', last_error: 'The meter rejects every request (0x0B).', wifi_rssi: -67,
        last_boot: '2026-11-25T09:59:12Z', free_memory: 81234, polls: 1200, poll_errors: 3, firmware: '0.1.0',
        ip_address: '192.168.1.50',
      }),
    ).toBe(
      '{"link_state":"auth-failed","last_error":"The meter rejects every request (0x0B).","wifi_rssi":-67,' +
        '"ip_address":"192.168.1.50","last_boot":"2026-11-25T09:59:12Z","free_memory":81234,"polls":1200,' +
        '"poll_errors":3,"firmware":"0.1.0"}',
    );
  });

  test('issue 9: the poll-cycle time (ms, one decimal) and its phases, after the counters', () => {
    expect(
      buildDiagnosticsPayload({
        polls: 12, poll_errors: 0, poll_ms: 41.25, poll_ms_max: 97, poll_phases: 'build 4.0 / verify 20.5 / decode 6.0 / publish 9.5 ms',
        firmware: '0.1.0',
      }),
    ).toBe(
      '{"polls":12,"poll_errors":0,"poll_ms":41.3,"poll_ms_max":97.0,' +
        '"poll_phases":"build 4.0 / verify 20.5 / decode 6.0 / publish 9.5 ms","firmware":"0.1.0"}',
    );
  });

  test('§3.3: an enum value outside the options is omitted; counters may be 0', () => {
    expect(buildDiagnosticsPayload({ link_state: 'exploded', polls: 0, poll_errors: 0 })).toBe(
      '{"polls":0,"poll_errors":0}',
    );
  });

  test('espruino.md §1.4: strings are escaped to ASCII (quotes, backslashes, control characters, non-ASCII)', () => {
    const payload = buildDiagnosticsPayload({ last_error: 'a"b\\c\nd\te\u0001f\u007fg\u00e9h\u20aci' });
    expect(payload).toBe('{"last_error":"a\\"b\\\\c\\nd\\te\\u0001f\\u007fg?h?i"}');
    expect(JSON.parse(payload).last_error).toBe('a"b\\c\nd\te\u0001f\u007fg?h?i');
  });

  test('§3.3: text states are cut to HA\'s 255 characters', () => {
    const long = 'x'.repeat(300);
    expect(JSON.parse(buildDiagnosticsPayload({ last_error: long })).last_error).toHaveLength(255);
  });
});

describe('json helpers (espruino.md §1.4)', () => {
  test('jsonFixed drops the sign of negative zero only', () => {
    expect([jsonFixed(-0, 0), jsonFixed(-0.0004, 3), jsonFixed(-0.0005, 3), jsonFixed(-12.5, 1)]).toEqual([
      '0', '0.000', '-0.001', '-12.5',
    ]);
  });
  test('jsonString returns valid JSON for every 16-bit string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        const out = jsonString(s);
        expect(typeof JSON.parse(out)).toBe('string');
        for (let i = 0; i < out.length; i++) expect(out.charCodeAt(i)).toBeLessThan(0x80);
      }),
    );
  });
});

describe('property: any input produces valid JSON (fast-check)', () => {
  const value = fc.oneof(
    fc.double(),
    fc.integer(),
    fc.constantFrom(null, undefined, NaN, Infinity, -Infinity, 0, -0),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('online', 'busy', '2026-11-25T10:00:00Z'),
  );
  const keys = fc.constantFrom(...stateKeys, ...diagKeys, 'bogus', 'constructor', 'toString');
  const values = fc.dictionary(keys, value, { maxKeys: 50 }) as fc.Arbitrary<PayloadValues>;

  test('contract.ts: state/diagnostics output parses, holds only table keys of its topic, ASCII only', () => {
    fc.assert(
      fc.property(values, (v) => {
        for (const [build, allowed] of [
          [buildStatePayload, stateKeys],
          [buildDiagnosticsPayload, diagKeys],
        ] as const) {
          const text = build(v);
          const parsed = JSON.parse(text);
          for (const k of Object.keys(parsed)) expect(allowed).toContain(k);
          for (let i = 0; i < text.length; i++) expect(text.charCodeAt(i)).toBeLessThan(0x80);
          for (const k of ['energy_import', 'energy_export']) if (k in parsed) expect(parsed[k]).toBeGreaterThan(0);
        }
      }),
    );
  });

  test('contract.ts: finite numbers survive with the sign and the table\'s precision', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), (x) => {
        const parsed = JSON.parse(buildStatePayload({ power_net: x, voltage_l1: x }));
        expect(Math.abs(parsed.power_net - x)).toBeLessThanOrEqual(0.5 + Math.abs(x) * 1e-12);
        expect(Math.abs(parsed.voltage_l1 - x)).toBeLessThanOrEqual(0.0005 + Math.abs(x) * 1e-12);
      }),
    );
  });
});
