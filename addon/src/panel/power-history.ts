// The last hour of power readings per meter, in the add-on's memory only (issue 12: the panel's live chart). Filled
// from the registry as readings arrive (bus 'meterChanged'), one point per step (power-points.ts). Nothing is
// written to disk: after a restart the chart starts empty and fills again.
import { EventBus } from '../bus';
import { MeterRegistry } from '../backend';
import { appendPoint, PowerPoint, powerPoint, WINDOW_MS } from './power-points';

export { WINDOW_MS } from './power-points';
export type { PowerPoint } from './power-points';

export interface PowerHistory {
  points(deviceId: string): PowerPoint[];
  close(): void;
}

const BUS_OWNER = 'panel-history';

/** Follows the registry; `onPoint` is told of every point added (the live events send it to open pages). */
export function createPowerHistory(
  registry: MeterRegistry,
  bus: EventBus,
  onPoint: (deviceId: string, point: PowerPoint) => void = () => undefined,
): PowerHistory {
  const series = new Map<string, { stateAt: number; points: PowerPoint[] }>();
  bus.on(BUS_OWNER, 'meterChanged', ({ deviceId }) => {
    const view = registry.get(deviceId);
    if (!view || !view.state || view.stateAt === null) return;
    const known = series.get(deviceId);
    if (known && known.stateAt === view.stateAt) return; // not a new reading
    const point = powerPoint(view.state, view.stateAt);
    if (Object.keys(point).length === 1) return; // no power values in it
    const entry = known ?? { stateAt: view.stateAt, points: [] };
    entry.stateAt = view.stateAt;
    appendPoint(entry.points, point);
    series.set(deviceId, entry);
    onPoint(deviceId, point);
  });
  bus.on(BUS_OWNER, 'meterRemoved', ({ deviceId }) => void series.delete(deviceId));
  return {
    points: (deviceId) => {
      const entry = series.get(deviceId);
      if (!entry) return [];
      // Drop what aged out while no reading came.
      const oldest = Date.now() - WINDOW_MS;
      return entry.points.filter((p) => p.t >= oldest);
    },
    close: () => bus.removeListeners(BUS_OWNER),
  };
}
