// `mep`: the command-line tool for bringing up hardware and for scripts. Every failure is one clear line on stderr
// and a non-zero exit: 2 for a usage error, 1 for anything else.
import { UsageError } from './usage';
import { frameCommand } from './commands/frame';
import { decodeCommand } from './commands/decode';
import { verifyCommand } from './commands/verify';
import { readCommand } from './commands/read';
import { simCommand } from './commands/sim';
import { demoCommand } from './commands/demo';
import { deviceCommand } from './commands/device';
import { uploadCommand } from './commands/upload';
import { packCommand } from './commands/pack';
import { inspectCommand } from './commands/inspect';
import { startCommand } from './commands/start';

const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = {
  frame: frameCommand,
  decode: decodeCommand,
  verify: verifyCommand,
  read: readCommand,
  sim: simCommand,
  demo: demoCommand,
  device: deviceCommand,
  upload: uploadCommand,
  pack: packCommand,
  inspect: inspectCommand,
  start: startCommand,
};

const HELP = `mep — MEP (OSGP meter expansion port) tool

  mep frame  --key <MBK> --seq <n> (--read <table> | --partial <table> <offset> <count> | --apdu <hex>)
  mep decode --table <table> [--bt21 <hex|@file>] [--et11 <hex|@file>] [--data] [--request <hex>] <reply-hex>
  mep verify --key <MBK> --request <request frame hex> --reply <reply frame hex>   ok (exit 0) / mismatch (exit 1)
  mep read   --port <serial path | tcp://host:port> --key <MBK> [--table <table>… | --all] [--watch]
  mep sim    [--tcp <port> | --stdio | --serial <path>] [--key <MBK>] [--profile three-phase|one-phase] [--faults …]
  mep start  [--no-sim] [--broker <mqtt url>] [--panel-port <port>] …   the whole product locally (npm start):
             the add-on with its embedded broker and panel, a simulated meter and the firmware on the Node host
  mep demo   a simulated meter and a live read of it, in one process
  mep device --broker <mqtt url> --meter <sim | tcp://host:port | serial path> [--key <MBK>] [--storage <dir>] [--http <port>]
             the production firmware bundle on the Node host
  mep upload --port <serial path | tcp://host:port> [--file <js>] [--no-reset]   the firmware to a board (console upload)
  mep pack bin  --bundle <firmware.js> --out <file.bin> [--version <v>] [--build-id <id>] [--board auto|esp32|esp32c3]
  mep pack wwws --dir <folder> --out <file.wwws> [--gzip]
  mep inspect <file.bin | file.wwws> [--json]      header, files, SHA-256; exit 1 when it does not verify

Tables: BT28, ET13, 28, 0x080d. Keys: 16–20 ASCII characters, or 32–40 hex digits.
Secrets stay off the command line (ps shows it): --key-file <file> or MEP_KEY instead of --key (mep start:
--meter-key-file / MEP_METER_KEY, --device-key-file / MEP_DEVICE_KEY), and for a broker password
--broker-password-file <file> or MEP_BROKER_PASSWORD with --broker mqtt://user@host.
Run "mep <command> --help" for the options of one command.`;

async function main(argv: string[]): Promise<void> {
  const name = argv[0];
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP + '\n');
    return;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
  await command(argv.slice(1));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`mep: ${message}\n`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
