// Load model and energy integration (spec §10.3, §10.4, §15.9). LoadModel is pure: the same parameters and the same
// time always give the same instantaneous values. MeterPhysics integrates them into Wh/varh registers that only ever
// increase (fractions are carried, the tables show whole units) and keeps the moving averages BT28 reports.
import { Rng, hash32 } from './prng';

export interface PhysicsParams {
  seed: number;
  phases: 1 | 3;
  /** Mean household load per phase in W (L1, L2, L3). */
  baseLoadW: number[];
  /** Amplitude of the slow random-looking variation per phase, W. */
  variationW: number;
  /** Extra load of one periodic appliance per phase (kettle, oven ...), W; 0 disables it. */
  applianceW: number;
  /** PV peak output at local noon, W; 0 = no PV. Net negative power is exported. */
  solarPeakW: number;
  /** Offset of local time from UTC for the daily load and sun shape. */
  utcOffsetHours: number;
  nominalV: number;
  voltageSpreadV: number;
  frequencyHz: number;
  frequencySpreadHz: number;
  pfMin: number;
  pfMax: number;
  /** Sign of reactive power when importing active power: -1 = reactive export, as in capture C07. */
  reactiveSign: 1 | -1;
}

export const DEFAULT_PHYSICS: PhysicsParams = {
  seed: 1,
  phases: 3,
  baseLoadW: [180, 140, 150],
  variationW: 120,
  applianceW: 1800,
  solarPeakW: 0,
  utcOffsetHours: 1,
  nominalV: 230,
  voltageSpreadV: 3,
  frequencyHz: 50,
  frequencySpreadHz: 0.05,
  pfMin: 0.8,
  pfMax: 0.99,
  reactiveSign: -1,
};

export interface PhaseSample {
  /** Active power, W; negative = export. */
  p: number;
  /** Reactive power, VAr (signed). */
  q: number;
  /** Apparent power, VA: sqrt(p² + q²). */
  s: number;
  /** RMS voltage, V. */
  v: number;
  /** RMS current, A: s / v = |p| / (v · pf). */
  i: number;
  /** Power factor |p| / s (1 when idle, 0 on an unused phase). */
  pf: number;
}

export interface LoadSample {
  /** Simulated time, ms since the epoch. */
  t: number;
  /** Always three entries; unused phases of a 1-phase meter are all zero. */
  phases: PhaseSample[];
  frequency: number;
}

// Hot loop (one sample per simulated second): Math is aliased once, because a global lookup per call is ~10× slower
// inside jest's vm sandbox.
const M = Math;
const TAU = 2 * M.PI;
const MIN = 60_000;
const ZERO_PHASE: PhaseSample = { p: 0, q: 0, s: 0, v: 0, i: 0, pf: 0 };

interface Wave {
  period: number;
  phase: number;
}

function bell(h: number, centre: number, width: number): number {
  const d = M.min(M.abs(h - centre), 24 - M.abs(h - centre));
  return M.exp(-(d * d) / (2 * width * width));
}

/** Pure: instantaneous per-phase values as a function of simulated time. */
export class LoadModel {
  readonly params: PhysicsParams;
  private readonly waves: Wave[][];
  private readonly vOffset: number[];

  constructor(params: Partial<PhysicsParams> = {}) {
    this.params = { ...DEFAULT_PHYSICS, ...params };
    const rng = new Rng(hash32(this.params.seed, 0x10ad));
    // Per phase: 3 load waves, 1 appliance, 1 voltage, 1 power factor; plus cloud and 2 frequency waves (index 3).
    const wave = (minP: number, maxP: number): Wave => ({ period: minP + rng.next() * (maxP - minP), phase: rng.next() * TAU });
    this.waves = [0, 1, 2].map(() => [wave(5 * MIN, 25 * MIN), wave(20 * MIN, 70 * MIN), wave(60 * MIN, 180 * MIN),
      wave(40 * MIN, 90 * MIN), wave(7 * MIN, 40 * MIN), wave(10 * MIN, 50 * MIN)]);
    this.waves.push([wave(20 * MIN, 60 * MIN), wave(8 * MIN, 15 * MIN), wave(60_000, 180_000)]);
    this.vOffset = [0, 1, 2].map(() => (rng.next() - 0.5) * 0.6);
  }

