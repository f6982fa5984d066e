// The firmware on the real Espruino interpreter, as a device: Storage flashed exactly as `mep upload` writes it
// (over the telnet console, by our uploader) plus the platform stub in .boot0 (platform-stub.ts) and, optionally,
// the device settings; the simulated meter on a socat pty pair; the interpreter booted in interactive mode and
// started again whenever the firmware reboots. Memory is tracked all along: the stub's sampler (minimum free,
// error flags) prints its state every second, kept over all boots and corrected by the stub's own cost; snapshots
// with a GC pass are asked over the stub's query port.
import { readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { uploadFiles } from '../../cli/commands/upload';
import { UploadFile } from '../../cli/console-upload';
import { SETTINGS_FILE } from '../../device/src/settings/schema';
import { attachSerial, SerialHandle } from '../../device/sim/meter-sim';
import { MeterSimulator } from '../../device/sim/meter-sim/meter';
import { MeterSimulatorOptions } from '../../device/sim/meter-sim/options';
import { freePort } from '../helpers/brokers';
import { firmwareBuild } from './firmware';
import { flashStorage } from './flash';
import { acquire } from './host-lock';
import { Interpreter } from './interpreter';
import { POOL } from './memory-budget';
import { CutRule, CutSeen, platformStub, STATE, StubState } from './platform-stub';
import { ptyPair, PtyPair } from './pty-pair';
import { tempDir } from './temp-dirs';

export const KEY = 'ABCDEFGHIJKLMNOPQRST';
export const MAC = '24:0a:c4:e5:00:09';

export interface DeviceOptions {
  binary: string;
  /** JsVar pool (ESPR_VARS); default POOL (memory-budget.ts). */
  pool?: number;
  /** Content of the settings file (settings/schema.ts); none = a device fresh from `mep upload` (setup mode). */
  settings?: unknown;
  /** Simulator options; the key defaults to KEY. */
  meter?: Partial<MeterSimulatorOptions>;
  /** More Storage files, written after the firmware (e.g. ota.timing). */
  files?: UploadFile[];
  mac?: string;
  /** Firmware bundle (boot.js beside it); default the production build. */
  bundle?: string;
}

export interface MemoryFigures {
  total: number;
  /** In use after a GC, without the stub. */
  usage: number;
  free: number;
  /** Lowest free count since the harness started (all boots), without the stub. */
  minFree: number;
  /** Error flags raised since the harness started. */
  flags: string[];
  /** What the stub keeps (subtracted above). */
  stub: number;
}

export interface Device {
  /** Device id and base topic as the firmware derives them from the MAC. */
  id: string;
  base: string;
  dir: string;
  board: Interpreter;
  sim: MeterSimulator;
  /** http://127.0.0.1:<port> of the firmware's web server. */
  http: string;
  /** Time the Storage upload took (ms). */
  flashMs: number;
  /** Reads memory now (process.memory() with GC). */
  memory(): Promise<MemoryFigures>;
  /** Evaluates a JS expression on the device (JSON-serialisable value). */
  query<T>(expression: string): Promise<T>;
  /** What the sampler saw so far (all boots), without a GC pass on the device. */
  worst(): { minFree: number; flags: string[] };
  /** Starts a new measuring period for worst(). */
  resetWorst(): Promise<void>;
  /** `p`, or a rejection as soon as the device has run out of memory (an out-of-memory interrupts the firmware and
   *  removes its handlers: waiting any longer for its messages only makes a failing run slow). */
  unlessOutOfMemory<T>(p: Promise<T>): Promise<T>;
  /** Power is cut at the Storage write `rule` describes (the process exits there), then the device boots again.
   *  Armed at once on the running device (over the query port) and for the boots after it (cut.json); null
   *  disarms a cut that has not come (a failed scenario must not cut the next one). */
  cutAt(rule: CutRule | null): Promise<void>;
  /** The cut armed last: at which write, and how the process ended ("exit 1": E.reboot() there); null until then. */
  cut(): CutSeen | null;
  /** Pulls the plug now (SIGKILL) and powers on again. */
  powerCycle(): Promise<void>;
  stop(): Promise<void>;
}

export const deviceIdOf = (mac: string): string => `mep_${mac.replace(/:/g, '').toLowerCase()}`;

/** Devices running at once on this host, over all jest workers: the Linux build spins a core while it has a socket,
 *  and on a 2-core machine two of them would starve the brokers, simulators and jest itself (timeouts that test
 *  nothing). A test file waits for its turn (DEVICE_WAIT_MS); its beforeAll must allow that. */
export const DEVICE_WAIT_MS = 20 * 60000;

export async function startDevice(o: DeviceOptions): Promise<Device> {
  const release = await acquire('device', DEVICE_WAIT_MS);
  const dir = tempDir('dev');
  const cleanups: (() => Promise<void> | void)[] = [release, () => rmSync(dir, { recursive: true, force: true })];
  const cleanup = async (): Promise<void> => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch {
        // keep cleaning up: the rest (processes, folder, device slot) must go too
      }
    }
  };
  try {
    const mac = o.mac ?? MAC;
    const pty: PtyPair = await ptyPair();
    cleanups.push(() => pty.close());
    const sim = new MeterSimulator({ key: KEY, seed: 5, ...o.meter });
    cleanups.push(() => sim.close());
    const serial: SerialHandle = await attachSerial(sim, pty.a);
    cleanups.push(() => serial.close());
    const httpPort = await freePort();
    const queryPort = await freePort();
    const bundle = o.bundle ?? (await firmwareBuild()).out;
    const plan = uploadFiles(bundle);
    const extra: UploadFile[] = [{ name: '.boot0', data: text(platformStub({ serialPath: pty.b, httpPort, mac, queryPort })) }];
    if (o.settings !== undefined) extra.push({ name: SETTINGS_FILE, data: text(JSON.stringify(o.settings)) });
    // The firmware exactly as `mep upload` writes it (boot loader last), with the platform files before it.
    const flashed = await flashStorage({ binary: o.binary, dir, erase: plan.erase, files: [...extra, ...(o.files ?? []), ...plan.files] });
    const cutFile = join(dir, 'cut.json');
    const cutDone = join(dir, 'cut.done');
    let cut: CutSeen | null = null;
    // The stub writes cut.done just before it ends the process at the cut: the exit seen while it exists (and not
    // yet attributed) is the cut's, an earlier one was an ordinary reboot.
    const onExit = (how: string): void => {
      if (cut !== null) return;
      try {
        cut = { ...(JSON.parse(readFileSync(cutDone, 'latin1')) as { n: string; o: number }), exit: how };
      } catch {
        // no cut.done: an ordinary reboot (or no cut armed)
      }
    };
    const board = new Interpreter({ binary: o.binary, dir, pool: o.pool ?? POOL, hide: /^\$M \{/, onExit });
    cleanups.push(() => board.stop());
    const tracker = trackMemory(board);
    board.start();
    const query = <T>(expression: string): Promise<T> => ask<T>(queryPort, expression);
    const id = deviceIdOf(mac);
    const device: Device = {
      id,
      base: `mep/${id}`,
      dir,
      board,
      sim,
      http: `http://127.0.0.1:${httpPort}`,
      flashMs: flashed.ms,
      query,
      memory: async () => {
        const r = await query<{ u: number; f: number; t: number; s: StubState }>(
          `(function(m){return {u:m.usage,f:m.free,t:m.total,s:${STATE}.g()}})(process.memory())`,
        );
        tracker.see(r.s);
        return { total: r.t, usage: r.u - r.s.c, free: r.f + r.s.c, stub: r.s.c, ...tracker.worst() };
      },
      worst: () => tracker.worst(),
      unlessOutOfMemory: <T>(p: Promise<T>): Promise<T> => {
        let stop = (): void => undefined;
        const oom = new Promise<never>((_resolve, reject) => {
          const check = (): boolean => {
            tracker.worst(); // reads new console lines
            if (!tracker.outOfMemory()) return false;
            reject(new Error(`the device ran out of memory (pool ${o.pool ?? POOL})\n--- device console ---\n${board.tail(25)}`));
            return true;
          };
          if (check()) return;
          const timer = setInterval(check, 200);
          stop = () => clearInterval(timer);
        });
        oom.catch(() => undefined);
        return Promise.race([p, oom]).finally(() => stop());
      },
      resetWorst: async () => {
        await query(`(${STATE}.g(),${STATE}.m=1e9,${STATE}.e="",1)`);
        tracker.reset();
      },
      cutAt: async (rule) => {
        rmSync(cutDone, { force: true });
        cut = null;
        if (rule) writeFileSync(cutFile, JSON.stringify(rule));
        else rmSync(cutFile, { force: true });
        if (board.running) await query(`(${STATE}.x=${rule ? JSON.stringify(rule) : 'undefined'},1)`);
      },
      cut: () => cut,
      powerCycle: async () => {
        await board.kill();
        board.start();
      },
      stop: async () => {
        try {
          unlinkSync(cutFile);
        } catch {
          // no cut pending
        }
        await cleanup();
      },
    };
    return device;
  } catch (e) {
    await cleanup();
    throw e;
  }
}

