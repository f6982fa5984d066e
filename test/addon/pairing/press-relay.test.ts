// Home Assistant's Restart/Poll buttons on a paired module (addon/src/pairing/press-relay.ts): an unsigned PRESS on
// <base>/cmd/restart or cmd/poll of a PAIRED module is sent again signed through the commander, rate-limited per
// module and command; nothing else is ever relayed (config, update, JSON, retained, unpaired, unknown modules).
import { LinkMessage } from '../../../addon/src/broker/link';
import { POLL_EVERY_MS, PressRelay, RESTART_EVERY_MS } from '../../../addon/src/pairing/press-relay';
import { capturingLogger, meterView, panelFixture } from '../panel/fixtures';

const A = 'mep_240ac4123456';
const B = 'mep_240ac4abcdef';

function rig() {
  const f = panelFixture();
  f.registry.put(meterView(A));
  f.registry.put(meterView(B, { baseTopic: 'home/meters/garage' }));
  const paired = new Set([A, B]);
  let now = 1_000_000;
  const log = capturingLogger();
  const relay = new PressRelay({
    link: { onMessage: () => () => undefined }, registry: f.registry, secrets: { isPaired: (id) => paired.has(id) },
    commander: f.commander, log, now: () => now,
  });
  const press = (topic: string, payload = 'PRESS', retained = false): Promise<unknown> | null =>
    relay.receive({ topic, payload: Buffer.from(payload), retained } as LinkMessage);
  return { f, relay, press, paired, log, advance: (ms: number) => (now += ms) };
}

test('a press on a paired module\'s restart and poll is sent signed through the commander (its own base topic too)', async () => {
  const r = rig();
  await r.press(`mep/${A}/cmd/poll`);
  await r.press(`mep/${A}/cmd/restart`);
  await r.press('home/meters/garage/cmd/poll');
  expect(r.f.commander.calls).toEqual([{ deviceId: A, kind: 'poll' }, { deviceId: A, kind: 'restart' }, { deviceId: B, kind: 'poll' }]);
  expect(r.log.lines).toContain(`info ${A}: Home Assistant's poll press sent signed`);
});

test('never a configuration or an update; never JSON, other text, retained, unpaired or unknown modules', () => {
  const r = rig();
  r.paired.delete(B);
  expect(r.press(`mep/${A}/cmd/config`)).toBeNull();
  expect(r.press(`mep/${A}/cmd/update`)).toBeNull();
  expect(r.press(`mep/${A}/cmd/restart`, '{"id":"x"}')).toBeNull();
  expect(r.press(`mep/${A}/cmd/restart`, 'press')).toBeNull();
  expect(r.press(`mep/${A}/cmd/restart`, 'PRESS ')).toBeNull();
  expect(r.press(`mep/${A}/cmd/restart`, 'PRESS', true)).toBeNull();
  expect(r.press('home/meters/garage/cmd/restart')).toBeNull(); // B is not paired: it takes the PRESS itself
  expect(r.press('mep/mep_000000000001/cmd/restart')).toBeNull();
  expect(r.press(`mep/${A}/cmd/result`)).toBeNull();
  expect(r.press(`mep/${A}/cmd/restart/x`)).toBeNull();
  expect(r.f.commander.calls).toEqual([]);
});

test('rate limits: one restart per 5 minutes and one poll per 10 s per module; the log says so once', async () => {
  const r = rig();
  await r.press(`mep/${A}/cmd/restart`);
  for (let i = 0; i < 5; i++) expect(r.press(`mep/${A}/cmd/restart`)).toBeNull();
  await r.press(`mep/${B}/cmd/restart`); // B's base is home/meters/garage: unknown topic, nothing
  await r.press('home/meters/garage/cmd/restart'); // another module has its own allowance
  r.advance(RESTART_EVERY_MS - 1);
  expect(r.press(`mep/${A}/cmd/restart`)).toBeNull();
  r.advance(1);
  await r.press(`mep/${A}/cmd/restart`);
  await r.press(`mep/${A}/cmd/poll`);
  expect(r.press(`mep/${A}/cmd/poll`)).toBeNull();
  r.advance(POLL_EVERY_MS);
  await r.press(`mep/${A}/cmd/poll`);
  expect(r.f.commander.calls.map((c) => `${c.deviceId} ${c.kind}`)).toEqual([`${A} restart`, `${B} restart`, `${A} restart`, `${A} poll`, `${A} poll`]);
  expect(r.log.lines.filter((l) => l.includes('restart press ignored'))).toHaveLength(1); // once until one goes through
});

test('a refusal by the module is logged, not thrown', async () => {
  const r = rig();
  r.f.commander.answer = (call) => ({ id: 'x', command: call.kind as 'poll', ok: false, error: 'the meter is not being read yet' });
  await r.press(`mep/${A}/cmd/poll`);
  expect(r.log.lines).toContain(`warn ${A}: relayed poll: the meter is not being read yet`);
});
