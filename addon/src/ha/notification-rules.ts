// Which persistent notifications Home Assistant should show now (pure): a meter offline longer than
// options.offline_notify_minutes, a meter refusing the MBK key, a failed update. One stable notification_id per
// meter and problem, so creating again replaces and dismissing clears exactly that one. Texts are built from the
// meter's name, id and versions only: never a key, password or token (common rules).
import { PackageKind } from '../../../discovery/contract';
import { MeterView } from '../backend';

export interface HaNotification {
  notificationId: string;
  title: string;
  message: string;
}

export interface FailedUpdate {
  version: string;
  kind: PackageKind;
  /** The device's or rollout's reason, shown after sanitizeReason. */
  error?: string;
}

export interface NotificationFacts {
  meters: MeterView[];
  /** Epoch ms since when each meter has been seen offline. */
  offlineSince: ReadonlyMap<string, number>;
  failedUpdates: ReadonlyMap<string, FailedUpdate>;
  now: number;
  /** 0: never notify about offline meters. */
  offlineNotifyMinutes: number;
}

export function notificationId(deviceId: string, problem: 'offline' | 'wrong_key' | 'update_failed'): string {
  return `mep_bridge_${deviceId}_${problem}`;
}

export function desiredNotifications(facts: NotificationFacts): HaNotification[] {
  const out: HaNotification[] = [];
  for (const meter of facts.meters) {
    const who = `${meter.name} (${meter.deviceId})`;
    const since = facts.offlineSince.get(meter.deviceId);
    if (meter.online === false && since !== undefined && facts.offlineNotifyMinutes > 0 &&
        facts.now - since >= facts.offlineNotifyMinutes * 60_000) {
      out.push({
        notificationId: notificationId(meter.deviceId, 'offline'),
        title: `MEP Bridge: ${meter.name} is offline`,
        message: `${who} has been offline since ${utcMinute(since)}. Check that the bridge has power and WiFi and ` +
          'can reach the MQTT broker. This notification goes away when it is back.',
      });
    }
    if (meter.problems.some((p) => p.code === 'wrong-key')) {
      out.push({
        notificationId: notificationId(meter.deviceId, 'wrong_key'),
        title: `MEP Bridge: wrong MBK key for ${meter.name}`,
        message: `The meter connected to ${who} does not accept the MBK key. Enter the 20-character key from your ` +
          'utility in the MEP Bridge panel.',
      });
    }
    const failed = facts.failedUpdates.get(meter.deviceId);
    const registryFailure = meter.problems.find((p) => p.code === 'update-failed');
    if (failed !== undefined || registryFailure !== undefined) {
      const what = failed === undefined ? 'The last update' : `Installing ${failed.kind === 'bin' ? 'firmware' : 'web pages'} ${failed.version}`;
      const reason = sanitizeReason(failed?.error ?? registryFailure?.message);
      out.push({
        notificationId: notificationId(meter.deviceId, 'update_failed'),
        title: `MEP Bridge: update of ${meter.name} failed`,
        message: `${what} on ${who} failed${reason === '' ? '' : `: ${reason}`}. The bridge keeps running its ` +
          'current version; you can try again from the MEP Bridge panel.',
      });
    }
  }
  return out;
}

/** "2026-11-25 03:20 UTC". */
function utcMinute(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A reason text without URLs (download URLs carry one-time tokens) or token/key/password values, one line, short. */
export function sanitizeReason(reason: string | undefined): string {
  if (reason === undefined) return '';
  return reason
    .replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>')
    .replace(/\b(token|key|password|secret|pass)\b\s*[=:]\s*\S+/gi, '$1=<hidden>')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}
