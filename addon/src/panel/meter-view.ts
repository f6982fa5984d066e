// What the panel shows for one meter: the registry's MeterView plus, for each problem, what the user can do about
// it, in plain words (issue 5: "the meter does not answer: is the MEP port enabled by your utility?").
import { LINK_STATE_NAMES, LINK_STATES } from '../../../discovery/entities';
import { MeterProblem, MeterView } from '../backend';

/** Problems the panel adds to the registry's: 'not-paired' (DOCS.md "Security: pairing and commands"). */
export type PanelProblemCode = MeterProblem['code'] | 'not-paired';

export interface PanelProblem {
  code: PanelProblemCode;
  message: string;
  /** What to check or do, one sentence. */
  hint: string;
}

/** Whether the add-on holds this module's pairing secret (pairing-service.ts); null when pairing is off. */
export interface PanelPairing {
  paired: boolean;
  /** ISO time of pairing. */
  pairedAt?: string;
}

/** What the badge says: ok (green) only when the meter is being read; error (red) when it cannot be read at all
 *  (offline, wrong key, no reply, no reading for a while); warning (amber) for a problem that leaves readings coming. */
export interface PanelHealth {
  level: 'ok' | 'warning' | 'error' | 'unknown';
  label: string;
}

/** The meter's settings as far as the add-on knows them: what the panel last set (this run), else what it sees. */
export interface PanelSettings {
  /** Seconds; null when not known yet. */
  pollIntervalS: number | null;
  /** 'set': sent from the panel and accepted; 'seen': the time between the last two readings. */
  pollIntervalFrom: 'set' | 'seen' | null;
  /** Compatibility topics; null when the bridge has not told (it does not publish its settings). */
  compatibility: boolean | null;
}

export interface PanelMeter extends Omit<MeterView, 'problems'> {
  problems: PanelProblem[];
  /** Link state in words ("Authentication failed"), null before the first diagnostics. */
  linkStateName: string | null;
  health: PanelHealth;
  settings: PanelSettings;
  /** Absent or null: the add-on does not pair (tests, an older add-on). */
  pairing?: PanelPairing | null;
}

/** Settings the panel sent and the device accepted (memory only, per device). */
export interface KnownSettings {
  pollIntervalS?: number;
  compatibility?: boolean;
}

const HINTS: { [code in PanelProblemCode]: string } = {
  offline: 'The bridge is not connected: check its power and WiFi.',
  'no-reply': 'The meter does not answer: is the MEP port enabled by your utility, and is the bridge wired to it?',
  'wrong-key': 'Wrong MBK key: enter the key exactly as your utility sent it (20 characters).',
  'meter-error': 'The meter reported an error; it usually clears by itself. Restart the bridge if it stays.',
  'update-failed': 'The last firmware update failed; the bridge kept its previous firmware. Try the update again.',
  stale: 'No new readings for a while: the bridge is connected but the meter stopped answering.',
  'device-error': 'The bridge reported an error: see its last error below, restart it if it stays.',
  'not-paired': 'Not paired: commands are unsigned. Press Pair and type the code the module\'s setup page shows.',
};

const NOT_PAIRED: PanelProblem = {
  code: 'not-paired',
  message: 'any MQTT client of the broker could command this module; once paired, it takes only commands signed by this add-on',
  hint: HINTS['not-paired'],
};

export function problemHint(code: PanelProblemCode): string {
  return HINTS[code] ?? 'Unknown problem.';
}

export function linkStateName(state: string | undefined): string | null {
  if (state === undefined) return null;
  const i = LINK_STATES.indexOf(state);
  return i >= 0 ? (LINK_STATE_NAMES[i] ?? state) : state;
}

const CANNOT_READ: { [code: string]: string } = { 'wrong-key': 'Wrong key', 'no-reply': 'No reply', stale: 'Not reading' };
const CANNOT_READ_LINK: { [linkState: string]: string } = { 'auth-failed': 'Wrong key', 'no-reply': 'No reply', loopback: 'Not reading', garbled: 'Not reading' };

export function meterHealth(view: MeterView): PanelHealth {
  if (view.online === false) return { level: 'error', label: 'Offline' };
  for (const p of view.problems) {
    const label = CANNOT_READ[p.code];
    if (label) return { level: 'error', label };
  }
  const link = view.diagnostics?.link_state;
  const byLink = link !== undefined ? CANNOT_READ_LINK[link] : undefined;
  if (byLink) return { level: 'error', label: byLink };
  if (view.problems.some((p) => p.code === 'offline')) return { level: 'error', label: 'Offline' };
  if (view.problems.length) return { level: 'warning', label: view.problems.length === 1 ? '1 problem' : `${view.problems.length} problems` };
  if (view.online === null) return { level: 'unknown', label: 'Unknown' };
  if (view.state === null) return { level: 'warning', label: 'No reading yet' };
  return { level: 'ok', label: 'Online' };
}

export function meterSettings(view: MeterView, known: KnownSettings = {}): PanelSettings {
  const seen = view.stateIntervalMs ?? null;
  const pollIntervalS = known.pollIntervalS ?? (seen !== null && seen > 0 ? Math.max(1, Math.round(seen / 1000)) : null);
  return {
    pollIntervalS,
    pollIntervalFrom: known.pollIntervalS !== undefined ? 'set' : pollIntervalS !== null ? 'seen' : null,
    compatibility: known.compatibility ?? null,
  };
}

export function panelMeter(view: MeterView, known?: KnownSettings, pairing: PanelPairing | null = null): PanelMeter {
  const problems: PanelProblem[] = view.problems.map((p) => ({ code: p.code, message: p.message, hint: problemHint(p.code) }));
  let health = meterHealth(view);
  if (pairing && !pairing.paired) {
    problems.push(NOT_PAIRED);
    // Readings come, but anyone on the broker could command the module: amber.
    if (health.level === 'ok') health = { level: 'warning', label: 'Not paired' };
  }
  return {
    ...view,
    problems,
    linkStateName: linkStateName(view.diagnostics?.link_state),
    health,
    settings: meterSettings(view, known),
    pairing,
  };
}
