// The 55 BT28 present values (spec §10.4) from one load sample plus the moving averages. Per-phase values are
// rounded first and the totals are sums of the rounded values, so "per-phase sums = totals" holds exactly and
// PF = P/S per phase (spec §15.9). Quantities marked UNKNOWN in the spec get plausible stand-ins.
import type { Averages, LoadSample } from './physics';

const r = Math.round;

function sum(a: number[]): number {
  return a.reduce((x, y) => x + y, 0);
}

export function presentValues(s: LoadSample, avg: Averages): number[] {
  const ph = s.phases;
  const impW = ph.map((x) => r(Math.max(x.p, 0)));
  const expW = ph.map((x) => r(Math.max(-x.p, 0)));
  const qVar = ph.map((x) => r(x.q));
  const sVa = ph.map((x) => r(x.s));
  const mA = ph.map((x) => r(x.i * 1000));
  const mV = ph.map((x) => r(x.v * 1000));
  const pf = ph.map((x) => (x.v === 0 ? 0 : r(x.pf * 1000)));
  const imp = sum(impW);
  const exp = sum(expW);
  const q = sum(qVar);
  const net = imp - exp;
  // Reactive power per quadrant of the total (k 22–25, INFERRED): Q1 P+Q+, Q2 P−Q+, Q3 P−Q−, Q4 P+Q−.
  const quad = [0, 0, 0, 0];
  quad[net >= 0 ? (q >= 0 ? 0 : 3) : q >= 0 ? 1 : 2] = Math.abs(q);
  const avgImp = avg.importW.map(r);
  const avgExp = avg.exportW.map(r);
  const v = new Array<number>(55).fill(0);
  const put = (k: number, values: number[]): void => values.forEach((x, i) => (v[k + i] = x));
  put(0, [imp, exp, Math.max(q, 0), Math.max(-q, 0)]); // k0–3 totals
  put(4, mA); // k4–6 RMS current, mA
  put(7, mV); // k7–9 RMS voltage, mV
  put(10, [pf[0] as number, r(s.frequency * 1000), sum(sVa), pf[1] as number, pf[2] as number]); // k10–14
  put(15, qVar); // k15–17 UNKNOWN signed per-phase values: reactive power per phase as a stand-in
  put(18, [imp, exp, Math.max(q, 0), Math.max(-q, 0)]); // k18–21 UNKNOWN repeat of k0–3
  put(22, quad); // k22–25
  put(26, [...impW, ...expW]); // k26–31 per-phase import/export W
  put(32, [...impW, ...expW]); // k32–37 UNKNOWN repeat of k26–31
  put(38, avg.currentA.map((a) => r(a * 1000))); // k38–40 UNKNOWN, ~averaged current
  put(41, avg.voltageShortV.map((x) => r(x * 1000))); // k41–43 "continuous" voltage
  put(44, avg.voltageV.map((x) => r(x * 1000))); // k44–46 average voltage
  put(47, [sum(avgImp), sum(avgExp), ...avgImp, ...avgExp]); // k47–54 average powers
  return v;
}
