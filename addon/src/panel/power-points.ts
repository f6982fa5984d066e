// Chart points of the last hour (pure, shared by the add-on's power history and the page's live chart, issue 12):
// at most one point per STEP_MS (a later reading in the same step replaces the earlier one), so a 1-second poll
// interval costs 720 points an hour, not 3,600.
import type { StatePayload } from '../../../discovery/contract';

export const WINDOW_MS = 60 * 60 * 1000;
export const STEP_MS = 5000;

/** One point: epoch ms and watts; a key the meter did not report is absent. */
export interface PowerPoint {
  t: number;
  power_import?: number;
  power_export?: number;
  power_import_l1?: number;
  power_import_l2?: number;
  power_import_l3?: number;
  power_export_l1?: number;
  power_export_l2?: number;
  power_export_l3?: number;
}

export const POWER_KEYS = [
  'power_import', 'power_export', 'power_import_l1', 'power_import_l2', 'power_import_l3',
  'power_export_l1', 'power_export_l2', 'power_export_l3',
] as const;

export function powerPoint(state: StatePayload, t: number): PowerPoint {
  const p: PowerPoint = { t };
  for (const key of POWER_KEYS) {
    const v = state[key];
    if (typeof v === 'number' && Number.isFinite(v)) p[key] = v;
  }
  return p;
}

/** Appends `p` to `points` (sorted by t), replacing a point of the same step, and drops points older than the
 *  window. Returns the same array (mutated). Pure apart from that; shared with the page's live updates. */
export function appendPoint(points: PowerPoint[], p: PowerPoint, stepMs: number = STEP_MS, windowMs: number = WINDOW_MS): PowerPoint[] {
  const last = points[points.length - 1];
  if (last && p.t < last.t) return points; // out of order: ignore
  if (last && Math.floor(last.t / stepMs) === Math.floor(p.t / stepMs)) points[points.length - 1] = p;
  else points.push(p);
  const oldest = p.t - windowMs;
  let drop = 0;
  while (drop < points.length && (points[drop] as PowerPoint).t < oldest) drop++;
  if (drop) points.splice(0, drop);
  return points;
}
