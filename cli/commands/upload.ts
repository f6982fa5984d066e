// mep upload: puts the firmware on a board that runs the Espruino interpreter, over its JavaScript console (USB
// serial, or telnet at tcp://host:port) with our own uploader (cli/console-upload.ts): the boot files are erased
// first, then the bundle goes into app slot a and the boot loader (dist/boot.js) into .bootcde, each checked by
// CRC-32, then the board reboots into it. The Espruino interpreter itself is flashed once over USB with esptool
// (espruino.md §2.11); its command is printed.
import { existsSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative } from 'path';
import { SIZE_BUDGET_BYTES } from '../../device/build/build';
import { BOOT_RECORD, slotFile } from '../../device/src/boot/boot-record';
import { openConsole } from '../console-link';
import { Finish, upload, UploadFile } from '../console-upload';
import { parseTcpUrl } from '../port';
import { parseCommandLine, requireString, UsageError } from '../usage';
import { ensureBundle } from './device';

/** Storage file the interpreter runs at every boot (espruino.md §2.3): our boot loader (device/src/boot). */
export const BOOT_FILE = '.bootcde';
/** The slot a freshly flashed board boots (the loader picks slot a when there is no boot record). */
export const FIRST_SLOT = slotFile('a');
/** Bytes per Storage.write line: 1 KB over serial (as the espruino CLI; the board's input queue is 4 KB), 4 KB over
 *  TCP, where each line costs a ~50 ms console round trip whatever its size. */
const SERIAL_CHUNK = 1024;
const TCP_CHUNK = 4096;

const HELP = `mep upload --port <serial path | tcp://host:port> [--file <bundle.js>] [--no-reset]

Uploads the firmware bundle (default dist/firmware.js, built first if stale) into the board's Storage as app slot
${FIRST_SLOT}, and the boot loader (dist/boot.js) as ${BOOT_FILE}, which Espruino runs at every boot; the boot record is
cleared so the loader starts slot a (later updates go over the air, two slots with trial boot). Every file is read
back and checked (CRC-32); then the board reboots into the firmware (--no-reset: it stays at its console).
The board must already run the Espruino interpreter (flash it once over USB with esptool: see espruino.com/ESP32).
A tcp:// port is the telnet console: the firmware turns it off when it starts, so use USB serial for a board that
already runs it.`;

export interface UploadPlan {
  /** One-time: flash the Espruino interpreter (ESP32) with esptool. */
  flashInterpreter: string[];
  /** The same upload with the espruino CLI (for reference; `mep upload` does it itself). */
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

/** The boot loader, built next to the bundle. */
export const loaderOf = (bundlePath: string): string => join(dirname(bundlePath), 'boot.js');

/** What `mep upload` writes for the bundle at `bundlePath`, in order, and what it erases first: the loader is erased
 *  first and written last, so a cut-off upload leaves a board that boots to its console instead of half an app. */
export function uploadFiles(bundlePath: string): { erase: string[]; files: UploadFile[] } {
  const bundle = new Uint8Array(readFileSync(bundlePath));
  const loader = new Uint8Array(readFileSync(loaderOf(bundlePath)));
  return {
    erase: [BOOT_FILE, `${BOOT_RECORD}*`],
    files: [
      { name: FIRST_SLOT, data: bundle },
      { name: BOOT_FILE, data: loader },
    ],
  };
}

export async function uploadCommand(argv: string[]): Promise<void> {
  const { values } = parseCommandLine(argv, { port: { type: 'string' }, file: { type: 'string' }, 'no-reset': { type: 'boolean' } }, HELP);
  const port = requireString(values.port, '--port');
  let tcp = false;
  try {
    tcp = parseTcpUrl(port) !== null;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const file = values.file ?? relative(process.cwd(), await ensureBundle());
  if (!existsSync(file)) throw new UsageError(`no bundle at ${file}`);
  const size = statSync(file).size;
  if (size > SIZE_BUDGET_BYTES) throw new UsageError(`${file} is ${size} bytes, over the ${SIZE_BUDGET_BYTES}-byte budget`);
  const loader = loaderOf(file);
  if (!existsSync(loader)) throw new UsageError(`no boot loader at ${loader} (npm run build writes it next to the bundle)`);
  const plan = uploadFiles(file);
  const finish: Finish = values['no-reset'] ? 'none' : 'reboot';
  process.stderr.write(`uploading ${file} (${size} bytes) as ${FIRST_SLOT} and ${loader} as ${BOOT_FILE} over ${port}\n`);
  const link = await openConsole(port);
  try {
    let shown = -1;
    const report = await upload(link, plan.files, {
      erase: plan.erase,
      finish,
      chunkBytes: tcp ? TCP_CHUNK : SERIAL_CHUNK,
      progress: (name, done, total) => {
        const pct = Math.floor((done * 10) / total) * 10;
        if (name === FIRST_SLOT && pct !== shown) process.stderr.write(`  ${name} ${(shown = pct)}%\n`);
      },
    });
    process.stdout.write(
      `uploaded ${report.bytes} bytes in ${(report.ms / 1000).toFixed(1)} s, verified (CRC-32)` +
        (finish === 'reboot' ? '; the board reboots into the firmware\n' : '\n'),
    );
  } finally {
    await link.close();
  }
}
