// mep frame: prints a request frame as hex, for bringing up hardware by hand.
import { toHex } from '../../device/src/meter/bytes';
import { encodeRequest } from '../../device/src/meter/frame';
import { fullRead, partialRead } from '../../device/src/meter/requests';
import { KEY, secretOptions, secretValue } from '../secrets';
import { hexArg, integerArg, keyArg, parseCommandLine, requireString, tableArg, UsageError } from '../usage';

const HELP = `mep frame (--key-file <file> | --key <MBK>) --seq <n> (--read <table> [--max-len <n> | --no-max-len] | --partial <table> <offset> <count> | --apdu <hex>)

The key: one line in --key-file, or in the environment variable MEP_KEY (--key <MBK> is visible to other users).

Prints the request frame (LEN | APDU | SEQ | digest) as hex.`;

export async function frameCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      ...secretOptions(KEY),
      seq: { type: 'string' },
      read: { type: 'string' },
      partial: { type: 'string' },
      apdu: { type: 'string' },
      'max-len': { type: 'string' },
      'no-max-len': { type: 'boolean' },
    },
    HELP,
  );
  const key = keyArg(secretValue(values, KEY, process.env, undefined, true));
  const seq = integerArg(requireString(values.seq, '--seq'), '--seq', 0xffffffff);
  const chosen = ['read', 'partial', 'apdu'].filter((k) => values[k as 'read'] !== undefined);
  if (chosen.length !== 1) throw new UsageError('give exactly one of --read, --partial, --apdu');
  let apdu: Uint8Array;
  if (values.read !== undefined) {
    const max = values['no-max-len'] ? null : values['max-len'] === undefined ? undefined : integerArg(values['max-len'], '--max-len', 0xffff);
    apdu = fullRead(tableArg(values.read), max).apdu;
  } else if (values.partial !== undefined) {
    if (positionals.length !== 2) throw new UsageError('--partial takes <table> <offset> <count>');
    const offset = integerArg(positionals[0], 'offset', 0xffffff);
    const count = integerArg(positionals[1], 'count', 0xffff);
    apdu = partialRead(tableArg(values.partial), offset, count).apdu;
  } else {
    apdu = hexArg(values.apdu as string, '--apdu');
    if (apdu.length === 0) throw new UsageError('--apdu is empty');
  }
  process.stdout.write(toHex(encodeRequest(apdu, seq, key)) + '\n');
}
