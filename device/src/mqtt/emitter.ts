// A minimal typed event emitter for device services. Listener failures are caught and logged so that one bad
// listener can neither break the emitter's own state machine nor throw into whoever triggered the event (C10).
// (Espruino objects have a native on/emit too; this one is explicit, typed and isolated.)

type Listener = (a?: unknown, b?: unknown, c?: unknown) => void;

export class Emitter<Events> {
  private readonly lists: { [event: string]: Listener[] } = {};
  private readonly onFailure: (line: string) => void;

  constructor(onFailure: (line: string) => void) {
    this.onFailure = onFailure;
  }

  on<K extends keyof Events & string>(event: K, listener: Events[K]): void {
    const list = this.lists[event] || (this.lists[event] = []);
    list.push(listener as unknown as Listener);
  }

  /** Calls the listeners of `event` registered at this moment, with up to three arguments. */
  emit(event: keyof Events & string, a?: unknown, b?: unknown, c?: unknown): void {
    const list = this.lists[event];
    if (!list) return;
    const snapshot = list.slice();
    for (let i = 0; i < snapshot.length; i++) {
      try {
        (snapshot[i] as Listener)(a, b, c);
      } catch (e) {
        this.onFailure(`${event} listener failed: ${String(e)}`);
      }
    }
  }
}
