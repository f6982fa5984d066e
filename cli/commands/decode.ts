// mep decode: decodes a reply frame (or bare table data with --data) as JSON. Tables whose layout depends on
// others take them as context: --bt21 for BT23/BT28, --et11 for ET13 (hex of the table data, inline or @file).
import { bytesEqual } from '../../device/src/meter/bytes';
import { parseReply, parseRequestFrame } from '../../device/src/meter/frame';
import { replyDigest } from '../../device/src/meter/reply-digest';
import { responseCodeInfo } from '../../device/src/meter/result-codes';
import { BT21, BT23, BT28, ET11, tableName } from '../../device/src/meter/table-ids';
import { Bt23, Bt28, decodeTable, scaleBt23Energy, TableContext } from '../../device/src/meter/tables/index';
import { BT23_FIELDS, BT28_FIELDS, namedValues } from '../../device/src/meter/tables/guide-fields';
import { KNOWN_METER_BT21 } from '../../device/src/meter/known-layouts';
import { rawKeyArg } from './verify';
import { KEY, secretOptions, secretValue } from '../secrets';
import { hexArg, parseCommandLine, requireString, tableArg, toJson, UsageError } from '../usage';

const HELP = `mep decode --table <table> [--bt21 <hex|@file>] [--et11 <hex|@file>] [--energy-unit 1|10|100] [--data]
           [(--key-file <file> | --key <MBK>) --request <request frame hex|@file>] <reply-hex | @file>

Decodes a reply frame as JSON. --data: the hex is bare table data, not a whole frame.
--key with --request: also checks the reply's digest against that request (guide p. 250): "replyDigest": "ok" or
"mismatch" (a mismatching reply is a line error; its values must not be trusted).
--bt21/--et11: the BT21/ET11 table data that BT23, BT28 and ET13 need (default: the layouts of the known meters).
--energy-unit: ET55's "Energy Register Unit" of a CT meter (guide p. 158): BT23 energy is given ×1, ×10 or ×100 Wh.
BT28 and BT23 also come with "named": every value under the guide's name and unit (pp. 207–220).`;

/** The decoded value, BT23 scaled by the energy unit, BT23/BT28 with their values named as the guide names them. */
function present(table: number, value: unknown, unit: number): unknown {
  if (table === BT23) {
    const v = value as Bt23;
    scaleBt23Energy(v, unit);
    return { ...v, named: namedValues(v.total.summations, BT23_FIELDS) };
  }
  if (table === BT28) return { ...(value as Bt28), named: namedValues((value as Bt28).values, BT28_FIELDS) };
  return value;
}

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
      table: { type: 'string' }, bt21: { type: 'string' }, et11: { type: 'string' }, data: { type: 'boolean' }, 'energy-unit': { type: 'string' },
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
  const unit = Number(values['energy-unit'] ?? 1);
  if (![1, 10, 100].includes(unit)) throw new UsageError('--energy-unit must be 1, 10 or 100');
  if (values.data) {
    const decoded = decodeTable(table, bytes, ctx);
    if (!decoded.ok) throw new Error(decoded.message);
    process.stdout.write(toJson({ table: tableName(table), decoded: present(table, decoded.value, unit) }) + '\n');
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
    out.decoded = present(table, decoded.value, unit);
  }
  process.stdout.write(toJson(out) + '\n');
}
