// A simulated meter for tests of the whole device (Node host, app, add-on): instant replies and an hour of meter time
// per clock minute, so readings move within a test.
//
// The periodic appliance is off. At ×60 every watt of simulated load raises the energy register 60 times faster
// than real, and the device's energy guard (device/src/readings/energy-guard.ts: at most 100 kW) rightly rejects a
// rise above 1.67 kW of simulated load. The appliance (1,800 W per phase) crossed that line at times of day that
// depend on the wall clock, and a page or a state message then lacked its energy: a flaky test, not a device bug.
import { MeterSimulator } from '../../device/sim/meter-sim/meter';
import { MeterSimulatorOptions } from '../../device/sim/meter-sim/options';

export function acceleratedMeter(options: MeterSimulatorOptions): MeterSimulator {
  return new MeterSimulator({ pacing: 'instant', timeScale: 60, ...options, physics: { applianceW: 0, ...options.physics } });
}
