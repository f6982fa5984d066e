// How one outage is announced in Home Assistant: an event for automations (websocket fire_event, as Core's
// websocket_api/commands.py handle_fire_event takes it: event_type, event_data) and a persistent notification
// ("Power outage on Kitchen meter: 14:02–14:39 (37 min)"), one per outage. The texts (pure) use the meter's name and
// local times only: never a key, password or token (common rules).
import { localIso, wallClock } from '../usage/local-time';
import { Outage } from './new-outages';
import { iso } from './outage-discovery';
import { LogSource } from './log-view';

export const OUTAGE_EVENT = 'mep_bridge_power_outage';

export interface OutageEventData {
  device_id: string;
  meter: string;
  /** ISO 8601, UTC. */
  start: string;
  end: string;
  duration_s: number;
  /** The meter's log it came from: ET81 (outage log) or BT74 (event log). */
  source: LogSource;
}

export function outageEventData(deviceId: string, meterName: string, o: Outage, source: LogSource): OutageEventData {
  return { device_id: deviceId, meter: meterName, start: iso(o.startMs), end: iso(o.endMs), duration_s: o.durationS, source };
}

/** "45 s", "37 min", "2 h 5 min", "1 d 3 h". */
export function durationText(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const min = Math.round(seconds / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

const two = (n: number): string => String(n).padStart(2, '0');

/** "2026-12-01 14:02–14:39", or with both dates when it crossed midnight, local to `zone`. */
export function spanText(o: Outage, zone: string): string {
  const a = wallClock(o.startMs, zone);
  const b = wallClock(o.endMs, zone);
  const date = (w: typeof a): string => `${w.year}-${two(w.month)}-${two(w.day)}`;
  const time = (w: typeof a): string => `${two(w.hour)}:${two(w.minute)}`;
  return date(a) === date(b) ? `${date(a)} ${time(a)}–${time(b)}` : `${date(a)} ${time(a)} – ${date(b)} ${time(b)}`;
}

export function outageNotification(deviceId: string, meterName: string, o: Outage, zone: string): { notification_id: string; title: string; message: string } {
  return {
    notification_id: `mep_bridge_${deviceId}_outage_${Math.floor(o.startMs / 1000)}`,
    title: `MEP Bridge: power outage on ${meterName}`,
    message: `Power outage on ${meterName}: ${spanText(o, zone)} (${durationText(o.durationS)}), as the meter logged it. ` +
      `Start ${localIso(o.startMs, zone)}, end ${localIso(o.endMs, zone)}.`,
  };
}
