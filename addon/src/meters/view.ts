// DeviceRecord -> MeterView (backend.ts): the JSON the panel shows. Pure; carries no secret (devices never publish
// one, contract.ts).
import { MeterUsage, MeterView } from '../backend';
import { usageView } from '../usage/meter-usage';
import { meterProblems } from './problems';
import { DeviceRecord } from './registry-state';

export interface ViewContext {
  now: number;
  staleAfterMs?: number;
  /** Latest firmware the add-on offers (the catalog), null if none. */
  latestVersion?: (deviceId: string) => string | null;
  /** The add-on's usage figures of a meter (usage/usage-service.ts); absent = all unknown. */
  usage?: (deviceId: string) => MeterUsage;
  /** The backfill's report of a meter (backfill/backfill-service.ts); absent = no backfill field. */
  backfill?: (deviceId: string) => MeterView['backfill'];
  /** The outage watch's newest outage of a meter (outages/outage-service.ts); absent = no lastOutage field. */
  lastOutage?: (deviceId: string) => MeterView['lastOutage'];
}

export function meterView(d: DeviceRecord, ctx: ViewContext): MeterView {
  return {
    deviceId: d.deviceId,
    name: d.name ?? d.deviceId,
    online: d.online,
    lastSeen: d.lastSeen,
    state: d.state,
    stateAt: d.stateAt,
    stateIntervalMs: d.stateIntervalMs,
    diagnostics: d.diagnostics,
    firmware: d.diagnostics?.firmware ?? d.update?.installed_version ?? null,
    phases: d.phases,
    baseTopic: d.baseTopic,
    entityIds: { ...d.entityIds },
    update: d.update,
    latestVersion: ctx.latestVersion ? ctx.latestVersion(d.deviceId) : null,
    problems: meterProblems(d, ctx.now, ctx.staleAfterMs),
    usage: ctx.usage ? ctx.usage(d.deviceId) : usageView(null, ctx.now, 'UTC'),
    ...(ctx.backfill ? { backfill: ctx.backfill(d.deviceId) } : {}),
    ...(ctx.lastOutage ? { lastOutage: ctx.lastOutage(d.deviceId) } : {}),
  };
}
