// [add-on OTA rollouts] One device's rollout state machine on its own: which device messages move it, which are
// ignored (results of other commands, the device's last state from before its restart), the timeout messages, and a
// property test feeding random, partly garbage, message sequences.
import fc from 'fast-check';
import { CommandResult, UpdateState } from '../../../discovery/contract';
import { advance, DeviceProgress, DeviceSignal, initialProgress, isFinal, RolloutTimeouts, Target } from '../../../addon/src/ota/rollout-progress';

const BIN: Target = { kind: 'bin', version: '1.5.0' };
const T: RolloutTimeouts = { stallMs: 1000, rebootMs: 5000, trialWatchMs: 60_000 };

function run(signals: DeviceSignal[], target: Target = BIN): DeviceProgress {
  return signals.reduce((p, s) => advance(p, s, target, T), initialProgress('mep_000000000001', 0));
}

const sent: DeviceSignal = { type: 'sent', commandId: 'c1', at: 0 };
const state = (u: Partial<UpdateState>, at = 10): DeviceSignal => ({ type: 'update-state', update: { installed_version: '1.0.0', in_progress: false, update_percentage: null, ...u }, at });
const result = (r: Partial<CommandResult>, at = 20): DeviceSignal => ({ type: 'result', result: { id: 'c1', command: 'update', ok: true, ...r }, at });

