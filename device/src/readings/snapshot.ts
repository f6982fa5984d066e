// Decoded meter tables → the physical readings the firmware publishes, in Home Assistant's units: kWh, W, V, A,
// Hz, var, VA (spec §10.3 BT23 summations, §10.4 BT28 present values). Energy passes the EnergyGuard first.
import { Bt23 } from '../meter/tables/bt23-current-register-data';
import { Bt28, Phases } from '../meter/tables/bt28-present-values';
import { Bt52, bt52EpochMs } from '../meter/tables/bt52-clock';
import { EnergyGuard } from './energy-guard';

/** @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface PhaseReadings {
  powerImportW: number | null;
  powerExportW: number | null;
  voltageV: number | null;
  currentA: number | null;
  /** Dimensionless, −1..1. */
  powerFactor: number | null;
}

/** @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface Readings {
  energyImportKwh: number | null;
  energyExportKwh: number | null;
  reactiveEnergyImportKvarh: number | null;
  reactiveEnergyExportKvarh: number | null;
  powerImportW: number | null;
  powerExportW: number | null;
  /** Import − export: negative while feeding the grid. */
  powerNetW: number | null;
  reactivePowerImportVar: number | null;
  reactivePowerExportVar: number | null;
  apparentPowerVa: number | null;
  frequencyHz: number | null;
  phases: PhaseReadings[];
  /** Meter clock, UTC ms, when the meter says its clock is UTC. */
  meterClockMs: number | null;
}

function phase(values: Phases | null, i: number, scale: number): number | null {
  return values ? (values[i] as number) / scale : null;
}

export class ReadingsTracker {
  private readonly importGuard = new EnergyGuard();
  private readonly exportGuard = new EnergyGuard();
  readonly current: Readings = {
    energyImportKwh: null, energyExportKwh: null, reactiveEnergyImportKvarh: null, reactiveEnergyExportKvarh: null,
    powerImportW: null, powerExportW: null, powerNetW: null, reactivePowerImportVar: null, reactivePowerExportVar: null,
    apparentPowerVa: null, frequencyHz: null, phases: [], meterClockMs: null,
  };

  /** BT23: k 0 forward active Wh, k 1 reverse active Wh, k 2/3 reactive varh (INFERRED). */
  applyBt23(bt23: Bt23, atMs: number): void {
    const s = bt23.total.summations;
    const imp = s.length > 0 ? this.importGuard.accept(s[0] as number, atMs) : null;
    const exp = s.length > 1 ? this.exportGuard.accept(s[1] as number, atMs) : null;
    this.current.energyImportKwh = imp === null ? null : imp / 1000;
    this.current.energyExportKwh = exp === null ? null : exp / 1000;
    this.current.reactiveEnergyImportKvarh = s.length > 2 ? (s[2] as number) / 1000 : null;
    this.current.reactiveEnergyExportKvarh = s.length > 3 ? (s[3] as number) / 1000 : null;
  }

  applyBt28(v: Bt28, phaseCount: number): void {
    const c = this.current;
    c.powerImportW = v.fwdActiveW;
    c.powerExportW = v.revActiveW;
    c.powerNetW = v.fwdActiveW !== null && v.revActiveW !== null ? v.fwdActiveW - v.revActiveW : null;
    c.reactivePowerImportVar = v.importReactiveVar;
    c.reactivePowerExportVar = v.exportReactiveVar;
    c.apparentPowerVa = v.apparentPowerVa;
    c.frequencyHz = v.frequencyMilliHz === null ? null : v.frequencyMilliHz / 1000;
    const phases: PhaseReadings[] = [];
    for (let i = 0; i < phaseCount; i++) {
      phases.push({
        powerImportW: phase(v.fwdActivePhaseW, i, 1),
        powerExportW: phase(v.revActivePhaseW, i, 1),
        voltageV: phase(v.voltageMv, i, 1000),
        currentA: phase(v.currentMa, i, 1000),
        powerFactor: phase(v.powerFactorMilli, i, 1000),
      });
    }
    c.phases = phases;
  }

  applyBt52(clock: Bt52): void {
    this.current.meterClockMs = bt52EpochMs(clock);
  }

  energyRejections(): number {
    return this.importGuard.rejections + this.exportGuard.rejections;
  }
}
