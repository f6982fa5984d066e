// The API's response shapes: the same types the server sends (addon/src/panel, addon/src/backend.ts).
export type { PanelHealth, PanelMeter, PanelPairing, PanelProblem, PanelSettings } from '../../src/panel/meter-view';
export type { CatalogEntry, HaStatus, RolloutView, RolloutDeviceStatus } from '../../src/backend';
export type { PowerPoint } from '../../src/panel/power-points';

import type { CatalogEntry, HaStatus } from '../../src/backend';

export interface CatalogResponse {
  entries: CatalogEntry[];
  latest: { bin: string | null; wwws: string | null };
}

export interface StatusResponse {
  mqtt: { connected: boolean | null; error?: string };
  ha: HaStatus;
}
