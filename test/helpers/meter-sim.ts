// A simulated meter for tests of the whole device (Node host, app, add-on): instant replies and an hour of meter time
// per clock minute, so readings move within a test; and what its load profile holds per hour.
//
// The periodic appliance is off. At ×60 every watt of simulated load raises the energy register 60 times faster
// than real, and the device's energy guard (device/src/readings/energy-guard.ts: at most 100 kW) rightly rejects a
// rise above 1.67 kW of simulated load. The appliance (1,800 W per phase) crossed that line at times of day that
// depend on the wall clock, and a page or a state message then lacked its energy: a flaky test, not a device bug.
import { MeterSimulator } from '../../device/sim/meter-sim/meter';
import { MeterSimulatorOptions } from '../../device/sim/meter-sim/options';
import { BT61, BT64, decodeBt61 } from '../../device/src/meter/tables/lp-config';
import { blockRange, decodeBlock, hourlySums, intervalDeltas, lpLayout, type LpInterval } from '../../device/src/meter/tables/lp-data';

export function acceleratedMeter(options: MeterSimulatorOptions): MeterSimulator {
  return new MeterSimulator({ pacing: 'instant', timeScale: 60, ...options, physics: { applianceW: 0, ...options.physics } });
}

/** The meter's own hourly energies (channel 0 import, 1 export; whole units) for the hours starting in [fromMs, toMs),
 *  decoded from the simulator's load profile tables directly: what a backfill must reproduce. */
export function profileHours(sim: MeterSimulator, channel: number, fromMs: number, toMs: number): Map<number, number> {
  const bt61 = decodeBt61(sim.tables.read(BT61)!);
  if (!bt61.ok) throw new Error(bt61.message);
  const layout = lpLayout(bt61.value, 0);
  const image = sim.tables.read(BT64)!;
  const all: LpInterval[] = [];
  for (let b = 0; b < layout.dims.blocks; b++) {
    const r = blockRange(layout, b);
    const d = decodeBlock(layout, image.subarray(r.offset, r.offset + r.count));
    if (d.ok && d.value.header.endMs !== null) all.push(...d.value.intervals.filter((i) => i.valid));
  }
  all.sort((a, b) => a.endMs - b.endMs);
  const sums = hourlySums(intervalDeltas(all, channel, layout.intervalMs), layout.intervalMs);
  return new Map(sums.filter((s) => s.startMs >= fromMs && s.startMs < toMs).map((s) => [s.startMs, s.sum]));
}
