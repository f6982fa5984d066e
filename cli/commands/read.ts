// mep read: reads a live meter (or the simulator) and prints JSON. One-off reads use MepClient; --watch runs the
// device's own MeterSession, printing one JSON line per decoded table until interrupted.
import { fullRead, partialRead } from '../../device/src/meter/requests';
import { BT01, BT21, BT23, BT28, BT52, ET03, ET11, ET13, ET50, tableName } from '../../device/src/meter/table-ids';
import { decodeTable, TableContext, TABLE_DECODERS } from '../../device/src/meter/tables/index';
import { MeterPoller } from '../../device/src/meter/poller';
import { MeterSession } from '../../device/src/meter/session';
import { ReplyDigestMode } from '../../device/src/meter/session-types';
import { MepClient } from '../client';
import { MeterPort, openMeterPort } from '../port';
import { KEY, secretOptions, secretValue } from '../secrets';
import { integerArg, keyArg, parseCommandLine, requireString, tableArg, toJson, UsageError } from '../usage';

const HELP = `mep read --port <serial path | tcp://host:port> (--key-file <file> | --key <MBK>) [--table <table>]… [--all] [--watch]
          [--interval <ms>] [--seq <n>] [--reply-digest enforce|off]

Reads tables once and prints them as JSON (default: BT28), or with --watch polls like the device does
(BT23 + BT28 every --interval ms, default 5000) and prints one JSON line per table. Every reply's digest is checked
(guide p. 250): the verdict is on stderr; --reply-digest off only for a meter that signs otherwise.`;

const ALL_TABLES = [BT52, BT01, BT21, ET03, ET11, ET13, ET50, BT23, BT28];

/** Tables whose layout depends on another table (spec §10.3, §10.4, §10.9). */
function prerequisites(table: number): number[] {
  if (table === BT23 || table === BT28) return [BT21];
  if (table === ET13) return [ET11];
  return [];
}

async function readOne(client: MepClient, table: number, ctx: TableContext): Promise<unknown> {
  let data: Uint8Array;
  try {
    data = await client.read(fullRead(table));
  } catch (err) {
    if (table !== BT23 || /wrong MBK/.test((err as Error).message)) throw err;
    // Some meters refuse the full BT23 read (spec §10.3): the partial read of the total block works on all of them.
    const bt21 = ctx.bt21 as { demandResetCounter?: boolean } | undefined;
    data = await client.read(partialRead(BT23, 0, (bt21?.demandResetCounter ? 1 : 0) + 16));
  }
  const decoded = decodeTable(table, data, ctx);
  if (!decoded.ok) throw new Error(decoded.message);
  if (table === BT21) ctx.bt21 = decoded.value as TableContext['bt21'];
  if (table === ET11) ctx.et11 = decoded.value as TableContext['et11'];
  return decoded.value;
}

async function readOnce(port: MeterPort, key: Uint8Array, tables: number[], seq: number, mode: ReplyDigestMode): Promise<void> {
  const client = new MepClient(port, { digestKey: key, initialSeq: seq, replyDigest: mode });
  const ctx: TableContext = {};
  const wanted: number[] = [];
  for (const t of tables) for (const p of [...prerequisites(t), t]) if (!wanted.includes(p)) wanted.push(p);
  const result: Record<string, unknown> = {};
  let failures = 0;
  for (const table of wanted) {
    try {
      const value = await readOne(client, table, ctx);
      if (tables.includes(table)) result[tableName(table)] = value;
    } catch (err) {
      const message = (err as Error).message;
      if (/wrong MBK|no reply from the meter/.test(message)) throw err; // nothing else will work either
      failures++;
      result[tableName(table)] = { error: message };
    }
  }
  process.stdout.write(toJson(result) + '\n');
  process.stderr.write(`mep: reply digest: ${replyVerdict(mode, client.verified, client.badDigests)}\n`);
  if (failures === wanted.length) throw new Error('no table could be read');
}

/** One line on how the reply digests fared. */
export function replyVerdict(mode: ReplyDigestMode, verified: number, bad: number): string {
  if (mode === 'off') return 'not checked (--reply-digest off)';
  return `${verified} replies verified, ${bad} failed (dropped and asked again)`;
}

function watch(port: MeterPort, key: Uint8Array, options: { interval: number; seq: number; replyDigest: ReplyDigestMode }): Promise<void> {
  const session = new MeterSession({ digestKey: key, decoders: TABLE_DECODERS, initialSeq: options.seq, pollIntervalMs: options.interval, replyDigest: options.replyDigest });
  const poller = new MeterPoller({
    link: port,
    session,
    timers: { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
    onEvent: (c) => {
      if (c.type === 'table') process.stdout.write(JSON.stringify({ table: tableName(c.table), at: new Date(c.at).toISOString(), partial: c.partial, value: c.value }) + '\n');
      else if (c.type === 'status') process.stderr.write(`mep: link ${c.status.state}: ${c.status.message}\n`);
      else if (c.type === 'log' && c.level !== 'debug') process.stderr.write(`mep: ${c.level}: ${c.message}\n`);
      else if (c.type === 'alert-handled') process.stderr.write(`mep: alert ${c.ok ? 'handled' : 'failed'}: ${c.detail}\n`);
    },
  });
  return new Promise((resolve) => {
    const stop = () => {
      poller.stop();
      const st = session.stats;
      process.stderr.write(
        `mep: ${st.pollCycles} poll cycles, ${st.requests} requests, ${st.timeouts} timeouts, ${st.sequenceResyncs} sequence resyncs, ` +
          `${st.errorReplies} error replies; reply digest: ${replyVerdict(options.replyDigest, st.replies, st.badDigests)}\n`,
      );
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    poller.start();
  });
}

export async function readCommand(argv: string[]): Promise<void> {
  const { values } = parseCommandLine(
    argv,
    {
      port: { type: 'string' },
      ...secretOptions(KEY),
      table: { type: 'string', multiple: true },
      all: { type: 'boolean' },
      watch: { type: 'boolean' },
      interval: { type: 'string' },
      seq: { type: 'string' },
      'reply-digest': { type: 'string' },
    },
    HELP,
  );
  const portSpec = requireString(values.port, '--port');
  const key = keyArg(secretValue(values, KEY, process.env, undefined, true));
  const seq = values.seq === undefined ? 0 : integerArg(values.seq, '--seq', 0xffffffff);
  const mode = (values['reply-digest'] ?? 'enforce') as ReplyDigestMode;
  if (!['off', 'enforce'].includes(mode)) throw new UsageError('--reply-digest must be enforce or off');
  if (values.watch && (values.table || values.all)) throw new UsageError('--watch reads BT23 and BT28 continuously; leave out --table/--all');
  const tables = values.all ? ALL_TABLES : (values.table ?? ['BT28']).map(tableArg);
  const interval = values.interval === undefined ? 5000 : integerArg(values.interval, '--interval', 3600000);
  if (values.watch && interval < 500) throw new UsageError('--interval must be at least 500 ms');
  const port = await openMeterPort(portSpec);
  try {
    if (values.watch) await watch(port, key, { interval, seq, replyDigest: mode });
    else await readOnce(port, key, tables, seq, mode);
  } finally {
    await port.close();
  }
}
