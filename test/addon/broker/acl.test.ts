// Per-device topic rules and logins of the embedded broker (pure parts), including fuzzed topics: a device never
// gets another device's topics, whatever it tries.
import fc from 'fast-check';
import { authorizePublish, authorizeSubscribe, BrokerIdentity } from '../../../addon/src/broker/acl';
import { createAuthenticator } from '../../../addon/src/broker/credentials';

const A = 'mep_240ac4123456';
const B = 'mep_240ac4abcdef';
const config = { discoveryPrefix: 'homeassistant' };
const deviceA: BrokerIdentity = { kind: 'device', deviceId: A };
const pub = (topic: string) => authorizePublish(deviceA, topic, config).allowed;
const sub = (filter: string) => authorizeSubscribe(deviceA, filter, config).allowed;

describe('device topic rules', () => {
  test('own default base, own custom base (ending in the id), own discovery, compatibility topics', () => {
    for (const t of [
      `mep/${A}/state`, `mep/${A}/availability`, `mep/${A}/diagnostics`, `mep/${A}/cmd/result`, `mep/${A}/update`,
      `house/meters/${A}/state`, `${A}/state`, `homeassistant/device/${A}/config`,
      `mep/${A}/sensors/mydatajson`, `mep/${A}/lwt`,
    ]) expect([t, pub(t)]).toEqual([t, true]);
  });

  test('another device\'s topics, other discovery, add-on-only topics and the bare base are refused', () => {
    for (const t of [
      `mep/${B}/state`, `mep/${B}/${A}/state`, `${B}/${A}/x`, `homeassistant/device/${B}/config`, 'homeassistant/status',
      `homeassistant/sensor/${A}/config`, `mep/${A}`, `mep/${A}/cmd/config`, `mep/${A}/cmd/update`, `mep/${A}/cmd/restart`,
      `mep/${A}/update/latest`, `mep/${A}/update/install`, 'mep/state', `$SYS/${A}/x`,
    ]) expect([t, pub(t)]).toEqual([t, false]);
  });

  test('subscriptions: own commands and HA status only', () => {
    for (const f of [`mep/${A}/cmd/+`, `mep/${A}/cmd/config`, `house/${A}/cmd/#`, 'homeassistant/status']) expect([f, sub(f)]).toEqual([f, true]);
    for (const f of ['#', 'mep/#', `mep/${B}/cmd/+`, `mep/+/cmd/+`, `+/${A}/cmd/+`, `mep/${A}/state`, `mep/${A}/cmd/result`, `mep/${A}/#`]) {
      expect([f, sub(f)]).toEqual([f, false]);
    }
  });

  test('full-access logins may do anything', () => {
    expect(authorizePublish({ kind: 'full' }, `mep/${B}/cmd/config`, config).allowed).toBe(true);
    expect(authorizeSubscribe({ kind: 'full' }, '#', config).allowed).toBe(true);
  });

  test('fuzz: no topic containing B as a level before A\'s id, and no topic under B\'s base, is ever allowed for A', () => {
    const level = fc.oneof(fc.constantFrom(A, B, 'mep', 'state', 'cmd', 'homeassistant', 'device', 'config', '+', '#', ''), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(level, { minLength: 1, maxLength: 6 }), (levels) => {
        const topic = levels.join('/');
        const bIndex = levels.indexOf(B);
        const aIndex = levels.indexOf(A);
        if (bIndex >= 0 && (aIndex < 0 || bIndex < aIndex)) {
          expect(pub(topic)).toBe(false);
          expect(sub(topic)).toBe(false);
        }
        if (aIndex < 0 && topic !== 'homeassistant/status') expect(sub(topic)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('logins', () => {
  const auth = createAuthenticator({ anonymous: false, username: 'ha', password: 'Full-Pw-1', devicePassword: 'Dev-Pw-2' });
  const pw = (s: string) => Buffer.from(s);

  test('full login, device login with its id as client id, everything else refused', () => {
    expect(auth.check('ha', pw('Full-Pw-1'), 'any')).toEqual({ ok: true, identity: { kind: 'full' } });
    expect(auth.check(A, pw('Dev-Pw-2'), A)).toEqual({ ok: true, identity: { kind: 'device', deviceId: A } });
    expect(auth.check(A, pw('Dev-Pw-2'), B).ok).toBe(false);
    expect(auth.check(A, pw('Full-Pw-1'), A).ok).toBe(false);
    expect(auth.check('ha', pw('Dev-Pw-2'), 'x').ok).toBe(false);
    expect(auth.check(undefined, undefined, 'x').ok).toBe(false);
    expect(auth.check('mep_nothex', pw('Dev-Pw-2'), 'mep_nothex').ok).toBe(false);
  });

  test('without a device password no device can log in; local mode admits everyone', () => {
    const noDevices = createAuthenticator({ anonymous: false, username: 'ha', password: 'Full-Pw-1' });
    expect(noDevices.check(A, pw(''), A).ok).toBe(false);
    expect(createAuthenticator({ anonymous: true }).check(undefined, undefined, 'x')).toEqual({ ok: true, identity: { kind: 'full' } });
  });

  test('refusal reasons never contain the password tried', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 6 }), fc.constantFrom('ha', A, 'someone'), (tried, user) => {
        const r = auth.check(user, pw(tried), user);
        if (!r.ok) expect(r.reason).not.toContain(tried);
      }),
    );
  });
});
