// Shared pieces of the HA tests: a bus that records events, a logger that records lines (to check no secret is
// logged), a small in-memory meter registry (the real one lives in meters/), and waiting for a condition.
import { MeterProblem, MeterRegistry, MeterView } from '../../../addon/src/backend';
import { EventBus, EventMap, EventName } from '../../../addon/src/bus';
import { Logger } from '../../../addon/src/service';

export class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  debug(m: string): void { this.lines.push(`debug ${m}`); }
  info(m: string): void { this.lines.push(`info ${m}`); }
  warn(m: string): void { this.lines.push(`warn ${m}`); }
  error(m: string): void { this.lines.push(`error ${m}`); }
}

export function recordingBus(log: Logger): { bus: EventBus; events: { name: EventName; payload: unknown }[] } {
  const bus = new EventBus((m) => log.error(m));
  const events: { name: EventName; payload: unknown }[] = [];
  const originalEmit = bus.emit.bind(bus);
  bus.emit = <E extends EventName>(name: E, payload: EventMap[E]): void => {
    events.push({ name, payload });
    originalEmit(name, payload);
  };
  return { bus, events };
}

export function meterView(deviceId: string, overrides: Partial<MeterView> = {}): MeterView {
  return {
    deviceId, name: `Meter ${deviceId.slice(-4)}`, online: true, lastSeen: Date.now(), state: null, stateAt: null,
    diagnostics: null, firmware: '1.0.0', phases: 3, baseTopic: `mep/${deviceId}`,
    entityIds: {
      energy_import: `sensor.${deviceId}_energy_import`, energy_export: `sensor.${deviceId}_energy_export`,
      power_net: `sensor.${deviceId}_power_net`, power_import: `sensor.${deviceId}_power_import`,
      power_export: `sensor.${deviceId}_power_export`,
    },
    update: null, latestVersion: null, problems: [], ...overrides,
  };
}

export class MemoryRegistry implements MeterRegistry {
  private readonly meters = new Map<string, MeterView>();
  constructor(private readonly bus?: EventBus) {}

  put(view: MeterView): void {
    this.meters.set(view.deviceId, view);
    this.bus?.emit('meterChanged', { deviceId: view.deviceId });
  }

  setProblems(deviceId: string, problems: MeterProblem[]): void {
    const view = this.meters.get(deviceId);
    if (view === undefined) throw new Error(`no meter ${deviceId}`);
    this.put({ ...view, problems });
  }

  setOnline(deviceId: string, online: boolean): void {
    const view = this.meters.get(deviceId);
    if (view === undefined) throw new Error(`no meter ${deviceId}`);
    this.meters.set(deviceId, { ...view, online, lastSeen: Date.now() });
    this.bus?.emit('meterAvailability', { deviceId, online });
    this.bus?.emit('meterChanged', { deviceId });
  }

  remove(deviceId: string): void {
    this.meters.delete(deviceId);
  }

  list(): MeterView[] {
    return [...this.meters.values()];
  }

  get(deviceId: string): MeterView | null {
    return this.meters.get(deviceId) ?? null;
  }
}

export { waitFor } from '../../helpers/wait';

/** `after` still holds everything `before` had; a null slot may only have been filled with one of `ours`. */
export function keeps(before: unknown, after: unknown, ours: string[]): boolean {
  if (Array.isArray(before)) {
    return Array.isArray(after) && after.length >= before.length &&
      before.every((item, i) => JSON.stringify(item) === JSON.stringify(after[i]));
  }
  if (before !== null && typeof before === 'object') {
    if (after === null || typeof after !== 'object') return false;
    const a = after as { [k: string]: unknown };
    return Object.entries(before).every(([k, v]) => (v === null
      ? a[k] === null || (typeof a[k] === 'string' && ours.includes(a[k] as string))
      : keeps(v, a[k], ours)));
  }
  return before === after;
}
