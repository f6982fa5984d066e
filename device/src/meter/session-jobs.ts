// What the session asks the meter, and in which order (spec §14 recommended sequence). Reads only: the session never
// writes (a pure reader: guide p. 22).
import { fullRead, MepRequest, partialRead } from './requests';
import { BT01, BT21, BT23, BT28, BT52, ET03, ET11, ET13, ET50 } from './table-ids';

/** 'raw': a partial read the add-on asked for (cmd/read, issue 13), relayed undecoded. */
export type JobPurpose = 'probe' | 'config' | 'poll' | 'clock' | 'alert' | 'raw';

/** @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface Job {
  purpose: JobPurpose;
  request: MepRequest;
  /** Sequence number of the frame on the wire, once built. */
  seq: number;
  /** The frame as sent: retransmissions resend it byte for byte (spec §5 rule 3). null = build on next send. */
  frame: Uint8Array | null;
  /** RC4 only (rc4.ts): the plaintext frame (what the reply digest covers) and the stream state after it. */
  plain: Uint8Array | null;
  rc4: Uint8Array | null;
  sends: number;
  resyncs: number;
  busyTries: number;
  procRetries: number;
}

export function job(purpose: JobPurpose, request: MepRequest): Job {
  return { purpose, request, seq: -1, frame: null, plain: null, rc4: null, sends: 0, resyncs: 0, busyTries: 0, procRetries: 0 };
}

/** BT52 first: it doubles as the link test and usually meets the 0x0C of a fresh sequence number (spec §10.5). */
export function probeJob(maxReplyLength: number | null): Job {
  return job('probe', fullRead(BT52, maxReplyLength));
}

/** Identity and dimensions, read once per link start (spec §14 "Recommended client sequence"). BT21 comes before
 *  anything that needs its dimensions. */
export const REFERENCE_IDENTITY_TABLES = [BT01, BT21, ET03, ET11, ET13, ET50];

export function configJobs(maxReplyLength: number | null, tables: number[]): Job[] {
  const jobs: Job[] = [];
  for (let i = 0; i < tables.length; i++) jobs.push(job('config', fullRead(tables[i] as number, maxReplyLength)));
  return jobs;
}

/** A poll (poll-schedule.ts): with `energy`, first a BT23 partial read of A + 16 bytes: import/export active and
 *  reactive energy (spec §10.3), always a partial read (a full BT23 can exceed the 465 bytes a reply carries: guide
 *  p. 8, addendum §3); then BT28 (≤ 336 bytes), which ends the poll cycle. */
export function pollJobs(demandResetByte: boolean, maxReplyLength: number | null, energy: boolean): Job[] {
  const present = job('poll', fullRead(BT28, maxReplyLength));
  return energy ? [job('poll', partialRead(BT23, 0, (demandResetByte ? 1 : 0) + 16)), present] : [present];
}

export function clockJob(maxReplyLength: number | null): Job {
  return job('clock', fullRead(BT52, maxReplyLength));
}
