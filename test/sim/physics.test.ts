// Spec §10.3, §10.4, §15.9: plausible live values. Energy registers only increase and integrate power; export
// grows when net power is negative; BT28 per-phase sums equal the totals and PF = P/S.
import { partialRead, fullRead } from '../../device/src/meter/requests';
import { BT23, BT28 } from '../../device/src/meter/table-ids';
import { LoadModel, type LoadSample } from '../../device/sim/meter-sim';
import { Harness, START } from './harness';

const HOUR = 3_600_000;
const i32 = (b: Uint8Array, k: number): number => Buffer.from(b).readInt32LE(4 * k);

function importW(s: LoadSample): number {
  return s.phases.reduce((a, p) => a + (p.p > 0 ? p.p : 0), 0);
}
function exportW(s: LoadSample): number {
  return s.phases.reduce((a, p) => a + (p.p < 0 ? -p.p : 0), 0);
}

/** Independent reference: ∫ f dt by the midpoint rule with a finer step than the simulator's. */
function integrateWh(model: LoadModel, from: number, to: number, f: (s: LoadSample) => number): number {
  const step = 250;
  let sum = 0;
  for (let t = from; t < to; t += step) sum += f(model.sample(t + step / 2)) * step;
  return sum / HOUR;
}

describe('[MEP §15.9] energy registers', () => {
  test('import Wh never decreases over 6 simulated hours and equals ∫P dt', () => {
    const h = new Harness();
    let prev = i32(h.reply(partialRead(BT23, 0, 16)).data!, 0);
    const first = prev;
    for (let k = 0; k < 36; k++) {
      h.advance(10 * 60_000);
      const wh = i32(h.reply(partialRead(BT23, 0, 16)).data!, 0);
      expect(wh).toBeGreaterThanOrEqual(prev);
      prev = wh;
    }
    const expected = integrateWh(h.sim.physics.model, START, START + 6 * HOUR, importW);
    expect(expected).toBeGreaterThan(500); // a household: kWh per 6 h
    expect(Math.abs(prev - first - expected)).toBeLessThanOrEqual(1 + expected * 0.002);
  });

  test('accelerated time: one clock minute at ×60 advances one simulated hour', () => {
    const h = new Harness({ timeScale: 60 });
    const before = h.sim.physics.registers().importWh;
    h.advance(60_000);
    h.reply(fullRead(BT23));
    expect(h.sim.simTime()).toBe(START + HOUR);
    const expected = integrateWh(h.sim.physics.model, START, START + HOUR, importW);
    expect(h.sim.physics.registers().importWh - before).toBeCloseTo(expected, 0);
  });

  test('with PV at midday the net power goes negative: export grows, import power is 0', () => {
    const h = new Harness({ physics: { solarPeakW: 8000 }, startTime: Date.UTC(2024, 5, 21, 10, 0, 0) });
    h.now = Date.UTC(2024, 5, 21, 10, 0, 0);
    const r0 = h.reply(partialRead(BT23, 0, 16)).data!;
    h.advance(2 * HOUR);
    const bt28 = h.reply(fullRead(BT28)).data!;
    const r1 = h.reply(partialRead(BT23, 0, 16)).data!;
    expect(i32(r1, 1) - i32(r0, 1)).toBeGreaterThan(4000); // export Wh
    expect(i32(r1, 0)).toBeGreaterThanOrEqual(i32(r0, 0));
    expect(i32(bt28, 0)).toBe(0); // import W
    expect(i32(bt28, 1)).toBeGreaterThan(1000); // export W
    expect(i32(bt28, 29) + i32(bt28, 30) + i32(bt28, 31)).toBe(i32(bt28, 1));
    const model = h.sim.physics.model;
    const expected = integrateWh(model, Date.UTC(2024, 5, 21, 10), Date.UTC(2024, 5, 21, 12), exportW);
    expect(Math.abs(i32(r1, 1) - i32(r0, 1) - expected)).toBeLessThanOrEqual(2 + expected * 0.002);
  });

  test('no PV at night: export register does not move', () => {
    const h = new Harness({ physics: { solarPeakW: 8000 }, startTime: Date.UTC(2024, 5, 21, 22), clock: undefined });
    const a = h.sim.physics.registers();
    h.sim.physics.advanceTo(Date.UTC(2024, 5, 22, 2));
    expect(h.sim.physics.registers().exportWh).toBe(a.exportWh);
    expect(h.sim.physics.registers().importWh).toBeGreaterThan(a.importWh);
  });
});

describe('[MEP §10.4/§15.9] BT28 present values', () => {
  test('ranges and consistency at many instants (3-phase)', () => {
    const h = new Harness();
    for (let k = 0; k < 48; k++) {
      h.advance(17 * 60_000 + 13_000);
      const b = h.reply(fullRead(BT28)).data!;
      const v = (n: number): number => i32(b, n);
      expect(v(0)).toBe(v(26) + v(27) + v(28)); // import W = Σ phases
      expect(v(1)).toBe(v(29) + v(30) + v(31));
      expect(v(47)).toBe(v(49) + v(50) + v(51)); // averages too
      expect(v(48)).toBe(v(52) + v(53) + v(54));
      for (const n of [7, 8, 9, 41, 42, 43, 44, 45, 46]) expect(Math.abs(v(n) - 230_000)).toBeLessThan(6_000);
      expect(Math.abs(v(11) - 50_000)).toBeLessThanOrEqual(50);
      for (const [ph, pfK] of [[0, 10], [1, 13], [2, 14]] as const) {
        const p = v(26 + ph) + v(29 + ph);
        const s = (v(7 + ph) / 1000) * (v(4 + ph) / 1000); // V·I = S
        expect(v(pfK)).toBeGreaterThanOrEqual(800);
        expect(v(pfK)).toBeLessThanOrEqual(1000);
        expect(Math.abs(p - (v(pfK) / 1000) * s)).toBeLessThan(1.5); // PF = P/S, up to rounding
      }
      const q = v(2) - v(3);
      const p = v(0) - v(1);
      // Total VA is the arithmetic sum of the phases' V·I, as in capture C07 (669 VA vs √(P²+Q²) = 607).
      const sSum = [0, 1, 2].reduce((a, ph) => a + (v(7 + ph) / 1000) * (v(4 + ph) / 1000), 0);
      expect(Math.abs(v(12) - sSum)).toBeLessThan(3);
      expect(v(12)).toBeGreaterThanOrEqual(Math.sqrt(p * p + q * q) - 2);
      expect(v(15) + v(16) + v(17)).toBe(q);
      expect(v(22) + v(23) + v(24) + v(25)).toBe(Math.abs(q));
      for (let n = 0; n < 4; n++) expect(v(18 + n)).toBe(v(n));
    }
  });

  test('the load model is pure and seeded', () => {
    const a = new LoadModel({ seed: 3 });
    const b = new LoadModel({ seed: 3 });
    const c = new LoadModel({ seed: 4 });
    expect(a.sample(START)).toEqual(b.sample(START));
    expect(a.sample(START)).not.toEqual(c.sample(START));
    const s = a.sample(START + 5 * HOUR);
    for (const ph of s.phases) {
      expect(ph.s).toBeCloseTo(Math.hypot(ph.p, ph.q), 6);
      expect(ph.i).toBeCloseTo(Math.abs(ph.p) / (ph.v * ph.pf), 6);
    }
  });
});
