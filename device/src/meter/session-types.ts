// Types shared by the meter session (session.ts), its driver (poller.ts) and the app: options, the commands the
// session asks its driver to carry out, and the user-facing link status.
import type { CycleTimes } from './cycle-time';
import type { TableDecoders } from './tables/index';

/** What a user is told about the link (spec §14 "Diagnostics to surface to the user"). */
export type LinkState =
  | 'starting' // powering up the MEP link / first requests
  | 'online' // readings are flowing
  | 'no-reply' // not a single byte from the meter: MEP port disabled by the utility, ENABLE line or cabling
  | 'garbled' // bytes arrive but never a valid frame: wiring, baud rate, noise
  | 'auth-failed' // 0x0B persists: wrong MBK key; the session stops hammering the meter
  | 'busy' // the meter answers busy (0x06–0x09) or keeps moving its sequence number (uplink traffic)
  | 'sequence-error' // 0x0C loop that adopting the meter's number does not end
  | 'loopback'; // our request came back byte for byte: TX wired to RX

export interface LinkStatus {
  state: LinkState;
  /** One sentence for the user. */
  message: string;
  /** Time (clock ms) the state was entered. */
  since: number;
}

/** Reply digests (guide p. 250): 'enforce' verifies every reply (default); 'off' is the one documented escape hatch
 *  for a meter that proved the guide wrong (then only the shape of a reply ties it to its request). */
export type ReplyDigestMode = 'enforce' | 'off';

/** @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface SessionOptions {
  /** 16-byte digest key from parseMbk (key.ts). */
  digestKey: Uint8Array;
  /** Decoders of the tables the session reads: TABLE_DECODERS (tables/index.ts) for all, or the firmware's small set
   *  (tables/device-set.ts). A table without a decoder is read but not reported. */
  decoders: TableDecoders;
  /** Tables read once per link start after BT52 (default: the reference's BT01, BT21, ET03, ET11, ET13, ET50). */
  identityTables?: number[];
  /** First sequence number to use, e.g. the last one persisted (spec §5 recommends persisting it). Default 0. */
  initialSeq?: number;
  /** Period of the BT23 + BT28 poll, ms. Default 5000. */
  pollIntervalMs?: number;
  /** Reply timeout from the request's last byte to the reply's first (LEN) bytes, ms. Default 500 (guide p. 21). */
  replyTimeoutMs?: number;
  /** Quiet time between the end of a reply and our next request, ms. Default 100: the meter serves at most one
   *  request per 100 ms (guide p. 21). 0 only for tests that script the meter by hand. */
  requestGapMs?: number;
  /** Identical retransmissions before a link reset. Default 3 (spec §14). */
  retransmissions?: number;
  /** Consecutive 0x0C replies tolerated for one request. Default 3 (spec §5). */
  maxSequenceResyncs?: number;
  /** Consecutive 0x0B replies before the session declares the key wrong. Default 3. */
  authFailureLimit?: number;
  /** While the key is reported wrong, probe the meter this often, ms. Default 300000 (5 min). */
  authRetryMs?: number;
  /** Back-off after a failed link reset: first and largest delay, ms. Defaults 2000 and 60000. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Delay before retrying a request answered busy (0x06–0x09), ms. Default 1000. Attempts bounded by retransmissions. */
  busyRetryMs?: number;
  /** Re-read the meter clock (BT52) this often, ms. Default 60000. */
  clockIntervalMs?: number;
  /** Reply digest check (guide p. 250). Default 'enforce'. */
  replyDigest?: ReplyDigestMode;
  /** Length argument of full reads: the most table data a reply may carry, 465 (guide pp. 8, 12); null sends the
   *  3-byte form, whose length the meter takes as "indeterminate" (tests of old forks only). */
  maxReplyLength?: number | null;
  /** MEP RC4 encryption (guide pp. 11, 256–257; rc4.ts). Default off: the guide discourages it and it adds no
   *  authentication; for a meter whose port was set to require it. */
  rc4?: boolean;
  /** UART speed for the transmit-time part of the reply deadline. Default 9600. */
  baudRate?: number;
  /** Where the poll cycles' CPU time is counted (cycle-time.ts), shared with the driver; none by default. */
  cycleTimes?: CycleTimes;
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** What the session asks its driver to do; the session itself does no I/O. */
export type SessionCommand =
  | { type: 'send'; bytes: Uint8Array }
  /** Cycle ENABLE and the transceiver, drop received bytes, then call session.linkReady() (spec §2). */
  | { type: 'reset-link' }
  /** A decoded table; `partial` for partial reads (e.g. BT23 total block only). */
  | { type: 'table'; table: number; value: unknown; partial: boolean; at: number }
  | { type: 'status'; status: LinkStatus }
  /** Persist this sequence number so the next boot starts there (spec §5). */
  | { type: 'sequence'; next: number }
  | { type: 'alert-handled'; ok: boolean; detail: string }
  /** The outcome of raw(): the table bytes, or null and why. */
  | { type: 'raw'; data: Uint8Array | null; message: string }
  | { type: 'log'; level: LogLevel; message: string };

/**
 * Counters for the diagnostics message.
 * @mangle (internal to the firmware: see device/build/member-names.ts)
 */
export interface SessionStats {
  requests: number;
  replies: number;
  timeouts: number;
  retransmissions: number;
  linkResets: number;
  sequenceResyncs: number;
  authFailures: number;
  busyReplies: number;
  errorReplies: number;
  discardedBytes: number;
  unexpectedFrames: number;
  staleReplies: number;
  decodeErrors: number;
  /** Replies whose digest did not verify: line errors, discarded and the request sent again. */
  badDigests: number;
  alerts: number;
  alertChainsCompleted: number;
  alertChainsFailed: number;
  pollCycles: number;
}
