// The add-on's typed event bus (architecture-and-style.md C7): services talk through it instead of holding each
// other. Listener errors are caught and logged, so one failing service cannot stop another's events.
import { CommandResult, DiagnosticsPayload, StatePayload, UpdateState } from '../../discovery/contract';

/** Every event on the bus and its payload. Add events here, never ad hoc. */
export interface EventMap {
  /** An MQTT message from any device topic (after the broker layer's size and topic checks). */
  deviceMessage: { topic: string; payload: Buffer; retained: boolean };
  /** The meter registry changed for one device (meters/ emits after applying a message). */
  meterChanged: { deviceId: string };
  /** A device was removed from the registry (discovery cleared). */
  meterRemoved: { deviceId: string };
  /** Parsed payloads, for services that do not want raw MQTT. */
  meterState: { deviceId: string; state: StatePayload };
  meterDiagnostics: { deviceId: string; diagnostics: DiagnosticsPayload };
  meterAvailability: { deviceId: string; online: boolean };
  meterUpdateState: { deviceId: string; update: UpdateState };
  commandResult: { deviceId: string; result: CommandResult };
  /** HA's update entity asked to install the latest firmware on a device (<base>/update/install). */
  installRequested: { deviceId: string };
  /** A rollout or one device's part of it changed (ota/ emits; the panel and HA notifications listen). */
  rolloutChanged: { rolloutId: string };
  /** The firmware catalog changed (upload, removal). */
  catalogChanged: Record<string, never>;
  /** Connection state of the MQTT link and of Home Assistant. */
  mqttConnection: { connected: boolean; error?: string };
  haConnection: { connected: boolean; version?: string; error?: string };
}

export type EventName = keyof EventMap;
type Listener<E extends EventName> = (payload: EventMap[E]) => void;

interface Entry {
  owner: string;
  event: EventName;
  fn: (payload: never) => void;
}

export class EventBus {
  private entries: Entry[] = [];
  private readonly onError: (message: string) => void;

  constructor(onError: (message: string) => void) {
    this.onError = onError;
  }

  on<E extends EventName>(owner: string, event: E, fn: Listener<E>): void {
    this.entries.push({ owner, event, fn: fn as (payload: never) => void });
  }

  /** Drops every listener of one owner (a service's stop()). */
  removeListeners(owner: string): void {
    this.entries = this.entries.filter((e) => e.owner !== owner);
  }

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    for (const entry of this.entries.slice()) {
      if (entry.event !== event) continue;
      try {
        (entry.fn as Listener<E>)(payload);
      } catch (err) {
        this.onError(`listener of ${entry.owner} failed on ${event}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
