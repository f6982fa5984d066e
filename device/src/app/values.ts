// Readings → the entity keys of discovery/entities.ts (state message). Pure. The reference firmware's compatibility
// keys are in compat-module.ts (loaded only when that mode is on).
import { PayloadValues } from '../../../discovery/payloads';
import { PhaseReadings, Readings } from '../readings/snapshot';

const PHASE_FIELDS: { key: string; field: keyof PhaseReadings }[] = [
  { key: 'power_import_l', field: 'powerImportW' },
  { key: 'power_export_l', field: 'powerExportW' },
  { key: 'voltage_l', field: 'voltageV' },
  { key: 'current_l', field: 'currentA' },
  { key: 'power_factor_l', field: 'powerFactor' },
];

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
  for (let p = 0; p < r.phases.length; p++) {
    const phase = r.phases[p] as PhaseReadings;
    for (let f = 0; f < PHASE_FIELDS.length; f++) {
      const def = PHASE_FIELDS[f] as { key: string; field: keyof PhaseReadings };
      v[def.key + (p + 1)] = phase[def.field];
    }
  }
  return v;
}