  private w(phase: number, k: number, t: number): number {
    const wv = (this.waves[phase] as Wave[])[k] as Wave;
    return M.sin((TAU * t) / wv.period + wv.phase);
  }

  /** Household load of one phase, W (always positive). */
  loadW(phase: number, t: number): number {
    const p = this.params;
    const h = ((((t / 3_600_000 + p.utcOffsetHours) % 24) + 24) % 24);
    const day = 0.55 + 0.45 * bell(h, 7.5, 1.2) + 0.9 * bell(h, 19, 1.8);
    const slow = (this.w(phase, 0, t) + this.w(phase, 1, t) + this.w(phase, 2, t)) / 3;
    const appliance = this.w(phase, 3, t) > 0.93 ? p.applianceW : 0;
    return M.max(25, (p.baseLoadW[phase] ?? 0) * day + p.variationW * slow + appliance);
  }

  /** PV output, W. */
  solarW(t: number): number {
    const p = this.params;
    if (p.solarPeakW <= 0) return 0;
    const h = ((((t / 3_600_000 + p.utcOffsetHours) % 24) + 24) % 24);
    if (h <= 6 || h >= 18) return 0;
    const cloud = 0.8 + 0.2 * this.w(3, 0, t);
    return p.solarPeakW * M.sin((M.PI * (h - 6)) / 12) * cloud;
  }

  /** Power outages (load-profile.ts): while this says true the meter is unpowered and every value reads zero. */
  powerOff: ((t: number) => boolean) | null = null;

  sample(t: number): LoadSample {
    const p = this.params;
    if (this.powerOff && this.powerOff(t)) return { t, phases: [0, 1, 2].map(() => ({ ...ZERO_PHASE })), frequency: 0 };
    const n = p.phases;
    const loads = [0, 1, 2].map((k) => (k < n ? this.loadW(k, t) : 0));
    const total = loads.reduce((a, b) => a + b, 0);
    const solar = this.solarW(t);
    const phases: PhaseSample[] = [];
    for (let k = 0; k < 3; k++) {
      if (k >= n) {
        phases.push({ ...ZERO_PHASE });
        continue;
      }
      const load = loads[k] as number;
      // The inverter's output is shared in proportion to each phase's load, so all phases have the same sign and
      // per-phase import/export sums equal the totals (spec §15.9).
      const pw = load - (total > 0 ? (solar * load) / total : 0);
      const pf = p.pfMin + (p.pfMax - p.pfMin) * (0.5 + 0.5 * this.w(k, 5, t));
      const q = p.reactiveSign * M.sign(pw) * M.abs(pw) * M.tan(M.acos(pf));
      const s = M.sqrt(pw * pw + q * q);
      const v = p.nominalV + p.voltageSpreadV * (0.55 * this.w(k, 4, t) + (this.vOffset[k] as number)) - 0.0004 * M.abs(pw);
      phases.push({ p: pw, q, s, v, i: s / v, pf: s > 0 ? M.abs(pw) / s : 1 });
    }
    const frequency = p.frequencyHz + p.frequencySpreadHz * (0.6 * this.w(3, 1, t) + 0.35 * this.w(3, 2, t));
    return { t, phases, frequency };
  }
}

export interface EnergyRegisters {
  importWh: number;
  exportWh: number;
  importVarh: number;
  exportVarh: number;
}

export interface Averages {
  /** Per phase, W / A / V, exponential moving averages (the real averaging period is UNKNOWN, spec §10.4). */
  importW: number[];
  exportW: number[];
  currentA: number[];
  voltageV: number[];
  /** Short-window voltage ("continuous" RMS, k 41–43). */
  voltageShortV: number[];
}

