// mep read: reads a live meter (or the simulator) and prints JSON. One-off reads use MepClient; --watch runs the
// device's own MeterSession, printing one JSON line per decoded table until interrupted.
import { MAX_TABLE_DATA } from '../../device/src/meter/frame';
import { fullRead, partialRead } from '../../device/src/meter/requests';
import { bt23Length } from '../../device/src/meter/tables/bt23-current-register-data';
import { BT01, BT21, BT23, BT28, BT52, ET03, ET11, ET13, ET50, ET70, tableName } from '../../device/src/meter/table-ids';
import { decodeTable, TableContext, TABLE_DECODERS } from '../../device/src/meter/tables/index';
import { MeterPoller } from '../../device/src/meter/poller';
import { MeterSession } from '../../device/src/meter/session';
import { ReplyDigestMode } from '../../device/src/meter/session-types';
import { MepClient } from '../client';
import { MeterPort, openMeterPort } from '../port';
import { KEY, secretOptions, secretValue } from '../secrets';
import { integerArg, keyArg, parseCommandLine, requireString, tableArg, toJson, UsageError } from '../usage';

const HELP = `mep read --port <serial path | tcp://host:port> (--key-file <file> | --key <MBK>) [--table <table>]… [--all] [--watch]
          [--interval <ms>] [--seq <n>] [--reply-digest enforce|off] [--rc4]

Reads tables once and prints them as JSON (default: BT28), or with --watch polls like the device does
(BT28 every --interval ms, 1000–30000, default 2000; BT23 every 30 s; at most one read per second on average) and
prints one JSON line per table. Every reply's digest is checked (guide p. 250); on stderr: the verdict, and the MEP
port we are on, MEP1 or MEP2 (ET70 offset 142; a meter before firmware 4.0 has one port: MEP1). --reply-digest off
only for a meter that signs otherwise. --rc4: MEP RC4 encryption (guide pp. 256–257), for a meter whose port
requires it. Requests are 100 ms apart at least (guide p. 21).`;

/** The meter serves at most one request per 100 ms (guide p. 21). */
const REQUEST_GAP_MS = 100;
const gap = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, REQUEST_GAP_MS));

/** "MEP1" or "MEP2": ET70 offset 142 (guide p. 173); a meter that has no such byte (firmware before 4.0) is MEP1. */
export function portName(et70Byte: number | null): string {
  return et70Byte === 2 ? 'MEP2' : 'MEP1';
}

const ALL_TABLES = [BT52, BT01, BT21, ET03, ET11, ET13, ET50, BT23, BT28];

/** Tables whose layout depends on another table (spec §10.3, §10.4, §10.9). */
function prerequisites(table: number): number[] {
  if (table === BT23 || table === BT28) return [BT21];
  if (table === ET13) return [ET11];
  return [];
}

/** BT23 in partial reads of at most 465 bytes (a reply carries no more: guide p. 8; a full BT23 can be larger), its
 *  length from BT21; without BT21 only the total block's energy registers (A + 16 bytes). */
async function readBt23(client: MepClient, ctx: TableContext): Promise<Uint8Array> {
  const bt21 = ctx.bt21 as (TableContext['bt21'] & { demandResetCounter?: boolean }) | undefined;
  if (!bt21) return client.read(partialRead(BT23, 0, 16));
  const total = bt23Length(bt21);
  const data = new Uint8Array(total);
  for (let at = 0; at < total; at += MAX_TABLE_DATA) {
    if (at) await gap();
    data.set(await client.read(partialRead(BT23, at, Math.min(MAX_TABLE_DATA, total - at))), at);
  }
  return data;
}

async function readOne(client: MepClient, table: number, ctx: TableContext): Promise<unknown> {
  // Full reads ask for at most 465 bytes (fullRead's length argument); every other table we read is smaller.
  const data = table === BT23 ? await readBt23(client, ctx) : await client.read(fullRead(table));
  const decoded = decodeTable(table, data, ctx);
  if (!decoded.ok) throw new Error(decoded.message);
  if (table === BT21) ctx.bt21 = decoded.value as TableContext['bt21'];
  if (table === ET11) ctx.et11 = decoded.value as TableContext['et11'];
  return decoded.value;
}

async function readOnce(port: MeterPort, key: Uint8Array, tables: number[], seq: number, mode: ReplyDigestMode, rc4: boolean): Promise<void> {
  const client = new MepClient(port, { digestKey: key, initialSeq: seq, replyDigest: mode, rc4 });
  const ctx: TableContext = {};
  const wanted: number[] = [];
  for (const t of tables) for (const p of [...prerequisites(t), t]) if (!wanted.includes(p)) wanted.push(p);
  const result: Record<string, unknown> = {};
  let failures = 0;
  let et70: number | null = null;
  try {
    et70 = (await client.read(partialRead(ET70, 142, 1)))[0] ?? null;
  } catch (err) {
    if (/wrong MBK|no reply from the meter/.test((err as Error).message)) throw err;
  }
  for (const table of wanted) {
    await gap();
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
  process.stderr.write(`mep: port ${portName(et70)} (ET70 offset 142: ${et70 === null ? 'not on this meter' : et70}); reply digest: ${replyVerdict(mode, client.verified, client.badDigests)}\n`);
  if (failures === wanted.length) throw new Error('no table could be read');
}

/** One line on how the reply digests fared. */
export function replyVerdict(mode: ReplyDigestMode, verified: number, bad: number): string {
  if (mode === 'off') return 'not checked (--reply-digest off)';
  return `${verified} replies verified, ${bad} failed (dropped and asked again)`;
}

function watch(port: MeterPort, key: Uint8Array, options: { interval: number; seq: number; replyDigest: ReplyDigestMode; rc4: boolean }): Promise<void> {
  const session = new MeterSession({ digestKey: key, decoders: TABLE_DECODERS, initialSeq: options.seq, pollIntervalMs: options.interval, replyDigest: options.replyDigest, rc4: options.rc4 });
  const poller = new MeterPoller({
    link: port,
    session,
    timers: { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
    onEvent: (c) => {
      if (c.type === 'table') process.stdout.write(JSON.stringify({ table: tableName(c.table), at: new Date(c.at).toISOString(), partial: c.partial, value: c.value }) + '\n');
      else if (c.type === 'status') {
        const port = c.status.state === 'online' ? ` (port ${portName(session.tables.port)})` : '';
        process.stderr.write(`mep: link ${c.status.state}: ${c.status.message}${port}\n`);
      }
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
          `${st.errorReplies} error replies; port ${portName(session.tables.port)}; reply digest: ${replyVerdict(options.replyDigest, st.replies, st.badDigests)}\n`,
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
      rc4: { type: 'boolean' },
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
  const interval = values.interval === undefined ? 2000 : integerArg(values.interval, '--interval', 30000);
  if (values.watch && interval < 1000) throw new UsageError('--interval must be 1000 to 30000 ms (guide: at most one read per second on average)');
  const port = await openMeterPort(portSpec);
  try {
    if (values.watch) await watch(port, key, { interval, seq, replyDigest: mode, rc4: !!values.rc4 });
    else await readOnce(port, key, tables, seq, mode, !!values.rc4);
  } finally {
    await port.close();
  }
}
