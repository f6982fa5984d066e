// One device's part of a rollout as a pure state machine: what each signal from the device (contract.ts) or the
// clock does to it. rollout.ts feeds it bus events and timer ticks; nothing here does I/O.
//
//   pending -> sent -> downloading -> installing -> (.wwws) done
//                                               \-> (.bin) rebooting -> trial -> done (confirmed) | failed (rolled back)
// A .bin is done only when the trial guard confirmed it (its second CommandResult), not when the device came back
// with the new version: until then the boot loader may still return to the old firmware.
// The device's protocol (device/src/app/update-service.ts): UpdateState with in_progress/update_percentage while it
// downloads and verifies; one CommandResult for the command id (ok: a .wwws is live, a .bin has been activated and
// the device restarts on trial, `restart: true`); after the restart it publishes UpdateState with the version it
// runs, and the trial guard's verdict comes as a second CommandResult with the same id (boot/trial.ts).
import { CommandResult, PackageKind, UpdateState } from '../../../discovery/contract';
import { RolloutDeviceStatus } from '../backend';

export interface RolloutTimeouts {
  /** No sign of progress (first answer, a new percentage) for this long while sent/downloading/installing. */
  stallMs: number;
  /** A .bin's device must be back with the new version this long after it said it restarts. */
  rebootMs: number;
  /** After a .bin is done (the device runs it on trial), a rollback verdict this long afterwards still fails it. */
  trialWatchMs: number;
}

export const DEFAULT_TIMEOUTS: RolloutTimeouts = { stallMs: 120_000, rebootMs: 300_000, trialWatchMs: 15 * 60_000 };

export interface Target {
  kind: PackageKind;
  version: string;
}

export interface DeviceProgress {
  deviceId: string;
  status: RolloutDeviceStatus;
  percent: number | null;
  error?: string;
  /** Id of the UpdateCommand sent (null before sending). */
  commandId: string | null;
  /** When the current phase last moved (epoch ms), for the timeouts. */
  movedAt: number;
  /** .bin: the device went away and connected again since it said it restarts. */
  cameBack: boolean;
  /** Last version the device reported while rebooting. */
  reported: string | null;
}

export type DeviceSignal =
  | { type: 'sent'; commandId: string; at: number }
  | { type: 'update-state'; update: UpdateState; at: number }
  | { type: 'result'; result: CommandResult; at: number }
  | { type: 'availability'; online: boolean; at: number }
  | { type: 'tick'; at: number }
  | { type: 'cancel'; at: number }
  | { type: 'refuse'; error: string; at: number };

const FINAL: RolloutDeviceStatus[] = ['done', 'failed', 'timed-out', 'cancelled'];

export function isFinal(status: RolloutDeviceStatus): boolean {
  return FINAL.includes(status);
}

/** Sent and not finished: holds a concurrency slot and a download token. */
export function isActive(status: RolloutDeviceStatus): boolean {
  return status !== 'pending' && !isFinal(status);
}

export function initialProgress(deviceId: string, at: number): DeviceProgress {
  return { deviceId, status: 'pending', percent: null, commandId: null, movedAt: at, cameBack: false, reported: null };
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

function finish(p: DeviceProgress, status: RolloutDeviceStatus, at: number, error?: string): DeviceProgress {
  const next: DeviceProgress = { ...p, status, movedAt: at };
  if (error !== undefined) next.error = error;
  if (status === 'done') next.percent = 100;
  // A bar at 100 % next to "failed" reads as success: a failed or stopped update shows no percentage.
  else if (status !== 'cancelled') next.percent = null;
  return next;
}

/** The device's percentage as 0..100, or null for anything else (payloads come from the network). */
function percentOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(100, Math.max(0, Math.round(value))) : null;
}

/** A device's text for the panel: printable, at most 200 characters. */
function deviceText(value: unknown): string {
  return String(value).replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
}

function onResult(p: DeviceProgress, r: CommandResult, target: Target, at: number): DeviceProgress {
  if (r.command !== 'update' || r.id === null || r.id !== p.commandId) return p;
  if (r.ok !== true) {
    const why = r.error !== undefined ? deviceText(r.error) : 'the device refused the update';
    // After the restart a failure means the boot loader went back to the previous firmware.
    const rolledBack = (p.status === 'trial' || p.status === 'rebooting') && !/^rolled back/i.test(why);
    return finish(p, 'failed', at, rolledBack ? `rolled back: ${why}` : why);
  }
  if (target.kind === 'wwws') return finish(p, 'done', at);
  if (p.status === 'rebooting' || p.status === 'trial' || !r.restart) {
    // The trial verdict (or a device that did not need to restart): the version it now runs decides.
    if (r.version === undefined || r.version === target.version) return finish(p, 'done', at);
    return finish(p, 'failed', at, `the device runs ${deviceText(r.version)} instead of ${target.version}`);
  }
  return { ...p, status: 'rebooting', percent: 100, movedAt: at, cameBack: false };
}