function text(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'latin1'));
}

/** One question to the stub's query port: a line of JS, answered with {v: value} or {x: error}. */
function ask<T>(port: number, expression: string, ms = 10000): Promise<T> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the device did not answer ${expression} within ${ms} ms`));
    }, ms);
    socket.on('connect', () => socket.write(expression + '\n'));
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot ask the device (${expression}): ${e.message}`));
    });
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        const r = JSON.parse(answer) as { v?: T; x?: string };
        if (r.x !== undefined) reject(new Error(`${expression} threw on the device: ${r.x}`));
        else resolve(r.v as T);
      } catch {
        reject(new Error(`no answer to ${expression} (connection closed)`));
      }
    });
  });
}

/** Keeps the worst memory figures over all boots: the stub's "$M {...}" lines every second and the interpreter's
 *  own "New interpreter error" / "OUT OF MEMORY" lines. */
function trackMemory(board: Interpreter): {
  see(s: StubState): void;
  worst(): { minFree: number; flags: string[] };
  reset(): void;
  /** Ran out of memory at any time since the start (reset() does not clear it). */
  outOfMemory(): boolean;
} {
  let minFree = Infinity;
  let oom = false;
  const flags = {
    set: new Set<string>(),
    add(f: string): void {
      this.set.add(f);
      if (f === 'MEMORY') oom = true;
    },
  };
  let seenLines = 0;
  const see = (s: StubState): void => {
    if (typeof s.m === 'number' && s.m < 1e9) minFree = Math.min(minFree, s.m + s.c);
    for (const f of s.e ? s.e.split(',') : []) flags.add(f);
  };
  const scan = (): void => {
    for (; seenLines < board.lines.length; seenLines++) {
      const line = board.lines[seenLines]!.text;
      const m = /New interpreter error: (\S+)/.exec(line);
      if (m) for (const f of m[1]!.split(',')) flags.add(f);
      if (/OUT OF MEMORY/.test(line)) flags.add('MEMORY');
      if (line.startsWith('$M {')) {
        try {
          see(JSON.parse(line.slice(3)) as StubState);
        } catch {
          // a line mangled by the console (interpreter.ts): the next one comes in a second
        }
      }
    }
  };
  return {
    see,
    reset: () => {
      seenLines = board.lines.length;
      minFree = Infinity;
      flags.set.clear();
    },
    worst: () => {
      scan();
      return { minFree: minFree === Infinity ? NaN : minFree, flags: [...flags.set].sort() };
    },
    outOfMemory: () => oom,
  };
}
