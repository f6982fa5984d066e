// Signed per-phase current (issue 13, asked for export limits and EV load balancing): the meter's RMS current of a
// phase with the sign of that phase's net power, negative while the phase exports. Pure. Keys are the state
// message's (discovery/entities.ts rows current_lN, power_import_lN, power_export_lN).
import { StatePayload } from '../../../discovery/contract';

export type Phase = 1 | 2 | 3;

/** A, rounded like the module's current (3 decimals); null when the current or either power of the phase is missing. */
export function signedCurrent(state: StatePayload, phase: Phase): number | null {
  const current = state[`current_l${phase}`];
  const imp = state[`power_import_l${phase}`];
  const exp = state[`power_export_l${phase}`];
  if (current === undefined || imp === undefined || exp === undefined) return null;
  const magnitude = Math.abs(current);
  const signed = exp > imp ? -magnitude : magnitude;
  return Math.round(signed * 1000) / 1000 || 0; // no -0 in JSON
}
