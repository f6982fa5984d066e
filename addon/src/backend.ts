// What the ingress panel (panel/) needs from the other services, as interfaces: the panel depends on these, not on
// the classes, and main.ts passes the real services. Views are plain JSON-able data: the panel API sends them as is.
// No view ever carries a secret (MBK key, passwords, one-time tokens).
import { CommandResult, ConfigCommand, DiagnosticsPayload, PackageKind, StatePayload, UpdateState } from '../../discovery/contract';

/** A problem the panel explains to the user in plain words (e.g. "The meter does not answer: is the MEP port
 *  enabled by your utility?"). `code` is stable for tests and translations. */
export interface MeterProblem {
  code: 'offline' | 'no-reply' | 'wrong-key' | 'meter-error' | 'update-failed' | 'stale' | 'device-error';
  message: string;
}

export interface MeterView {
  deviceId: string;
  /** Device name from discovery (or the device id until discovery arrives). */
  name: string;
  /** null: no availability message seen yet. */
  online: boolean | null;
  /** Epoch ms of the last message of any kind from this device. */
  lastSeen: number | null;
  /** Last state message and when it arrived (epoch ms). */
  state: StatePayload | null;
  stateAt: number | null;
  /** Time between the last two readings (ms): the device's poll interval as seen here; absent or null before two. */
  stateIntervalMs?: number | null;
  diagnostics: DiagnosticsPayload | null;
  /** Bridge firmware version (diagnostics.firmware or update.installed_version). */
  firmware: string | null;
  /** 1 or 3 when discovery told; null before. */
  phases: 1 | 3 | null;
  /** Base topic and entity ids from the device's discovery (for commands and the Energy dashboard). */
  baseTopic: string | null;
  entityIds: { [entityKey: string]: string };
  update: UpdateState | null;
  /** Latest firmware version the add-on offers this device (catalog), null if none. */
  latestVersion: string | null;
  problems: MeterProblem[];
  /** Energy today / this month and the capacity-tariff figures the add-on computes from the energy register
   *  (usage/, issue 13). meterView always sets it; optional only for stand-ins in tests. */
  usage?: MeterUsage;
  /** What the backfill (backfill/, issue 13) did for this meter: hours of Home Assistant's energy statistics filled
   *  from the meter's load profile so far, its last run (epoch ms) and what that run said ("filled 14 h from the
   *  meter's memory", "the meter's load profile holds no energy channels…"). Absent when the backfill is off. */
  backfill?: { filledHours: number; lastRun: number | null; message: string };
  /** The newest power outage in the meter's outage log (outages/, issue 13): start and end ISO 8601 UTC, its length,
   *  and `text` for the panel ("2026-12-01 14:02–14:39 (37 min)", Home Assistant's time zone). null: none known yet;
   *  absent when the outage watch is off. */
  lastOutage?: { start: string; end: string; durationS: number; text: string } | null;
}

/** Usage of one meter from its energy register (usage/meter-usage.ts); null members when unknown. Today and this
 *  month are local to Home Assistant's time zone (else the system's). */
export interface MeterUsage {
  today: { importKwh: number | null; exportKwh: number | null };
  month: { importKwh: number | null; exportKwh: number | null };
  /** Average import power of the current 15-minute interval / hour so far, W. */
  quarterHourW: number | null;
  hourW: number | null;
  /** This month's three highest complete hours by average import power, highest first. `hour`: the hour's local
   *  start, ISO 8601 with offset; `estimated`: a boundary of it was interpolated across a silent module. */
  monthPeaks: { hour: string; w: number; estimated?: boolean }[];
  /** The highest hour of each of this month's three highest days (Norwegian and some Swedish capacity tariffs),
   *  highest first, in the same shape. */
  monthPeakDays: { hour: string; w: number; estimated?: boolean }[];
}

export interface MeterRegistry {
  list(): MeterView[];
  get(deviceId: string): MeterView | null;
}

/** Sends commands to one device over MQTT and waits for its CommandResult (never retained). */
export interface DeviceCommander {
  /** `cmd` without id; the commander adds one. Secrets inside are never logged. Resolves with the device's result,
   *  or { ok: false, error: 'the device did not answer within N s' }. */
  configure(deviceId: string, cmd: Omit<ConfigCommand, 'id'>): Promise<CommandResult>;
  restart(deviceId: string): Promise<CommandResult>;
  poll(deviceId: string): Promise<CommandResult>;
}

export interface CatalogEntry {
  /** Stable id (the package's SHA-256). */
  id: string;
  kind: PackageKind;
  version: string;
  size: number;
  sha256: string;
  /** File name as uploaded or shipped. */
  fileName: string;
  source: 'bundled' | 'uploaded';
  /** Epoch ms. */
  addedAt: number;
  /** .bin: board the firmware is built for, and build id. */
  board?: string;
  buildId?: string;
}

/** A package that failed verification: the message says why, in words a user understands. */
export class PackageRejected extends Error {}

export interface FirmwareCatalog {
  list(): CatalogEntry[];
  get(id: string): CatalogEntry | null;
  /** Newest entry of a kind (highest version), null if none. */
  latest(kind: PackageKind): CatalogEntry | null;
  /** Verifies (same code as `mep inspect`) and stores an uploaded package; rejects with PackageRejected. */
  add(fileName: string, body: NodeJS.ReadableStream): Promise<CatalogEntry>;
  /** Uploaded entries only. */
  remove(id: string): Promise<boolean>;
}

export type RolloutDeviceStatus =
  | 'pending' | 'sent' | 'downloading' | 'installing' | 'rebooting' | 'trial' | 'done' | 'failed' | 'timed-out' | 'cancelled';

export interface RolloutView {
  id: string;
  entryId: string;
  kind: PackageKind;
  version: string;
  startedAt: number;
  finished: boolean;
  devices: { deviceId: string; status: RolloutDeviceStatus; percent: number | null; error?: string }[];
}

export interface Rollouts {
  /** deviceIds empty = every known device ("update all"). Throws on an unknown entry. */
  start(entryId: string, deviceIds: string[]): RolloutView;
  list(): RolloutView[];
  get(id: string): RolloutView | null;
  cancel(id: string): boolean;
}

export interface HaStatus {
  /** A Home Assistant connection is configured (Supervisor token present, or a URL given). */
  available: boolean;
  connected: boolean;
  version?: string;
  /** Why the HA features are off, in words for the panel ("Not running inside Home Assistant"). */
  reason?: string;
}

export interface EnergyResult {
  ok: boolean;
  message: string;
  /** Entity ids added to the Energy preferences (already present ones are not counted). */
  added: string[];
}

export interface HomeAssistant {
  status(): HaStatus;
  /** Adds the meter's import/export energy (and power) to the Energy dashboard, merged into the existing prefs in
   *  the format the running Home Assistant uses. */
  addToEnergy(deviceId: string): Promise<EnergyResult>;
}
