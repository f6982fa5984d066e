// The pure pieces of the embedded broker's hardening (issue 11): failed-login back-off, the check of a module's
// discovery message, and the retained-message quota. The same attacks against the running broker, with real
// clients, are in attacks.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDiscoveryPayload } from '../../../discovery';
import { RETAINED_LIMITS, RetainedStore } from '../../../addon/src/broker/retained-store';
import { checkDiscoveryPayload } from '../../../addon/src/broker/discovery-check';
import { LoginThrottle } from '../../../addon/src/broker/login-throttle';
import { OWNER_ADDON, OWNER_FULL, RetainedQuota } from '../../../addon/src/broker/retained-quota';
import { ctx, ID_A, ID_B } from '../meters/fixtures';

describe('failed-login back-off', () => {
  let now = 0;
  const make = () => new LoginThrottle(() => now, { burst: 5, ratePerS: 2, quietMs: 60000, maxKeys: 100 });
  beforeEach(() => (now = 1_000_000));

  test('a burst of 5 failures, then a few attempts per second at most, from one address', () => {
    const t = make();
    let checked = 0;
    // 18,115 attempts in 10 s (the figure), one every 0.55 ms
    for (let i = 0; i < 18115; i++) {
      now = 1_000_000 + Math.floor((i * 10000) / 18115);
      if (t.check('10.0.0.66', ID_A).allowed) {
        checked++;
        t.failed('10.0.0.66', ID_A);
      } else t.failed('10.0.0.66', ID_A);
    }
    expect(checked).toBeLessThanOrEqual(5 + 2 * 10 + 1);
  });

  test('per user too: rotating source addresses does not help guessing one module\'s password', () => {
    const t = make();
    let checked = 0;
    for (let i = 0; i < 1000; i++) {
      now = 1_000_000 + i * 10; // 10 s
      const address = `10.0.${i >> 8}.${i & 255}`;
      if (t.check(address, ID_A).allowed) checked++;
      t.failed(address, ID_A);
    }
    expect(checked).toBeLessThanOrEqual(5 + 2 * 10 + 1);
  });

  test('the module itself, from the address it logged in from before, is not locked out by someone guessing its password', () => {
    const t = make();
    t.succeeded('10.0.0.5', ID_A);
    for (let i = 0; i < 100; i++) t.failed('10.0.0.66', ID_A);
    expect(t.check('10.0.0.66', ID_A).allowed).toBe(false);
    expect(t.check('10.0.0.7', ID_A).allowed).toBe(false);
    expect(t.check('10.0.0.5', ID_A)).toEqual({ allowed: true });
    now += 5000;
    expect(t.check('10.0.0.7', ID_A)).toEqual({ allowed: true }); // the bucket refills
  });

  test('logging: the first failure warns, the next ones are counted and summed up a minute later', () => {
    const t = make();
    expect(t.failed('10.0.0.66', 'x')).toEqual({ warn: true, suppressed: 0 });
    for (let i = 0; i < 40; i++) expect(t.failed('10.0.0.66', 'x').warn).toBe(false);
    now += 60000;
    expect(t.failed('10.0.0.66', 'x')).toEqual({ warn: true, suppressed: 40 });
  });
});