function onUpdateState(p: DeviceProgress, u: UpdateState, target: Target, at: number): DeviceProgress {
  if (p.status === 'rebooting' || p.status === 'trial') {
    if (u.in_progress === true) return p;
    if (u.installed_version === target.version) {
      // Back on the new version: now on trial until the trial guard confirms it.
      return p.status === 'trial' ? p : { ...p, status: 'trial', reported: target.version, movedAt: at };
    }
    const seen = { ...p, reported: deviceText(u.installed_version) };
    if (!p.cameBack && p.status !== 'trial') return seen; // may still be the message from before the restart
    const why = u.release_summary ? `: ${deviceText(u.release_summary)}` : '';
    if (p.status === 'trial') return finish(seen, 'failed', at, `rolled back to ${seen.reported} during the trial${why}`);
    return finish(seen, 'failed', at, `the device came back with ${seen.reported} instead of ${target.version}${why}`);
  }
  if (u.in_progress !== true || (p.status !== 'sent' && p.status !== 'downloading' && p.status !== 'installing')) return p;
  const percent = percentOf(u.update_percentage);
  const status: RolloutDeviceStatus = percent !== null && percent >= 100 ? 'installing' : 'downloading';
  if (status === p.status && percent === p.percent) return p;
  return { ...p, status, percent, movedAt: at };
}

function onTick(p: DeviceProgress, target: Target, timeouts: RolloutTimeouts, at: number): DeviceProgress {
  if (p.status === 'trial') {
    if (at - p.movedAt < timeouts.trialWatchMs) return p;
    return finish(p, 'timed-out', at, `the device runs ${target.version} but did not confirm it within ${seconds(timeouts.trialWatchMs)}`);
  }
  if (p.status === 'rebooting') {
    if (at - p.movedAt < timeouts.rebootMs) return p;
    const seen = p.reported ? ` (it reports ${p.reported})` : '';
    return finish(p, 'timed-out', at, `the device did not come back with ${target.version} within ${seconds(timeouts.rebootMs)}${seen}`);
  }
  if (!isActive(p.status) || at - p.movedAt < timeouts.stallMs) return p;
  if (p.status === 'sent') return finish(p, 'timed-out', at, `the device did not answer the update command within ${seconds(timeouts.stallMs)}`);
  const where = p.percent !== null ? ` (at ${p.percent} %)` : '';
  return finish(p, 'timed-out', at, `no progress for ${seconds(timeouts.stallMs)}${where}`);
}

/** A .bin that came back on the new version is done, but it runs on trial: if the trial fails, the boot loader
 *  returns to the old firmware, which reports the verdict with the same command id (boot/trial.ts). */
function lateVerdict(p: DeviceProgress, signal: DeviceSignal, target: Target, timeouts: RolloutTimeouts): DeviceProgress {
  if (signal.type !== 'result' || target.kind !== 'bin' || p.status !== 'done') return p;
  const r = signal.result;
  if (r.command !== 'update' || r.id === null || r.id !== p.commandId || r.ok === true) return p;
  if (signal.at - p.movedAt > timeouts.trialWatchMs) return p;
  const why = r.error !== undefined ? deviceText(r.error) : 'the new firmware did not pass its trial';
  return { ...p, status: 'failed', error: `rolled back after the restart: ${why}`, movedAt: signal.at };
}

/** The device's progress after `signal`. Finished devices do not change, except done -> failed by a late trial
 *  verdict (lateVerdict). */
export function advance(p: DeviceProgress, signal: DeviceSignal, target: Target, timeouts: RolloutTimeouts): DeviceProgress {
  if (isFinal(p.status)) return lateVerdict(p, signal, target, timeouts);
  switch (signal.type) {
    case 'sent':
      return p.status === 'pending' ? { ...p, status: 'sent', commandId: signal.commandId, movedAt: signal.at } : p;
    case 'refuse':
      return finish(p, 'failed', signal.at, signal.error);
    case 'cancel':
      return finish(p, 'cancelled', signal.at);
    case 'result':
      return onResult(p, signal.result, target, signal.at);
    case 'update-state':
      return onUpdateState(p, signal.update, target, signal.at);
    case 'availability':
      return p.status === 'rebooting' && signal.online ? { ...p, cameBack: true } : p;
    case 'tick':
      return onTick(p, target, timeouts, signal.at);
  }
}
