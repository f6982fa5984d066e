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

function at(p: Phases | null, i: number): number | null {
  return p ? (p[i] as number) : null;
}

/** The reference's keys carry raw meter integers (mA, mV, 1/1000); compat.ts formats them. */
export function compatValues(bt23: Bt23 | null, bt28: Bt28 | null): CompatValues {
  const out: CompatValues = {};
  if (bt23) {
    out.Fwd_Act_Wh = bt23.total.summations[0];
    out.Rev_Act_Wh = bt23.total.summations[1];
  }
  if (!bt28) return out;
  const b = bt28;
  out.L1_RMS_A = at(b.currentMa, 0);
  out.L2_RMS_A = at(b.currentMa, 1);
  out.L3_RMS_A = at(b.currentMa, 2);
  out.L1_RMS_V = at(b.voltageMv, 0);
  out.L2_RMS_V = at(b.voltageMv, 1);
  out.L3_RMS_V = at(b.voltageMv, 2);
  out.L1_PF_Fac = at(b.powerFactorMilli, 0);
  out.L2_PF_Fac = at(b.powerFactorMilli, 1);
  out.L3_PF_Fac = at(b.powerFactorMilli, 2);
  out.ImportReactive_VAr = b.importReactiveVar;
  out.ExportReactive_VAr = b.exportReactiveVar;
  out.Fwd_W = b.fwdActiveW;
  out.Rev_W = b.revActiveW;
  out.Fwd_Avg_W = b.fwdAvgActiveW;
  out.Rev_Avg_W = b.revAvgActiveW;
  out.L1_Fwd_W = at(b.fwdActivePhaseW, 0);
  out.L2_Fwd_W = at(b.fwdActivePhaseW, 1);
  out.L3_Fwd_W = at(b.fwdActivePhaseW, 2);
  out.L1_Rev_W = at(b.revActivePhaseW, 0);
  out.L2_Rev_W = at(b.revActivePhaseW, 1);
  out.L3_Rev_W = at(b.revActivePhaseW, 2);
  out.L1_Fwd_Avg_W = at(b.fwdAvgActivePhaseW, 0);
  out.L2_Fwd_Avg_W = at(b.fwdAvgActivePhaseW, 1);
  out.L3_Fwd_Avg_W = at(b.fwdAvgActivePhaseW, 2);
  out.L1_Rev_Avg_W = at(b.revAvgActivePhaseW, 0);
  out.L2_Rev_Avg_W = at(b.revAvgActivePhaseW, 1);
  out.L3_Rev_Avg_W = at(b.revAvgActivePhaseW, 2);
  out.Freq_mHz = b.frequencyMilliHz;
  return out;
}
