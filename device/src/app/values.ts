// Readings → the entity keys of discovery/entities.ts (state message). Pure. The reference firmware's compatibility
// keys are in compat-module.ts (loaded only when that mode is on).
import { PayloadValues } from '../../../discovery/payloads';
import { PhaseReadings, Readings } from '../readings/snapshot';

export function stateValues(r: Readings): PayloadValues {
  const v: PayloadValues = {
    energy_import: r.energyImportKwh,
    energy_export: r.energyExportKwh,
    reactive_energy_import: r.reactiveEnergyImportKvarh,
    reactive_energy_export: r.reactiveEnergyExportKvarh,
    power_import: r.powerImportW,
    power_export: r.powerExportW,
    power_net: r.powerNetW,
    frequency: r.frequencyHz,
    reactive_power_import: r.reactivePowerImportVar,
    reactive_power_export: r.reactivePowerExportVar,
    apparent_power: r.apparentPowerVa,
    meter_clock: r.meterClockMs === null ? null : new Date(r.meterClockMs).toISOString(),
  };
  // Written out rather than from a key → field table: the table would be resident data, and quoted field names would
  // keep the build from shortening them (member-names.ts).
  for (let p = 0; p < r.phases.length; p++) {
    const phase = r.phases[p] as PhaseReadings;
    const n = p + 1;
    v['power_import_l' + n] = phase.powerImportW;
    v['power_export_l' + n] = phase.powerExportW;
    v['voltage_l' + n] = phase.voltageV;
    v['current_l' + n] = phase.currentA;
    v['power_factor_l' + n] = phase.powerFactor;
  }
  return v;
}
