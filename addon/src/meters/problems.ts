// Plain-language problems of one meter for the panel and HA notifications (issue 5: "the meter does not answer:
// is the MEP port enabled by your utility?", "wrong MBK key"). Pure. Link states: discovery/entities.ts LINK_STATES.
import { MeterProblem } from '../backend';
import { DeviceRecord } from './registry-state';

/** Age after which the last reading counts as stale: this, or three of the device's poll intervals when those
 *  are longer (the poll interval may be set up to an hour, device/src/settings/validate.ts). */
export const DEFAULT_STALE_AFTER_MS = 5 * 60 * 1000;
const STALE_POLLS = 3;

const LINK_PROBLEMS: { [linkState: string]: MeterProblem } = {
  'no-reply': { code: 'no-reply', message: 'The meter does not answer: is the MEP port enabled by your utility?' },
  'auth-failed': {
    code: 'wrong-key',
    message: 'The meter rejects the MBK key: enter the 20-character key your utility gave you for this meter.',
  },
  garbled: { code: 'meter-error', message: 'The meter\'s replies are garbled: check the cable between the bridge and the MEP port.' },
  busy: { code: 'meter-error', message: 'The meter reports that it is busy; the bridge keeps trying.' },
  'sequence-error': { code: 'meter-error', message: 'The meter and the bridge disagree on the message sequence; the bridge resynchronises.' },
  loopback: { code: 'meter-error', message: 'The bridge hears its own messages: its transmit line is wired to its receive line.' },
};

const QUIET_LINK_STATES = ['online', 'starting'];

function minutes(ms: number): string {
  const m = Math.max(1, Math.round(ms / 60000));
  return m === 1 ? '1 minute' : `${m} minutes`;
}

export function meterProblems(d: DeviceRecord, now: number, staleAfterMs: number = DEFAULT_STALE_AFTER_MS): MeterProblem[] {
  const problems: MeterProblem[] = [];
  if (d.online === false) {
    problems.push({ code: 'offline', message: 'The bridge is offline: it lost power or its WiFi/MQTT connection.' });
  } else {
    const link = d.diagnostics?.link_state;
    const known = link !== undefined ? LINK_PROBLEMS[link] : undefined;
    if (known) problems.push(known);
    else if (d.diagnostics?.last_error && (link === undefined || QUIET_LINK_STATES.indexOf(link) < 0)) {
      problems.push({ code: 'device-error', message: `The bridge reports: ${d.diagnostics.last_error}` });
    }
    const limit = Math.max(staleAfterMs, STALE_POLLS * (d.stateIntervalMs ?? 0));
    if (d.stateAt !== null && now - d.stateAt > limit) {
      problems.push({ code: 'stale', message: `No new reading for ${minutes(now - d.stateAt)}.` });
    }
  }
  const failed = d.lastUpdateResult && !d.lastUpdateResult.ok ? d.lastUpdateResult.error ?? 'no reason given' : null;
  const summary = d.update?.release_summary;
  if (failed !== null) problems.push({ code: 'update-failed', message: `The last firmware update failed: ${failed}` });
  else if (summary && /^(failed|rolled back)/i.test(summary)) {
    problems.push({ code: 'update-failed', message: `The last firmware update failed: ${summary}` });
  }
  return problems;
}
