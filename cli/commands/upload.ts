// mep upload: puts the firmware bundle on a real board with the `espruino` CLI from npm (EspruinoTools; not a
// dependency of this repo, run through npx) — espruino.md §5: `--storage name:file` writes a Storage file over the
// serial console or telnet (tcp://host:23). The Espruino interpreter itself is flashed once over USB with esptool
// (espruino.md §2.11). Prints the commands; --exec also runs the upload.
import { spawnSync } from 'child_process';
import { existsSync, statSync } from 'fs';
import { relative } from 'path';
import { dirname, join } from 'path';
import { SIZE_BUDGET_BYTES } from '../../device/build/build';
import { BOOT_RECORD, slotFile } from '../../device/src/boot/boot-record';
import { parseTcpUrl } from '../port';
import { parseCommandLine, requireString, UsageError } from '../usage';
import { ensureBundle } from './device';

/** Storage file the interpreter runs at every boot (espruino.md §2.3): our boot loader (device/src/boot). */
export const BOOT_FILE = '.bootcde';
/** The slot a freshly flashed board boots (the loader picks slot a when there is no boot record). */
export const FIRST_SLOT = slotFile('a');

const HELP = `mep upload --port <serial path | tcp://host:port> [--file <bundle.js>] [--exec]

Uploads the firmware bundle (default dist/firmware.js, built first if stale) into the board's Storage as app slot
${FIRST_SLOT}, and the boot loader (dist/boot.js) as ${BOOT_FILE}, which Espruino runs at every boot; the boot record
is cleared so the loader starts slot a (later updates go over the air, two slots with trial boot). Uses the espruino
CLI through npx. Without --exec it only prints the commands. The first time, flash the Espruino interpreter itself over USB with esptool (printed too).
A tcp:// port is the telnet console (port 23): the firmware turns it off when it starts, so use USB serial for
a board that already runs it.`;

export interface UploadPlan {
  /** One-time: flash the Espruino interpreter (ESP32) with esptool. */
  flashInterpreter: string[];
  /** Write the bundle into slot a and the loader into .bootcde. */
  upload: string[];
  /** Clear the boot record, then reboot into slot a. */
  reboot: string[];
}

const quote = (s: string): string => (/^[\w./:@=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
export const commandLine = (argv: string[]): string => argv.map(quote).join(' ');

export function uploadPlan(port: string, file: string, loader: string): UploadPlan {
  const serial = !port.startsWith('tcp://');
  const flashPort = serial ? port : '<usb serial port>';
  return {
    // espruino.md §2.11: bootloader @0x1000, partition table @0x8000, interpreter @0x10000 (files from the
    // espruino_2vXX_esp32 zip on espruino.com/binaries).
    flashInterpreter: [
      'esptool.py', '--chip', 'esp32', '--port', flashPort, '--baud', '921600', 'write_flash', '-z',
      '--flash_mode', 'dio', '--flash_freq', '40m', '--flash_size', 'detect',
      '0x1000', 'bootloader.bin', '0x8000', 'partitions_espruino.bin', '0x10000', 'espruino_esp32.bin',
    ],
    upload: ['npx', 'espruino', '--port', port, '--storage', `${FIRST_SLOT}:${file}`, '--storage', `${BOOT_FILE}:${loader}`],
    reboot: ['npx', 'espruino', '--port', port, '-e',
      `var S=require("Storage");S.list().forEach(function(f){if(f.indexOf("${BOOT_RECORD}")===0)S.erase(f)});E.reboot()`],
  };
}

export async function uploadCommand(argv: string[]): Promise<void> {
  const { values } = parseCommandLine(argv, { port: { type: 'string' }, file: { type: 'string' }, exec: { type: 'boolean' } }, HELP);
  const port = requireString(values.port, '--port');
  if (port.startsWith('tcp://')) {
    try {
      if (!parseTcpUrl(port)) throw new Error('bad address');
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  const file = values.file ?? relative(process.cwd(), await ensureBundle());
  if (!existsSync(file)) throw new UsageError(`no bundle at ${file}`);
  const size = statSync(file).size;
  if (size > SIZE_BUDGET_BYTES) throw new UsageError(`${file} is ${size} bytes, over the ${SIZE_BUDGET_BYTES}-byte budget`);
  const loader = join(dirname(file), 'boot.js');
  if (!existsSync(loader)) throw new UsageError(`no boot loader at ${loader} (npm run build writes it next to the bundle)`);
  const plan = uploadPlan(port, file, loader);
  process.stdout.write(
    `# once per board: flash the Espruino interpreter (ESP32) over USB — see espruino.com/ESP32\n${commandLine(plan.flashInterpreter)}\n\n` +
      `# upload ${file} (${size} bytes) as ${FIRST_SLOT} and the boot loader ${loader} as ${BOOT_FILE}, then reboot into it\n` +
      `${commandLine(plan.upload)}\n${commandLine(plan.reboot)}\n`,
  );
  if (!values.exec) return;
  for (const step of [plan.upload, plan.reboot]) {
    const r = spawnSync(step[0] as string, step.slice(1), { stdio: 'inherit' });
    if (r.error) throw new Error(`cannot run ${step[0]}: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`${commandLine(step)} exited with ${r.status}`);
  }
}
