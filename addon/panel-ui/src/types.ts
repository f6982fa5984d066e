// The API's response shapes: the same types the server sends (addon/src/panel, addon/src/backend.ts).
export type { PanelHealth, PanelPairing, PanelProblem, PanelSettings } from '../../src/panel/meter-view';
export type { CatalogEntry, HaStatus, RolloutView, RolloutDeviceStatus } from '../../src/backend';
export type { PowerPoint } from '../../src/panel/power-points';

import type { CatalogEntry, HaStatus } from '../../src/backend';
import type { PanelMeter as ServerPanelMeter } from '../../src/panel/meter-view';

/** Energy today / this month and the capacity-tariff figures the add-on computes from the meter's energy register
 *  (MeterView.usage, addon/src/usage). Members are null while unknown; the whole field is absent with an older
 *  add-on. Today and this month are local to Home Assistant's time zone. */
export interface PanelUsage {
  today: { importKwh: number | null; exportKwh: number | null };
  month: { importKwh: number | null; exportKwh: number | null };
  /** Average import power of the current 15 minutes / hour so far, W. */
  quarterHourW: number | null;
  hourW: number | null;
  /** This month's three highest complete hours by average import power, highest first; `hour` is the hour's local
   *  start, ISO 8601 with its offset; `estimated`: a boundary was interpolated across a silent module. */
  monthPeaks: { hour: string; w: number; estimated?: boolean }[] | null;
  /** The highest hour of each of this month's three highest days (absent with an older add-on). */
  monthPeakDays?: { hour: string; w: number; estimated?: boolean }[] | null;
}

export type PanelMeter = Omit<ServerPanelMeter, 'usage'> & { usage?: PanelUsage | null };

export interface CatalogResponse {
  entries: CatalogEntry[];
  latest: { bin: string | null; wwws: string | null };
}

export interface StatusResponse {
  mqtt: { connected: boolean | null; error?: string };
  ha: HaStatus;
}
