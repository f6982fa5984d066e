// Readings → the entity keys of discovery/entities.ts (state message), and raw tables → the reference firmware's
// compatibility keys (spec §11). Pure.
import { CompatValues } from '../../../discovery/compat';
import { PayloadValues } from '../../../discovery/payloads';
import { Bt23 } from '../meter/tables/bt23-current-register-data';
import { Bt28, Phases } from '../meter/tables/bt28-present-values';
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

/** Reference key → BT28 field; per-phase keys get L1_/L2_/L3_ in front (spec §11). */
const COMPAT_SINGLE: [string, keyof Bt28][] = [
  ['ImportReactive_VAr', 'importReactiveVar'],
  ['ExportReactive_VAr', 'exportReactiveVar'],
  ['Fwd_W', 'fwdActiveW'],
  ['Rev_W', 'revActiveW'],
  ['Fwd_Avg_W', 'fwdAvgActiveW'],
  ['Rev_Avg_W', 'revAvgActiveW'],
  ['Freq_mHz', 'frequencyMilliHz'],
];
const COMPAT_PHASED: [string, keyof Bt28][] = [
  ['_RMS_A', 'currentMa'],
  ['_RMS_V', 'voltageMv'],
  ['_PF_Fac', 'powerFactorMilli'],
  ['_Fwd_W', 'fwdActivePhaseW'],
  ['_Rev_W', 'revActivePhaseW'],
  ['_Fwd_Avg_W', 'fwdAvgActivePhaseW'],
  ['_Rev_Avg_W', 'revAvgActivePhaseW'],
];

/** The reference's keys carry raw meter integers (mA, mV, 1/1000); compat.ts formats them. */
export function compatValues(bt23: Bt23 | null, bt28: Bt28 | null): CompatValues {
  const out: { [key: string]: number | null | undefined } = {};
  if (bt23) {
    out.Fwd_Act_Wh = bt23.total.summations[0];
    out.Rev_Act_Wh = bt23.total.summations[1];
  }
  if (!bt28) return out as CompatValues;
  for (let i = 0; i < COMPAT_SINGLE.length; i++) {
    const row = COMPAT_SINGLE[i] as [string, keyof Bt28];
    out[row[0]] = bt28[row[1]] as number | null;
  }
  for (let i = 0; i < COMPAT_PHASED.length; i++) {
    const row = COMPAT_PHASED[i] as [string, keyof Bt28];
    const phases = bt28[row[1]] as Phases | null;
    for (let p = 0; p < 3; p++) out['L' + (p + 1) + row[0]] = phases ? (phases[p] as number) : null;
  }
  return out as CompatValues;
}
