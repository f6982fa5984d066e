// MeterSimulator options and the records it reports. Defaults follow spec §15; everything the spec marks UNKNOWN
// is configurable.
import type { PayloadCipher } from './cipher-types';
import type { CommandOptions } from './commands';
import type { FaultOptions } from './faults';
import type { LoadProfileOptions } from './load-profile';
import type { PhysicsParams } from './physics';
import type { ProcedureOptions, ProcedureRecord } from './procedures';
import type { Bt21Variant, ProfileName } from './profiles';
import type { ReplyDigestMode } from './reply';
import type { SeqMode } from './sequence';
import type { ValuesMode } from './table-store';
import type { Pacing, SimTimers } from './transmitter';

export interface MeterSimulatorOptions {
  /** The meter's MBK (16–20 ASCII characters or 32–40 hex digits, spec §4.1). Required; never logged. */
  key: string;
  profile?: ProfileName;
  /** BT21 layout variant (spec §10.2): 'A' (default) or 'B'. */
  bt21Variant?: Bt21Variant;
  /** 'live' (default): BT23/BT28/BT52 follow the load model; 'frozen': the synthetic snapshot of frames.json. */
  values?: ValuesMode;
  /** Seed for everything random (faults, initial sequence number, load model unless physics.seed is given). */
  seed?: number;
  /** Wall clock driving the simulated time, ms since the epoch (default Date.now). */
  clock?: () => number;
  /** Simulated time at construction (default clock()). */
  startTime?: number;
  /** Accelerated time: simulated ms per clock ms (default 1). */
  timeScale?: number;
  physics?: Partial<PhysicsParams>;
  /** Load profile (BT60–BT64, ET21) and outage log (ET81) shape (load-profile.ts); false leaves them out. */
  loadProfile?: LoadProfileOptions | false;
  /** First sequence number accepted at power-up, i.e. the meter's number + 1 (default random 32-bit, spec §5). */
  initialSeq?: number;
  /** Sequence window (sequence.ts): 'window' (default, guide p. 11: last + 1 … last + 8), 'at-least', 'strict'. */
  seqMode?: SeqMode;
  /** Reply digest: 'guide' (default, guide p. 250), or 'zeros' / 'random' for a meter that signs otherwise. */
  replyDigest?: ReplyDigestMode;
  commands?: Partial<CommandOptions>;
  procedures?: Partial<ProcedureOptions>;
  faults?: Partial<FaultOptions>;
  /** TEST-ONLY table-data cipher hook (cipher-types.ts), identity by default. MEP RC4 itself needs no option: like
   *  the meter, the simulator answers an encrypted request encrypted (guide p. 11). */
  cipher?: PayloadCipher;
  /** 'instant' (default) or 'realtime' (9600 baud line rate). */
  pacing?: Pacing;
  baudRate?: number;
  /** Meter turnaround, request received → first reply byte, ms (default 0 instant, 20 realtime; real value UNKNOWN). */
  turnaroundMs?: number;
  /** Realtime pacing: chunk size in ms of line time (default 10). */
  uartChunkMs?: number;
  /** An incomplete request whose bytes pause longer than this is dropped as noise (default 50 ms: the client must
   *  send at least one byte every 50 ms, guide p. 21). */
  interByteTimeoutMs?: number;
  /** Requests closer than minRequestGapMs after the end of the previous reply (guide p. 21: the meter serves at most
   *  one request per 100 ms): 'throttle' answers late (what the guide describes; default with realtime pacing),
   *  'ignore' drops them unanswered (a strict meter for timing tests), 'off' (default with instant pacing). Counted
   *  in `tooSoon` either way. */
  requestSpacing?: RequestSpacing;
  minRequestGapMs?: number;
  /** Realtime pacing: the 25 ms pause after every 117-byte reply segment (guide p. 21); 0 turns it off. */
  segmentPauseMs?: number;
  /** Raise an alert (00 00) every this many ms (default off). */
  alertIntervalMs?: number;
  /** State of the ENABLE line (spec §2, §15.1); default true. */
  enabled?: boolean;
  /** The utility has disabled the MEP port: total silence, requests ignored (spec §14). */
  mepPortDisabled?: boolean;
  timers?: SimTimers;
  /** Called with every chunk of bytes the meter puts on the wire (also emitted as 'data'). */
  onSend?: (bytes: Uint8Array) => void;
}

export type RequestSpacing = 'throttle' | 'ignore' | 'off';

export type RequestOutcome =
  | 'executed'
  | 'too-soon'
  | 'auth-failure'
  | 'bad-sequence'
  | 'reply-code-override'
  | 'bt23-refused'
  | 'lost'
  | 'ignored';

/** Reported with the 'request' event for every request frame the meter cut from the line. */
export interface RequestRecord {
  seq: number;
  apdu: Uint8Array;
  outcome: RequestOutcome;
  /** STATUS of the reply built (even if a fault then dropped it); null when none was built. */
  status: number | null;
  /** The reply frame as built, before byte-level faults; null when none. */
  reply: Uint8Array | null;
  /** Whether the reply was handed to the transmitter. */
  sent: boolean;
  expectedAfter: number;
  /** The request came MEP RC4-encrypted (guide pp. 256–257); so did its reply, unless 0x0B. */
  encrypted: boolean;
  procedure?: ProcedureRecord;
}

export type AlertPosition = 'now' | 'before-reply' | 'after-reply';
