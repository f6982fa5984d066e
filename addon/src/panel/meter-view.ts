// What the panel shows for one meter: the registry's MeterView plus, for each problem, what the user can do about
// it, in plain words (issue 5: "the meter does not answer: is the MEP port enabled by your utility?").
import { LINK_STATE_NAMES, LINK_STATES } from '../../../discovery/entities';
import { MeterProblem, MeterView } from '../backend';

export interface PanelProblem extends MeterProblem {
  /** What to check or do, one sentence. */
  hint: string;
}

export interface PanelMeter extends Omit<MeterView, 'problems'> {
  problems: PanelProblem[];
  /** Link state in words ("Authentication failed"), null before the first diagnostics. */
  linkStateName: string | null;
}

const HINTS: { [code in MeterProblem['code']]: string } = {
  offline: 'The bridge is not connected: check its power and WiFi.',
  'no-reply': 'The meter does not answer: is the MEP port enabled by your utility, and is the bridge wired to it?',
  'wrong-key': 'Wrong MBK key: enter the key exactly as your utility sent it (20 characters).',
  'meter-error': 'The meter reported an error; it usually clears by itself. Restart the bridge if it stays.',
  'update-failed': 'The last firmware update failed; the bridge kept its previous firmware. Try the update again.',
  stale: 'No new readings for a while: the bridge is connected but the meter stopped answering.',
  'device-error': 'The bridge reported an error: see its last error below, restart it if it stays.',
};

export function problemHint(code: MeterProblem['code']): string {
  return HINTS[code] ?? 'Unknown problem.';
}

export function linkStateName(state: string | undefined): string | null {
  if (state === undefined) return null;
  const i = LINK_STATES.indexOf(state);
  return i >= 0 ? (LINK_STATE_NAMES[i] ?? state) : state;
}

export function panelMeter(view: MeterView): PanelMeter {
  return {
    ...view,
    problems: view.problems.map((p) => ({ code: p.code, message: p.message, hint: problemHint(p.code) })),
    linkStateName: linkStateName(view.diagnostics?.link_state),
  };
}
