// The panel's self-clearing notice (addon/panel-ui/src/components/notice.ts), on a stand-in Lit host with jest's
// fake timers: shown, cleared after NOTICE_MS, a new text restarts the time, "keep" stays, leaving stops the timer.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { Notice, NOTICE_MS } from '../../../addon/panel-ui/src/components/notice';

function host(): ReactiveControllerHost & { controllers: ReactiveController[]; updates: number } {
  const h = {
    controllers: [] as ReactiveController[],
    updates: 0,
    addController(c: ReactiveController) {
      h.controllers.push(c);
    },
    removeController() {},
    requestUpdate() {
      h.updates++;
    },
    updateComplete: Promise.resolve(true),
  };
  return h;
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test('a notice clears itself after NOTICE_MS; a new one restarts the time', () => {
  const h = host();
  const n = new Notice(h);
  expect(h.controllers).toEqual([n]);
  n.show('key sent');
  expect(n.text).toBe('key sent');
  jest.advanceTimersByTime(NOTICE_MS - 1000);
  n.show('settings sent');
  jest.advanceTimersByTime(NOTICE_MS - 1);
  expect(n.text).toBe('settings sent');
  const before = h.updates;
  jest.advanceTimersByTime(1);
  expect(n.text).toBe('');
  expect(h.updates).toBe(before + 1);
});

test('a kept notice ("…" while waiting) stays until replaced; clear() and leaving the page stop the timer', () => {
  const n = new Notice(host());
  n.show('…', true);
  jest.advanceTimersByTime(NOTICE_MS * 3);
  expect(n.text).toBe('…');
  n.show('restarting');
  n.clear();
  expect(n.text).toBe('');
  n.show('paired');
  n.hostDisconnected();
  jest.advanceTimersByTime(NOTICE_MS * 2);
  expect(n.text).toBe('paired');
  expect(jest.getTimerCount()).toBe(0);
});
