// npm run bench: prints the figures the issues ask for. A benchmark, not a timed test: it never fails on a number.
import { microBenchmarks, Figure } from './micro';
import { pollingBenchmark } from './polling';
import { scheduleBenchmark } from './schedule';
import { firmwareBenchmarks, hostLatency } from './firmware';
import { otaUploadBenchmarks } from './ota-upload';
import { addonLoadBenchmark, coldStartBenchmark } from './addon';
import { espruinoBenchmarks } from './espruino';
import { backfillBenchmark } from './backfill';

function print(title: string, figures: Figure[]): void {
  process.stdout.write(`\n${title}\n`);
  for (const f of figures) process.stdout.write(`  ${f.name.padEnd(72)} ${f.value.toFixed(2).padStart(10)} ${f.unit}\n`);
}

async function main(): Promise<void> {
  process.stdout.write(`MEP Bridge benchmark — Node ${process.version}, ${new Date().toISOString()}\n`);
  const steadySeconds = Number(process.env.BENCH_ESPRUINO_STEADY_SECONDS ?? 30);
  // BENCH_ESPRUINO_FLAT_MINUTES=60 gives issue 9's one-hour flatness figure.
  const flatMinutes = Number(process.env.BENCH_ESPRUINO_FLAT_MINUTES ?? 0);
  const onInterpreter = await espruinoBenchmarks(steadySeconds, flatMinutes);
  if (typeof onInterpreter === 'string') process.stdout.write(`\nReal Espruino interpreter: ${onInterpreter}\n`);
  else print(`Firmware on the real Espruino interpreter (pool 10,000, ${steadySeconds} s of polling every 2 s):`, onInterpreter);
  print('Protocol core (Node):', microBenchmarks());
  print('Update engine: uploads into Storage through the installer (536-byte chunks, host Storage):', otaUploadBenchmarks());
  print("Poll schedule within the guide's budget (1 simulated hour per interval, 9600 baud, strict 100-ms spacing):", scheduleBenchmark());
  const seconds = Number(process.env.BENCH_POLL_SECONDS ?? 20);
  print(`Fastest polling (1 s) at real 9600-baud pacing (${seconds} s, simulator turnaround 0 ms):`, await pollingBenchmark(seconds));
  const cycles = Number(process.env.BENCH_CYCLES ?? 10000);
  const polls = Number(process.env.BENCH_HOST_POLLS ?? 60);
  print('Production bundle on the Node host + simulator + aedes (1 poll/s):', await hostLatency(polls));
  print('Firmware App on a Node HAL + simulator + aedes (App clock 20x/1000x fast):', await firmwareBenchmarks(cycles));
  const devices = Number(process.env.BENCH_ADDON_DEVICES ?? 200);
  const addonSeconds = Number(process.env.BENCH_ADDON_SECONDS ?? 30);
  print(`Add-on with ${devices} devices on the embedded broker, 1 state/s each, ${addonSeconds} s:`, await addonLoadBenchmark(devices, addonSeconds));
  print('Cold start of npm start (firmware bundle already built):', await coldStartBenchmark());
  print('Backfill through the production firmware on the Node host, meter at real MEP timing, raw reads 1 s apart:', await backfillBenchmark());
}

main().catch((err) => {
  process.stderr.write(`bench: ${(err as Error).stack}\n`);
  process.exit(1);
});
