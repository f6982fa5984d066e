// mep decode: decodes a reply frame (or bare table data with --data) as JSON. Tables whose layout depends on
// others take them as context: --bt21 for BT23/BT28, --et11 for ET13 (hex of the table data, inline or @file).
import { bytesEqual } from '../../device/src/meter/bytes';
import { parseReply, parseRequestFrame } from '../../device/src/meter/frame';
import { replyDigest } from '../../device/src/meter/reply-digest';
import { responseCodeInfo } from '../../device/src/meter/result-codes';
import { BT21, ET11, tableName } from '../../device/src/meter/table-ids';
import { decodeTable, TableContext } from '../../device/src/meter/tables/index';
import { KNOWN_METER_BT21 } from '../../device/src/meter/known-layouts';
import { rawKeyArg } from './verify';
import { KEY, secretOptions, secretValue } from '../secrets';
import { hexArg, parseCommandLine, requireString, tableArg, toJson, UsageError } from '../usage';

const HELP = `mep decode --table <table> [--bt21 <hex|@file>] [--et11 <hex|@file>] [--data]
           [(--key-file <file> | --key <MBK>) --request <request frame hex|@file>] <reply-hex | @file>

Decodes a reply frame as JSON. --data: the hex is bare table data, not a whole frame.
--key with --request: also checks the reply's digest against that request (guide p. 250): "replyDigest": "ok" or
"mismatch" (a mismatching reply is a line error; its values must not be trusted).
--bt21/--et11: the BT21/ET11 table data that BT23, BT28 and ET13 need (default: the layouts of the known meters).`;

function context(values: { bt21?: string; et11?: string }): TableContext {
  const ctx: TableContext = { bt21: KNOWN_METER_BT21 };
  if (values.bt21) {
    const r = decodeTable(BT21, hexArg(values.bt21, '--bt21'), {});
    if (!r.ok) throw new UsageError(`--bt21: ${r.message}`);
    ctx.bt21 = r.value as TableContext['bt21'];
  }
  if (values.et11) {
    const r = decodeTable(ET11, hexArg(values.et11, '--et11'), {});
    if (!r.ok) throw new UsageError(`--et11: ${r.message}`);
    ctx.et11 = r.value as TableContext['et11'];
  }
  return ctx;
}

export async function decodeCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      table: { type: 'string' }, bt21: { type: 'string' }, et11: { type: 'string' }, data: { type: 'boolean' },
      ...secretOptions(KEY), request: { type: 'string' },
    },
    HELP,
  );
  const table = tableArg(requireString(values.table, '--table'));
  if (positionals.length !== 1) throw new UsageError('give exactly one reply (hex or @file)');
  const bytes = hexArg(positionals[0] as string, 'the reply');
  const keyText = secretValue(values, KEY, process.env, undefined, true);
  if ((keyText === undefined) !== (values.request === undefined)) throw new UsageError('--key and --request go together');
  if (values.data && values.request !== undefined) throw new UsageError('--data has no digest to check: leave out --key/--request');
  const ctx = context(values);
  if (values.data) {
    const decoded = decodeTable(table, bytes, ctx);
    if (!decoded.ok) throw new Error(decoded.message);
    process.stdout.write(toJson({ table: tableName(table), decoded: decoded.value }) + '\n');
    return;
  }
  const parsed = parseReply(bytes);
  if (!parsed.ok) throw new Error(`not a reply frame: ${parsed.message}`);
  const reply = parsed.reply;
  const info = responseCodeInfo(reply.status);
  const out: Record<string, unknown> = {
    table: tableName(table),
    status: reply.status,
    statusName: info.name,
    meaning: info.meaning,
    digest: reply.digest,
  };
  if (values.request !== undefined) {
    const key = rawKeyArg(keyText);
    const request = hexArg(values.request, '--request');
    if (!parseRequestFrame(request)) throw new UsageError('--request is not a request frame');
    out.replyDigest = bytesEqual(replyDigest(key, request, bytes), reply.digest) ? 'ok' : 'mismatch';
  }
  if (reply.nextSeq !== undefined) out.meterSequence = reply.nextSeq; // the next request uses this + 1 (guide p. 16)
  if (reply.data) {
    out.count = reply.data.length;
    const decoded = decodeTable(table, reply.data, ctx);
    if (!decoded.ok) throw new Error(decoded.message);
    out.decoded = decoded.value;
  }
  process.stdout.write(toJson(out) + '\n');
}