describe('discovery messages of a module', () => {
  const json = (o: unknown) => Buffer.from(JSON.stringify(o));

  test('what the firmware publishes passes, default and custom base topics, 1 and 3 phases; an empty payload too', () => {
    for (const over of [{}, { baseTopic: `house/meters/${ID_A}` }, { phases: 1 as const }]) {
      expect(checkDiscoveryPayload(ID_A, Buffer.from(buildDiscoveryPayload(ctx(ID_A, over))))).toEqual({ ok: true });
    }
    expect(checkDiscoveryPayload(ID_A, Buffer.alloc(0))).toEqual({ ok: true });
  });

  test('attack 3: a sensor on B whose state topic is A\'s cmd/config is refused', () => {
    const evil = {
      dev: { ids: [ID_B] }, o: { name: 'x' },
      cmps: { k: { p: 'sensor', uniq_id: 'k', stat_t: `mep/${ID_A}/cmd/config`, val_tpl: '{{ value_json.meter.key }}' } },
    };
    expect(checkDiscoveryPayload(ID_B, json(evil))).toEqual({ ok: false, reason: `cmps.k.stat_t lies outside ${ID_B}'s own topics` });
  });

  test('a state topic on its own command topic, a button commanding A, a ~ base elsewhere, long names: all refused', () => {
    const cases: [unknown, RegExp][] = [
      [{ cmps: { k: { p: 'sensor', stat_t: `mep/${ID_B}/cmd/config` } } }, /reads a command topic/],
      [{ cmps: { b: { p: 'button', cmd_t: `mep/${ID_A}/cmd/restart` } } }, /cmd_t lies outside/],
      [{ cmps: { b: { p: 'button', command_topic: `mep/${ID_A}/cmd/restart` } } }, /command_topic lies outside/],
      [{ '~': `mep/${ID_A}`, cmps: { k: { p: 'sensor', stat_t: '~/state' } } }, /~ lies outside/],
      [{ cmps: { k: { p: 'sensor', '~': `mep/${ID_B}/cmd`, stat_t: '~/config' } } }, /reads a command topic/],
      [{ avty: [{ t: `mep/${ID_A}/availability` }] }, /avty\[0\]\.t lies outside/],
      [{ cmps: { k: { p: 'sensor', json_attributes_topic: `mep/${ID_A}/cmd/config` } } }, /lies outside/],
      [{ cmps: { k: { p: 'sensor', stat_t: 'mep/#' } } }, /not a plain topic/],
      [{ cmps: { k: { p: 'sensor', stat_t: 42 } } }, /not a topic/],
      ['"just text"', /not a JSON object/],
    ];
    for (const [payload, reason] of cases) {
      const v = checkDiscoveryPayload(ID_B, typeof payload === 'string' ? Buffer.from(payload) : json(payload));
      expect(v.ok).toBe(false);
      if (!v.ok) expect(v.reason).toMatch(reason);
    }
    expect(checkDiscoveryPayload(ID_B, Buffer.from('{not json')).ok).toBe(false);
  });

  test('its own buttons on its own command topics are fine', () => {
    const ok = { '~': `mep/${ID_B}`, cmps: { b: { p: 'button', cmd_t: '~/cmd/restart' }, s: { p: 'sensor', stat_t: '~/state' } } };
    expect(checkDiscoveryPayload(ID_B, json(ok))).toEqual({ ok: true });
  });
});

describe('retained-message quota', () => {
  const limits = { perModule: { messages: 4, bytes: 1000 }, total: { messages: 10, bytes: 3000 } };

  test('a module gets its count and bytes; replacing its own topic costs nothing new; deleting frees', () => {
    const q = new RetainedQuota(limits);
    for (let i = 0; i < 4; i++) expect(q.admit(ID_A, `mep/${ID_A}/t${i}`, 10)).toEqual({ ok: true });
    expect(q.admit(ID_A, `mep/${ID_A}/t4`, 10).ok).toBe(false);
    expect(q.admit(ID_A, `mep/${ID_A}/t3`, 50)).toEqual({ ok: true });
    expect(q.admit(ID_A, `mep/${ID_A}/t3`, 0)).toEqual({ ok: true });
    expect(q.admit(ID_A, `mep/${ID_A}/t4`, 10)).toEqual({ ok: true });
    expect(q.admit(ID_A, `mep/${ID_A}/t1`, 2000).ok).toBe(false); // bytes
    expect(q.usage(ID_A).messages).toBe(4);
  });

  test('the whole store has a bound too; the add-on\'s own messages are recorded but never refused', () => {
    const q = new RetainedQuota(limits);
    for (let i = 0; i < 10; i++) q.admit(OWNER_FULL, `x/${i}`, 100);
    expect(q.admit(OWNER_FULL, 'x/10', 1).ok).toBe(false);
    expect(q.admit(ID_B, `mep/${ID_B}/availability`, 6)).toEqual({ ok: false, reason: 'the broker\'s store of retained messages is full' });
    expect(q.admit(OWNER_ADDON, `mep/${ID_B}/update/latest`, 5)).toEqual({ ok: true });
    expect(q.totals().messages).toBe(11);
  });
});

describe('a retained.json from before the quota', () => {
  test('is cut back to the store\'s quota when loaded, not restored whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mep-retained-quota-'));
    try {
      const file = RetainedStore.fileIn(dir);
      const messages = Array.from({ length: RETAINED_LIMITS.messages + 500 }, (_, i) => ({ topic: `mep/${ID_B}/junk/${i}`, payload: Buffer.from('x').toString('base64'), qos: 0 }));
      writeFileSync(file, JSON.stringify({ version: 1, messages }));
      const lines: string[] = [];
      const store = new RetainedStore(file, { debug: () => undefined, info: () => undefined, warn: (m: string) => void lines.push(m), error: () => undefined } as never, 10);
      expect(store.load()).toHaveLength(RETAINED_LIMITS.messages);
      expect(lines).toEqual(['dropped 500 retained message(s) over the store\'s quota']);
      await store.flush();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
