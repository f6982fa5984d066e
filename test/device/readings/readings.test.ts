import { EnergyGuard } from '../../../device/src/readings/energy-guard';
import { ReadingsTracker } from '../../../device/src/readings/snapshot';
import { decodeBt28 } from '../../../device/src/meter/tables/bt28-present-values';
import { decodeBt23 } from '../../../device/src/meter/tables/bt23-current-register-data';
import { KNOWN_METER_BT21 } from '../../../device/src/meter/known-layouts';
import { hex, loadVectors } from '../../helpers/vectors';

const T = loadVectors('frames.json').synthetic_tables;
const H = 3600_000;

describe('energy registers sent to the Energy dashboard', () => {
  test('never 0, never negative, never going down', () => {
    const g = new EnergyGuard();
    expect(g.accept(0, 0)).toBeNull();
    expect(g.accept(-5, 0)).toBeNull();
    expect(g.accept(NaN, 0)).toBeNull();
    expect(g.accept(1000, 0)).toBe(1000);
    expect(g.accept(999, 1000)).toBeNull();
    expect(g.accept(1000, 2000)).toBe(1000);
    expect(g.accept(1500, H)).toBe(1500);
  });

  test('a jump faster than the connection can draw is held back (spec §10.3 field report)', () => {
    const g = new EnergyGuard({ maxPowerW: 100000 });
    g.accept(1_000_000, 0);
    expect(g.accept(1_000_000 + 300_000, 60_000)).toBeNull(); // 300 kWh in one minute
    expect(g.accept(1_000_000 + 1_000, 60_000)).toBe(1_001_000); // 1 kWh in a minute = 60 kW: plausible
  });

  test('a new level that persists (meter exchanged) is accepted after repeated readings', () => {
    const g = new EnergyGuard({ acceptAfterRejections: 3 });
    g.accept(5_000_000, 0);
    expect(g.accept(10, 1000)).toBeNull();
    expect(g.accept(11, 2000)).toBeNull();
    expect(g.accept(12, 3000)).toBe(12);
    expect(g.accept(13, 4000)).toBe(13);
  });
});

describe('readings from decoded tables', () => {
  test('BT28 capture values in Home Assistant units', () => {
    const r = new ReadingsTracker();
    const bt28 = decodeBt28(hex(T.BT28_A), { bt21: KNOWN_METER_BT21 });
    if (!bt28.ok) throw new Error(bt28.message);
    r.applyBt28(bt28.value, 3);
    expect(r.current.powerImportW).toBe(484);
    expect(r.current.powerNetW).toBe(484);
    expect(r.current.frequencyHz).toBe(50);
    expect(r.current.phases[0]).toEqual({ powerImportW: 198, powerExportW: 0, voltageV: 232.113, currentA: 1.027, powerFactor: 0.837 });
    expect(r.current.phases).toHaveLength(3);
  });

  test('BT23 energy in kWh; a 1-phase meter gets one phase', () => {
    const r = new ReadingsTracker();
    const bt23 = decodeBt23(hex(T.BT23_A), { bt21: KNOWN_METER_BT21 });
    if (!bt23.ok) throw new Error(bt23.message);
    r.applyBt23(bt23.value, 0);
    expect(r.current.energyImportKwh).toBe(65845.342);
    expect(r.current.energyExportKwh).toBe(0.179);
    const bt28 = decodeBt28(hex(T.BT28_A), { bt21: KNOWN_METER_BT21 });
    if (!bt28.ok) throw new Error(bt28.message);
    r.applyBt28(bt28.value, 1);
    expect(r.current.phases).toHaveLength(1);
  });
});