const AVG_TAU_MS = 60_000;
const SHORT_TAU_MS = 5_000;
/** Integration step: fine enough for the load waves (minutes) and cheap over simulated days. */
const STEP_MS = 1_000;
const MAX_STEPS = 50_000;

function imp(s: LoadSample): number {
  return s.phases.reduce((a, ph) => a + M.max(ph.p, 0), 0);
}
function exp(s: LoadSample): number {
  return s.phases.reduce((a, ph) => a + M.max(-ph.p, 0), 0);
}
function qSum(s: LoadSample): number {
  return s.phases.reduce((a, ph) => a + ph.q, 0);
}

/** Stateful integrator over a LoadModel. Time never runs backwards: earlier times are ignored. */
export class MeterPhysics {
  readonly model: LoadModel;
  private t: number;
  private last: LoadSample;
  private readonly energy: EnergyRegisters;
  private readonly avg: Averages;

  constructor(model: LoadModel, startMs: number, initial: EnergyRegisters) {
    this.model = model;
    this.t = startMs;
    this.last = model.sample(startMs);
    this.energy = { ...initial };
    const ph = this.last.phases;
    this.avg = {
      importW: ph.map((x) => M.max(x.p, 0)),
      exportW: ph.map((x) => M.max(-x.p, 0)),
      currentA: ph.map((x) => x.i),
      voltageV: ph.map((x) => x.v),
      voltageShortV: ph.map((x) => x.v),
    };
  }

  get time(): number {
    return this.t;
  }

  advanceTo(tMs: number): void {
    const total = tMs - this.t;
    if (!(total > 0)) return;
    const steps = M.min(MAX_STEPS, M.ceil(total / STEP_MS));
    const dt = total / steps;
    for (let k = 1; k <= steps; k++) {
      const next = this.model.sample(k === steps ? tMs : this.t + k * dt);
      this.integrate(this.last, next, next.t - this.last.t);
      this.last = next;
    }
    this.t = tMs;
  }

  private integrate(a: LoadSample, b: LoadSample, dt: number): void {
    const hours = dt / 3_600_000;
    const e = this.energy;
    e.importWh += ((imp(a) + imp(b)) / 2) * hours;
    e.exportWh += ((exp(a) + exp(b)) / 2) * hours;
    const qa = qSum(a);
    const qb = qSum(b);
    e.importVarh += ((M.max(qa, 0) + M.max(qb, 0)) / 2) * hours;
    e.exportVarh += ((M.max(-qa, 0) + M.max(-qb, 0)) / 2) * hours;
    const al = 1 - M.exp(-dt / AVG_TAU_MS);
    const as = 1 - M.exp(-dt / SHORT_TAU_MS);
    const m = this.avg;
    b.phases.forEach((ph, k) => {
      m.importW[k] = (m.importW[k] as number) + al * (M.max(ph.p, 0) - (m.importW[k] as number));
      m.exportW[k] = (m.exportW[k] as number) + al * (M.max(-ph.p, 0) - (m.exportW[k] as number));
      m.currentA[k] = (m.currentA[k] as number) + al * (ph.i - (m.currentA[k] as number));
      m.voltageV[k] = (m.voltageV[k] as number) + al * (ph.v - (m.voltageV[k] as number));
      m.voltageShortV[k] = (m.voltageShortV[k] as number) + as * (ph.v - (m.voltageShortV[k] as number));
    });
  }

  current(): LoadSample {
    return this.last;
  }

  registers(): EnergyRegisters {
    return { ...this.energy };
  }

  averages(): Averages {
    const m = this.avg;
    return {
      importW: [...m.importW],
      exportW: [...m.exportW],
      currentA: [...m.currentA],
      voltageV: [...m.voltageV],
      voltageShortV: [...m.voltageShortV],
    };
  }
}