describe('[add-on OTA rollouts] device state machine', () => {
  test('progress percentages move it from downloading to installing', () => {
    expect(run([sent, state({ in_progress: true, update_percentage: 35 })])).toMatchObject({ status: 'downloading', percent: 35 });
    expect(run([sent, state({ in_progress: true, update_percentage: 100 })])).toMatchObject({ status: 'installing', percent: 100 });
  });

  test('results of other commands or ids are ignored', () => {
    expect(run([sent, result({ id: 'other', ok: false, error: 'x' })]).status).toBe('sent');
    expect(run([sent, result({ command: 'config', ok: false })]).status).toBe('sent');
    expect(run([sent, result({ id: null, ok: false })]).status).toBe('sent');
  });

  test('the old version from before the restart does not fail it; after the device came back it does', () => {
    const rebooting = [sent, result({ restart: true })];
    expect(run([...rebooting, state({ installed_version: '1.0.0' })])).toMatchObject({ status: 'rebooting', reported: '1.0.0' });
    expect(run([...rebooting, { type: 'availability', online: false, at: 30 }, { type: 'availability', online: true, at: 40 }, state({ installed_version: '1.0.0' }, 50)]))
      .toMatchObject({ status: 'failed', error: 'the device came back with 1.0.0 instead of 1.5.0' });
    // Back with the new version is only the start of the trial: not done until the trial guard confirms it.
    expect(run([...rebooting, state({ installed_version: '1.5.0' })])).toMatchObject({ status: 'trial', percent: 100 });
    expect(run([...rebooting, state({ installed_version: '1.5.0' }, 30), result({ ok: true, version: '1.5.0' }, 60_000)]).status).toBe('done');
    expect(run([...rebooting, state({ installed_version: '1.5.0' }, 30), state({ installed_version: '1.0.0', release_summary: 'rolled back: 1.5.0 never became healthy' }, 90)]))
      .toMatchObject({ status: 'failed', percent: null, error: 'rolled back to 1.0.0 during the trial: rolled back: 1.5.0 never became healthy' });
    expect(run([...rebooting, state({ installed_version: '1.5.0' }, 30), { type: 'tick', at: 60_030 }]))
      .toMatchObject({ status: 'timed-out', error: 'the device runs 1.5.0 but did not confirm it within 60 s' });
  });

  test("the trial guard's verdict (a second result with the same id) decides too", () => {
    const rebooting = [sent, result({ restart: true })];
    expect(run([...rebooting, result({ ok: false, error: 'rolled back: 1.5.0 never became healthy', version: '1.0.0' }, 60)]))
      .toMatchObject({ status: 'failed', error: 'rolled back: 1.5.0 never became healthy' });
    expect(run([...rebooting, result({ ok: true, version: '1.5.0' }, 60)]).status).toBe('done');
  });

  test('a .bin on trial fails (rolled back) when the old firmware reports the verdict; a late verdict still fails a done one', () => {
    const trial = [sent, result({ restart: true }), state({ installed_version: '1.5.0' }, 30)];
    expect(run([...trial, result({ ok: false, error: '1.5.0 never became healthy', version: '1.0.0' }, 70)]))
      .toMatchObject({ status: 'failed', percent: null, error: 'rolled back: 1.5.0 never became healthy' });
    const done = [...trial, result({ ok: true, version: '1.5.0' }, 30)];
    const verdict = (at: number) => result({ ok: false, error: '1.5.0 never became healthy', version: '1.0.0' }, at);
    expect(run([...done, verdict(60_030)])).toMatchObject({ status: 'failed', error: 'rolled back after the restart: 1.5.0 never became healthy' });
    expect(run([...done, verdict(60_031)]).status).toBe('done');
    expect(run([...done, result({ id: 'c0', ok: false }, 100)]).status).toBe('done');
    expect(run([sent, result({ version: '2.0.0' }), result({ ok: false }, 40)], { kind: 'wwws', version: '2.0.0' }).status).toBe('done');
  });

  test('timeouts: no answer, no progress, no return; each says what was missing', () => {
    expect(run([sent, { type: 'tick', at: 999 }]).status).toBe('sent');
    expect(run([sent, { type: 'tick', at: 1000 }])).toMatchObject({ status: 'timed-out', error: 'the device did not answer the update command within 1 s' });
    expect(run([sent, state({ in_progress: true, update_percentage: 40 }, 500), { type: 'tick', at: 1400 }]).status).toBe('downloading');
    expect(run([sent, state({ in_progress: true, update_percentage: 40 }, 500), { type: 'tick', at: 1500 }])).toMatchObject({ status: 'timed-out', error: 'no progress for 1 s (at 40 %)' });
    expect(run([sent, result({ restart: true }, 100), state({ installed_version: '1.0.0' }, 200), { type: 'tick', at: 5100 }]))
      .toMatchObject({ status: 'timed-out', error: 'the device did not come back with 1.5.0 within 5 s (it reports 1.0.0)' });
  });

  test('property: random and garbage message sequences never throw, finished stays finished (only done -> failed), percent stays 0..100', () => {
    const garbage = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.constant(null), fc.constant(undefined), fc.boolean());
    const update = fc.record({
      installed_version: fc.oneof(fc.constantFrom('1.0.0', '1.5.0'), garbage),
      in_progress: fc.oneof(fc.boolean(), garbage),
      update_percentage: fc.oneof(fc.integer({ min: -50, max: 200 }), garbage),
      release_summary: fc.option(fc.string({ maxLength: 400 })),
    });
    const res = fc.record({
      id: fc.constantFrom('c1', 'c2', null),
      command: fc.constantFrom('update', 'config', 'restart'),
      ok: fc.oneof(fc.boolean(), garbage),
      error: fc.option(fc.string({ maxLength: 400 }), { nil: undefined }),
      restart: fc.option(fc.boolean(), { nil: undefined }),
      version: fc.option(fc.constantFrom('1.0.0', '1.5.0', 'x'), { nil: undefined }),
    });
    const signal = fc.oneof(
      update.map((u) => ({ type: 'update-state', update: u as unknown as UpdateState })),
      res.map((r) => ({ type: 'result', result: r as unknown as CommandResult })),
      fc.boolean().map((online) => ({ type: 'availability', online })),
      fc.constant({ type: 'tick' }),
      fc.constant({ type: 'cancel' }),
    );
    fc.assert(fc.property(fc.constantFrom<Target>(BIN, { kind: 'wwws', version: '2.0.0' }), fc.array(fc.tuple(signal, fc.nat(3000)), { maxLength: 30 }), (target, steps) => {
      let p = advance(initialProgress('mep_000000000001', 0), sent, target, T);
      let at = 0;
      for (const [s, dt] of steps) {
        at += dt;
        const before = p;
        p = advance(p, { ...s, at } as DeviceSignal, target, T);
        if (isFinal(before.status)) {
          expect(isFinal(p.status)).toBe(true);
          if (p !== before) expect([before.status, p.status]).toEqual(['done', 'failed']);
        }
        if (p.percent !== null) expect(p.percent >= 0 && p.percent <= 100).toBe(true);
        if (p.error !== undefined) expect(p.error.length).toBeLessThanOrEqual(300);
      }
    }), { numRuns: 500 });
  });
});
