// The JSON state message of the add-on's usage entities (usage-discovery.ts keys). Pure. null = unknown in Home
// Assistant; a signed current the state message did not carry is left out (HA keeps its last value).
import { StatePayload } from '../../../discovery/contract';
import { MeterUsage } from '../backend';
import { Phase, signedCurrent } from './signed-current';

export function usageStatePayload(usage: MeterUsage, state: StatePayload | null, phases: 1 | 3): { [key: string]: number | string | boolean | null } {
  const out: { [key: string]: number | string | boolean | null } = {
    power_average_15min: usage.quarterHourW,
    power_average_hour: usage.hourW,
  };
  for (let n = 1; n <= 3; n++) {
    const p = usage.monthPeaks[n - 1];
    out[`peak_hour_${n}`] = p ? p.w : null;
    out[`peak_hour_${n}_start`] = p ? p.hour : null;
    out[`peak_hour_${n}_estimated`] = p ? p.estimated === true : false;
  }
  const ws = usage.monthPeaks.map((p) => p.w);
  out.peak_hours_average = ws.length > 0 ? Math.round(ws.reduce((a, b) => a + b, 0) / ws.length) : null;
  const days = usage.monthPeakDays.map((p) => p.w);
  out.peak_days_average = days.length > 0 ? Math.round(days.reduce((a, b) => a + b, 0) / days.length) : null;
  // The hours it averages, as one attribute (a JSON text: the state message's values are scalars).
  out.peak_days = JSON.stringify(usage.monthPeakDays.map((p) => ({ hour: p.hour, w: p.w })));
  out.energy_import_today = usage.today.importKwh;
  out.energy_export_today = usage.today.exportKwh;
  out.energy_import_month = usage.month.importKwh;
  out.energy_export_month = usage.month.exportKwh;
  if (state !== null) {
    for (let phase = 1; phase <= phases; phase++) {
      const a = signedCurrent(state, phase as Phase);
      if (a !== null) out[`current_signed_l${phase}`] = a;
    }
  }
  return out;
}
