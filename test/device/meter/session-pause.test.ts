// The session's pause while an update is installed (issue 9): no routine reads until the pause ends or pollNow()
// ends it early; the link stays online (no reset, no re-identification of the meter).
import { SessionHarness } from '../../helpers/session-harness';

function online(): SessionHarness {
  const h = new SessionHarness({ pollIntervalMs: 2000 }).start();
  h.advance(10);
  expect(h.session.linkState()).toBe('online');
  h.advance(10000);
  return h;
}

describe('session pause', () => {
  test('no reads during the pause; polls again at its end, with the link online throughout', () => {
    const h = online();
    const before = h.sent.length;
    const statusesBefore = h.statuses().length;
    h.session.pause(h.now + 45000);
    h.advance(3000); // a poll cycle already queued may finish
    const settled = h.sent.length;
    expect(settled - before).toBeLessThanOrEqual(2);
    h.advance(41000);
    expect(h.sent.length).toBe(settled);
    expect(h.session.linkState()).toBe('online');
    h.advance(3000);
    expect(h.sent.length).toBeGreaterThan(settled);
    expect(h.statuses().slice(statusesBefore).filter((s) => s !== 'online')).toEqual([]);
  });

  test('pollNow() ends the pause at once', () => {
    const h = online();
    h.session.pause(h.now + 45000);
    h.advance(3000);
    const settled = h.sent.length;
    h.apply(h.session.pollNow(h.now));
    h.advance(500);
    expect(h.sent.length).toBeGreaterThan(settled);
  });

  test('a pause during the identification holds its reads too; pollNow() lets it go on', () => {
    const h = new SessionHarness({ pollIntervalMs: 2000 });
    h.auto = false;
    h.start();
    const first = h.sent[h.sent.length - 1]!;
    h.session.pause(h.now + 45000);
    h.answer(first);
    h.advance(10000);
    expect(h.sent[h.sent.length - 1]).toBe(first);
    expect(h.session.linkState()).not.toBe('online');
    h.auto = true;
    h.apply(h.session.pollNow(h.now));
    h.advance(100);
    expect(h.session.linkState()).toBe('online');
  });

  test('a pause never brings a poll forward', () => {
    const h = online();
    h.advance(100);
    const settled = h.sent.length;
    h.session.pause(h.now - 5000); // already over
    h.advance(100);
    expect(h.sent.length).toBe(settled);
  });
});
