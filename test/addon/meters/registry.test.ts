// The meter registry reducer: what the panel shows about each bridge, learned only from what bridges publish.
import { emptyRegistry, reduce, RegistryState, IncomingMessage, Effect } from '../../../addon/src/meters/registry-state';
import { meterView } from '../../../addon/src/meters/view';
import { DIAG_AUTH, DIAG_NO_REPLY, DIAG_ONLINE, discovery, ID_A, ID_B, msg, STATE } from './fixtures';

function run(messages: IncomingMessage[], start: RegistryState = emptyRegistry('homeassistant')): { state: RegistryState; effects: Effect[] } {
  let state = start;
  const effects: Effect[] = [];
  for (const m of messages) {
    const r = reduce(state, m);
    state = r.state;
    effects.push(...r.effects);
  }
  return { state, effects };
}

/** `now` defaults to the device's last message (the fixtures' clock), so readings are fresh. */
function view(state: RegistryState, id: string, now?: number) {
  const d = state.devices[id];
  if (!d) throw new Error(`${id} not in the registry`);
  return meterView(d, { now: now ?? d.lastSeen ?? 0 });
}

describe('meter registry reducer', () => {
  test('discovery teaches the name, base topic, phases and entity ids (default_entity_id)', () => {
    const { state, effects } = run([discovery(ID_A)]);
    const v = view(state, ID_A);
    expect(v.name).toBe('Kitchen meter');
    expect(v.baseTopic).toBe(`mep/${ID_A}`);
    expect(v.phases).toBe(3);
    expect(v.entityIds.energy_import).toBe('sensor.kitchen_meter_energy_import');
    expect(v.entityIds.voltage_l3).toBe('sensor.kitchen_meter_voltage_l3');
    expect(effects).toContainEqual({ kind: 'changed', deviceId: ID_A });
  });

  test('a 1-phase meter is recognised', () => {
    const { state } = run([discovery(ID_A, { phases: 1 })]);
    expect(view(state, ID_A).phases).toBe(1);
  });

  test('availability, state, diagnostics and the update state reach the view with their events', () => {
    const base = `mep/${ID_A}`;
    const update = JSON.stringify({ installed_version: '0.1.0', in_progress: false, update_percentage: null });
    const { state, effects } = run([
      discovery(ID_A),
      msg(`${base}/availability`, 'online'),
      msg(`${base}/state`, STATE),
      msg(`${base}/diagnostics`, DIAG_ONLINE),
      msg(`${base}/update`, update),
    ]);
    const v = view(state, ID_A);
    expect(v.online).toBe(true);
    expect(v.state).toEqual({ energy_import: 1234.567, power_import: 830, voltage_l1: 230.1, frequency: 50.01 });
    expect(v.diagnostics?.link_state).toBe('online');
    expect(v.firmware).toBe('0.1.0');
    expect(v.update?.installed_version).toBe('0.1.0');
    expect(v.problems).toEqual([]);
    expect(effects.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['availability', 'state', 'diagnostics', 'update']),
    );
  });

  test('a device seen before its discovery is known by its default base topic', () => {
    const { state } = run([msg(`mep/${ID_B}/availability`, 'online'), msg(`mep/${ID_B}/state`, STATE)]);
    const v = view(state, ID_B);
    expect(v.name).toBe(ID_B);
    expect(v.online).toBe(true);
    expect(v.state?.energy_import).toBe(1234.567);
  });

  test('state messages merge: a key left out keeps its last value (contract.ts)', () => {
    const { state } = run([msg(`mep/${ID_A}/state`, STATE), msg(`mep/${ID_A}/state`, '{"power_import":12}')]);
    expect(view(state, ID_A).state).toMatchObject({ energy_import: 1234.567, power_import: 12 });
  });

  test('a custom base topic is learned from discovery and asked to be subscribed', () => {
    const { state, effects } = run([
      discovery(ID_A, { baseTopic: 'house/meters/kitchen' }),
      msg('house/meters/kitchen/state', STATE),
    ]);
    expect(view(state, ID_A).baseTopic).toBe('house/meters/kitchen');
    expect(view(state, ID_A).state?.power_import).toBe(830);
    expect(effects).toContainEqual({ kind: 'baseTopic', deviceId: ID_A, baseTopic: 'house/meters/kitchen' });
  });

  test('plain-language problems: the meter does not answer, wrong key, offline, stale readings', () => {
    const base = `mep/${ID_A}`;
    const t0 = 1_800_000_000_000;
    let r = run([discovery(ID_A), msg(`${base}/availability`, 'online'), msg(`${base}/diagnostics`, DIAG_NO_REPLY)]);
    expect(view(r.state, ID_A).problems).toEqual([
      { code: 'no-reply', message: 'The meter does not answer: is the MEP port enabled by your utility?' },
    ]);
    r = run([msg(`${base}/diagnostics`, DIAG_AUTH)], r.state);
    expect(view(r.state, ID_A).problems.map((p) => p.code)).toEqual(['wrong-key']);
    expect(view(r.state, ID_A).problems[0]?.message).toMatch(/MBK key/);
    r = run([msg(`${base}/diagnostics`, DIAG_ONLINE), msg(`${base}/state`, STATE, t0)], r.state);
    expect(view(r.state, ID_A, t0 + 60_000).problems).toEqual([]);
    expect(view(r.state, ID_A, t0 + 20 * 60_000).problems).toEqual([{ code: 'stale', message: 'No new reading for 20 minutes.' }]);
    r = run([msg(`${base}/availability`, 'offline')], r.state);
    expect(view(r.state, ID_A, t0 + 20 * 60_000).problems.map((p) => p.code)).toEqual(['offline']);
  });

  test('a device polling slowly is not stale between its polls', () => {
    const t0 = 1_800_000_000_000;
    const r = run([msg(`mep/${ID_A}/state`, STATE, t0), msg(`mep/${ID_A}/state`, STATE, t0 + 20 * 60_000)]);
    expect(view(r.state, ID_A, t0 + 45 * 60_000).problems).toEqual([]);
    expect(view(r.state, ID_A, t0 + 90 * 60_000).problems.map((p) => p.code)).toEqual(['stale']);
  });

  test('a failed update is a problem until the next successful one', () => {
    const base = `mep/${ID_A}`;
    const failed = JSON.stringify({ id: 'u1', command: 'update', ok: false, error: 'sha-256 mismatch' });
    let r = run([discovery(ID_A), msg(`${base}/cmd/result`, failed)]);
    expect(view(r.state, ID_A).problems).toEqual([
      { code: 'update-failed', message: 'The last firmware update failed: sha-256 mismatch' },
    ]);
    expect(r.effects).toContainEqual({ kind: 'commandResult', deviceId: ID_A, result: { id: 'u1', command: 'update', ok: false, error: 'sha-256 mismatch' } });
    r = run([msg(`${base}/cmd/result`, JSON.stringify({ id: 'u2', command: 'update', ok: true, version: '0.2.0' }))], r.state);
    expect(view(r.state, ID_A).problems).toEqual([]);
  });

  test('HA\'s install button becomes an install request; commands the add-on sends are not garbage', () => {
    const base = `mep/${ID_A}`;
    const r = run([
      discovery(ID_A),
      msg(`${base}/update/install`, 'install'),
      msg(`${base}/cmd/config`, '{"id":"x","meter":{"key":"ABCDEFGHIJKLMNOPQRST"}}'),
      msg(`${base}/update/latest`, '0.2.0'),
      msg(`${base}/sensors/mydatajson`, '{"Fwd_W":1}'),
    ]);
    expect(r.effects).toContainEqual({ kind: 'installRequested', deviceId: ID_A });
    expect(r.state.ignored).toEqual({});
  });

  test('clearing discovery removes the device', () => {
    const r = run([discovery(ID_A), msg(`homeassistant/device/${ID_A}/config`, '')]);
    expect(r.state.devices[ID_A]).toBeUndefined();
    expect(r.effects).toContainEqual({ kind: 'removed', deviceId: ID_A });
  });

  test('a device cannot take over another device\'s topics through its discovery', () => {
    const first = run([discovery(ID_A), msg(`mep/${ID_A}/state`, STATE)]);
    // B's discovery pointing at A's base topic, and a discovery on B's topic naming A.
    const r = run([
      discovery(ID_B, { baseTopic: `mep/${ID_A}` }),
      msg(`homeassistant/device/${ID_B}/config`, JSON.stringify({ dev: { ids: [ID_A], name: 'x' }, cmps: {} })),
    ], first.state);
    expect(r.state.devices[ID_B]).toBeUndefined();
    expect(view(r.state, ID_A).baseTopic).toBe(`mep/${ID_A}`);
    expect(r.state.ignored).toEqual({ 'discovery claims topics of another device': 1, 'discovery names another device': 1 });
  });

  test('garbage is ignored with a reason and nothing known is lost', () => {
    const base = `mep/${ID_A}`;
    const good = run([discovery(ID_A), msg(`${base}/availability`, 'online'), msg(`${base}/state`, STATE), msg(`${base}/diagnostics`, DIAG_ONLINE)]);
    const r = run([
      msg(`${base}/state`, 'not json'),
      msg(`${base}/state`, '{"energy_import":"lots","power_import":null}'),
      msg(`${base}/availability`, 'maybe'),
      msg(`${base}/diagnostics`, '[1,2]'),
      msg(`${base}/update`, '{"installed_version":7}'),
      msg(`${base}/cmd/result`, '{"ok":"yes"}'),
      msg(`${base}/whatever`, '{}'),
      msg(`${base}/state`, Buffer.alloc(300 * 1024, 0x20)),
      msg(`homeassistant/device/${ID_A}/config`, '{"dev":'),
      msg('homeassistant/device/zigbee_0x1234/config', '{"dev":{}}'),
      msg('some/other/topic', 'hello'),
    ], good.state);
    expect(r.state.devices[ID_A]).toEqual(good.state.devices[ID_A]);
    expect(r.state.ignored).toEqual({
      'state message without valid readings': 2,
      'availability is neither online nor offline': 1,
      'diagnostics message without valid fields': 1,
      'update state does not match the contract': 1,
      'command result does not match the contract': 1,
      'unknown topic below a device': 1,
      'payload too large': 1,
      'discovery payload is not a device discovery message': 1,
    });
  });
});
