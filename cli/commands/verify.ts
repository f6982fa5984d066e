// mep verify: checks a reply frame's digest against the request it answers, with the guide's construction
// (Digest(K, request[2:-8] ‖ reply[2:-8]), guide p. 250; device/src/meter/reply-digest.ts). Prints `ok` (exit 0) or
// `mismatch` (exit 1); bad input exits 2. The key is never printed.
import { bytesEqual } from '../../device/src/meter/bytes';
import { parseReply, parseRequestFrame } from '../../device/src/meter/frame';
import { replyDigest } from '../../device/src/meter/reply-digest';
import { hexArg, keyArg, parseCommandLine, requireString, UsageError } from '../usage';

/** The key as the meter uses it: 32–40 hex digits are raw bytes (the guide's keys, e.g. the default MAK 01×16, need
 *  not be printable), of which the first 16 count (guide p. 13); anything else must be an MBK (16–20 characters).
 *  For an MBK handed out in hex both readings are the same bytes. Errors never repeat the key. */
export function rawKeyArg(text: unknown): Uint8Array {
  if (typeof text === 'string' && text.length >= 32 && text.length <= 40 && text.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(text)) {
    return new Uint8Array(Buffer.from(text.slice(0, 32), 'hex'));
  }
  return keyArg(text);
}

const HELP = `mep verify --key <MBK | 32–40 hex digits> --request <request frame hex> --reply <reply frame hex>

--key: the MBK (16–20 characters), or the key as 32–40 hex digits (raw bytes, first 16 used: MBK or MAK).
Checks that the reply's digest is the one the meter computes for that request (guide p. 250): prints "ok" and exits
0, or prints "mismatch" and exits 1. Frames are whole, LEN included (hex inline or @file). A one-byte 00 write reply
carries the request's own digest, so "ok" on a write proves nothing: read the table back.`;

export async function verifyCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(
    argv,
    { key: { type: 'string' }, request: { type: 'string' }, reply: { type: 'string' } },
    HELP,
  );
  if (positionals.length) throw new UsageError('unexpected argument (use --request and --reply)');
  const key = rawKeyArg(values.key);
  const request = hexArg(requireString(values.request, '--request'), '--request');
  const reply = hexArg(requireString(values.reply, '--reply'), '--reply');
  if (!parseRequestFrame(request)) throw new UsageError('--request is not a request frame (LEN must count the bytes after it; at least 15 bytes)');
  const parsed = parseReply(reply);
  if (!parsed.ok) throw new UsageError(`--reply is not a reply frame: ${parsed.message}`);
  if (bytesEqual(replyDigest(key, request, reply), parsed.reply.digest)) {
    process.stdout.write('ok\n');
    return;
  }
  process.stdout.write('mismatch\n');
  process.exitCode = 1;
}
