// mep demo (npm start): a simulated 3-phase meter on a local TCP port and the device's meter session reading it,
// one readable line per poll. What the firmware will publish to Home Assistant, without hardware.
import { TABLE_DECODERS } from '../../device/src/meter/tables/index';
import { MeterPoller } from '../../device/src/meter/poller';
import { MeterSession } from '../../device/src/meter/session';
import { parseMbk } from '../../device/src/meter/key';
import { BT01, BT23, BT28 } from '../../device/src/meter/table-ids';
import type { Bt01, Bt23, Bt28 } from '../../device/src/meter/tables/index';
import { serveTcp } from '../../device/sim/meter-sim/transport-tcp';
import { openMeterPort } from '../port';
import { integerArg, parseCommandLine } from '../usage';
import { createSim, DEMO_KEY, parseFaults } from './sim';

const HELP = `mep demo [--interval <ms>] [--speed <factor>] [--faults <list>] [--json]

Starts a simulated meter on a free local port and reads it like the firmware does, printing one line per poll
(--json: one JSON line per decoded table). Ctrl-C stops.`;

function summary(bt23: Bt23 | null, bt28: Bt28): string {
  const kwh = (wh: number | undefined) => (wh === undefined ? '?' : (wh / 1000).toFixed(3));
  const v = bt28.voltageMv?.map((x) => (x / 1000).toFixed(1)).join('/') ?? '?';
  const a = bt28.currentMa?.map((x) => (x / 1000).toFixed(2)).join('/') ?? '?';
  return [
    `import ${kwh(bt23?.total.summations[0])} kWh`,
    `export ${kwh(bt23?.total.summations[1])} kWh`,
    `power +${bt28.fwdActiveW ?? '?'} W / -${bt28.revActiveW ?? '?'} W`,
    `${v} V`,
    `${a} A`,
    `${bt28.frequencyMilliHz === null ? '?' : (bt28.frequencyMilliHz / 1000).toFixed(2)} Hz`,
  ].join(' · ');
}

export async function demoCommand(argv: string[]): Promise<void> {
  const { values } = parseCommandLine(argv, { interval: { type: 'string' }, speed: { type: 'string' }, faults: { type: 'string' }, json: { type: 'boolean' } }, HELP);
  const interval = values.interval === undefined ? 2000 : integerArg(values.interval, '--interval', 3600000);
  const speed = values.speed === undefined ? 60 : Number(values.speed);
  const sim = createSim({ key: DEMO_KEY, profile: 'three-phase', pacing: 'realtime', timeScale: speed, faults: parseFaults(values.faults), alertIntervalMs: 60000 });
  const tcp = await serveTcp(sim, 0);
  const port = await openMeterPort(`tcp://127.0.0.1:${tcp.port}`);
  process.stderr.write(`mep demo: simulated meter on tcp://127.0.0.1:${tcp.port} (key ${DEMO_KEY}, time x${speed}); Ctrl-C stops\n`);
  const session = new MeterSession({ digestKey: (parseMbk(DEMO_KEY) as { digestKey: Uint8Array }).digestKey, decoders: TABLE_DECODERS, pollIntervalMs: interval });
  let bt23: Bt23 | null = null;
  const poller = new MeterPoller({
    link: port,
    session,
    timers: { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
    onEvent: (c) => {
      const time = new Date().toLocaleTimeString('en-GB');
      if (c.type === 'table' && values.json) process.stdout.write(JSON.stringify({ table: c.table, value: c.value }) + '\n');
      else if (c.type === 'table' && c.table === BT01) {
        const id = c.value as Bt01;
        process.stdout.write(`${time} meter ${id.manufacturer.trim()} ${id.model} firmware ${id.fwVersion}.${id.fwRevision}\n`);
      } else if (c.type === 'table' && c.table === BT23) bt23 = c.value as Bt23;
      else if (c.type === 'table' && c.table === BT28) process.stdout.write(`${time} ${summary(bt23, c.value as Bt28)}\n`);
      else if (c.type === 'status') process.stdout.write(`${time} link ${c.status.state}: ${c.status.message}\n`);
      else if (c.type === 'alert-handled') process.stdout.write(`${time} meter alert ${c.ok ? 'handled' : 'failed'}: ${c.detail}\n`);
      else if (c.type === 'log' && (c.level === 'warn' || c.level === 'error')) process.stderr.write(`${time} ${c.level}: ${c.message}\n`);
    },
  });
  poller.start();
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  poller.stop();
  await port.close();
  await tcp.close();
  sim.close();
}
