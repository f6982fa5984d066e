// The pure pieces of the HA side: which notifications are due (threshold, ids, texts), Core version parsing,
// and reading energy/validate answers of any shape without failing.
import fc from 'fast-check';
import { describeEnergyIssues } from '../../../addon/src/ha/energy-validation';
import { desiredNotifications, notificationId } from '../../../addon/src/ha/notification-rules';
import { atLeastVersion, parseHaVersion } from '../../../addon/src/ha/version';
import { meterView } from './support';

const DEVICE = 'mep_aabbccddeeff';
const T0 = Date.UTC(2026, 0, 1, 12, 0);

describe('notification rules', () => {
  const base = { failedUpdates: new Map(), offlineNotifyMinutes: 15 };

  it('an offline meter is due exactly when it has been offline for the configured minutes', () => {
    const meters = [meterView(DEVICE, { online: false })];
    const offlineSince = new Map([[DEVICE, T0]]);
    expect(desiredNotifications({ ...base, meters, offlineSince, now: T0 + 15 * 60_000 - 1 })).toEqual([]);
    const due = desiredNotifications({ ...base, meters, offlineSince, now: T0 + 15 * 60_000 });
    expect(due.map((n) => n.notificationId)).toEqual([notificationId(DEVICE, 'offline')]);
    expect(due[0]?.message).toContain('offline since 2026-01-01 12:00 UTC');
    // back online: nothing due even though the time has passed
    expect(desiredNotifications({ ...base, meters: [meterView(DEVICE, { online: true })], offlineSince, now: T0 + 3600_000 })).toEqual([]);
  });

  it('one notification per meter and problem, with ids that stay the same', () => {
    const meters = [
      meterView(DEVICE, { online: false, problems: [{ code: 'wrong-key', message: 'x' }, { code: 'update-failed', message: 'flash write failed' }] }),
      meterView('mep_112233445566', { problems: [{ code: 'wrong-key', message: 'x' }] }),
    ];
    const due = desiredNotifications({ ...base, meters, offlineSince: new Map([[DEVICE, T0]]), now: T0 + 3600_000 });
    expect(due.map((n) => n.notificationId)).toEqual([
      'mep_bridge_mep_aabbccddeeff_offline', 'mep_bridge_mep_aabbccddeeff_wrong_key', 'mep_bridge_mep_aabbccddeeff_update_failed',
      'mep_bridge_mep_112233445566_wrong_key',
    ]);
    expect(due[2]?.message).toContain('failed: flash write failed.');
  });

  it('no URL or secret value from a failure reason reaches the text', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{12,24}$/);
    fc.assert(fc.property(secret, fc.constantFrom('token', 'key', 'password'), fc.string(), (value, word, noise) => {
      const error = `${noise} https://10.0.0.2:8125/f.bin?t=${value} ${word}=${value} ${noise}`;
      const [n] = desiredNotifications({
        ...base, meters: [meterView(DEVICE)], offlineSince: new Map(), now: T0,
        failedUpdates: new Map([[DEVICE, { version: '2.0.0', kind: 'wwws' as const, error }]]),
      });
      expect(n?.title).toBe(`MEP Bridge: update of Meter eeff failed`);
      expect(`${n?.title} ${n?.message}`).not.toContain(value);
    }));
  });
});

describe('Core versions', () => {
  it('compares year.month, including betas and dev builds', () => {
    expect(parseHaVersion('2026.3.0b2')).toEqual({ year: 2026, month: 3 });
    expect(parseHaVersion('2025.12.4')).toEqual({ year: 2025, month: 12 });
    expect(parseHaVersion('unknown')).toBeNull();
    expect(atLeastVersion('2026.2.9', 2026, 3)).toBe(false);
    expect(atLeastVersion('2026.3.0.dev20260301', 2026, 3)).toBe(true);
    expect(atLeastVersion('2027.1.0', 2026, 3)).toBe(true);
    expect(atLeastVersion('2025.12.0', 2025, 12)).toBe(true);
  });
});

describe('energy/validate answers', () => {
  it('explain only our entities and never fail on an unexpected shape', () => {
    const answer = {
      energy_sources: [
        [{ type: 'statistics_not_defined', affected_entities: [['sensor.ours', null]], translation_placeholders: null }],
        [{ type: 'entity_negative_state', affected_entities: [['sensor.theirs', -1]] }],
      ],
      device_consumption: [[{ type: 'brand_new_issue', affected_entities: [['sensor.ours', 1]] }]],
    };
    expect(describeEnergyIssues(answer, ['sensor.ours'])).toEqual([
      'sensor.ours has no long-term statistics yet (Home Assistant compiles them every 5 minutes after the first reading)',
      'sensor.ours has a problem Home Assistant calls "brand_new_issue"',
    ]);
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      expect(Array.isArray(describeEnergyIssues(value, ['sensor.ours']))).toBe(true);
    }));
  });
});
