// What the session asks the meter, and in which order (spec §14 recommended sequence, §13 alert chain).
import { fullRead, MepRequest, partialRead, procedureCall, EP39_POST_MEP_DATA } from './requests';
import { BT01, BT08, BT21, BT23, BT28, BT52, ET03, ET11, ET13, ET50, ET58 } from './table-ids';
import { AlertAcknowledge } from './session-types';

export type JobPurpose = 'probe' | 'config' | 'poll' | 'clock' | 'alert';
export type AlertStep = 'et11' | 'et13' | 'et50' | 'ep39' | 'result';

/** @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface Job {
  purpose: JobPurpose;
  request: MepRequest;
  alertStep?: AlertStep;
  /** Sequence number of the frame on the wire, once built. */
  seq: number;
  /** The frame as sent: retransmissions resend it byte for byte (spec §5 rule 3). null = build on next send. */
  frame: Uint8Array | null;
  sends: number;
  resyncs: number;
  busyTries: number;
  procRetries: number;
}

export function job(purpose: JobPurpose, request: MepRequest, alertStep?: AlertStep): Job {
  return { purpose, request, alertStep, seq: -1, frame: null, sends: 0, resyncs: 0, busyTries: 0, procRetries: 0 };
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

/** BT23 partial read of A + 16 bytes covers import/export active and reactive energy (spec §10.3), or a full read. */
export function pollJobs(options: { bt23Full: boolean; demandResetByte: boolean; maxReplyLength: number | null }): Job[] {
  const bt23 = options.bt23Full
    ? fullRead(BT23, options.maxReplyLength)
    : partialRead(BT23, 0, (options.demandResetByte ? 1 : 0) + 16);
  return [job('poll', bt23), job('poll', fullRead(BT28, options.maxReplyLength))];
}

export function clockJob(maxReplyLength: number | null): Job {
  return job('clock', fullRead(BT52, maxReplyLength));
}

/** EP39 parameters per acknowledgement mode: data type 0x04 "scheduled read data + alarms", status 0x01, LE16 length,
 *  data (spec §12). What the utility expects here is UNKNOWN; see AlertAcknowledge. */
export function ep39Params(mode: AlertAcknowledge): Uint8Array {
  if (mode === 'ep39-reference') return new Uint8Array([0x04, 0x01, 0x06, 0x00, 1, 2, 3, 4, 5, 6]);
  return new Uint8Array([0x04, 0x01, 0x00, 0x00]);
}

/** The job for one alert-chain step (spec §13). `entrySize` is E from ET11, `mepFlags` the ET50 flags byte. */
export function alertJob(
  step: AlertStep,
  ctx: { entrySize: number; mepFlags: number; procSeq: number; acknowledge: AlertAcknowledge; maxReplyLength: number | null },
): Job {
  if (step === 'et11') return job('alert', partialRead(ET11, 1, 1), step);
  if (step === 'et13') return job('alert', partialRead(ET13, 4 * ctx.entrySize + 8, 1), step);
  if (step === 'et50') return job('alert', partialRead(ET50, 30, 1), step);
  if (step === 'ep39') return job('alert', procedureCall(EP39_POST_MEP_DATA, ctx.procSeq, ep39Params(ctx.acknowledge)), step);
  return job('alert', fullRead(ctx.mepFlags & 0x02 ? ET58 : BT08, ctx.maxReplyLength), step);
}
