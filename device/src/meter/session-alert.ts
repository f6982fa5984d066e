// The alert chain (spec §13) as a small step machine used by the session: ET11 byte 1 (entry size E) → ET13 MEP
// alert flags → ET50 MEP flags → EP39 acknowledgement (unless switched off) → BT08 or ET58 procedure result.
// Unlike the reference, a chain that breaks half-way clears its flag, so the next alert starts a fresh chain.
import { alertJob, AlertStep, Job } from './session-jobs';
import { AlertAcknowledge } from './session-types';
import { PROC_SEQ_FIRST, nextProcSeq } from './requests';
import { procedureResultText } from './tables/bt08-procedure-response';

export interface AlertStepResult {
  job?: Job;
  ok: boolean;
  detail: string;
  resultCode?: number;
}

export class AlertHandler {
  private readonly acknowledge: AlertAcknowledge;
  private readonly maxReplyLength: number | null;
  private running = false;
  private entrySize = 0;
  private mepFlags = 0;
  private alertFlags = 0;
  /** Procedure sequence numbers cycle 5..9 across calls (spec §12); the first call uses 5. */
  private procSeq = PROC_SEQ_FIRST - 1;

  constructor(options: { acknowledge: AlertAcknowledge; maxReplyLength: number | null }) {
    this.acknowledge = options.acknowledge;
    this.maxReplyLength = options.maxReplyLength;
  }

  active(): boolean {
    return this.running;
  }

  /** Starts a chain; null if one is already running. */
  begin(): Job | null {
    if (this.running) return null;
    this.running = true;
    return this.jobFor('et11');
  }

  abort(): void {
    this.running = false;
  }

  procSeqUsed(procSeq: number): void {
    this.procSeq = procSeq;
  }

  /** Advances after a successful step; `data` is the table data of read steps. */
  next(job: Job, data: Uint8Array | undefined): AlertStepResult {
    const step = job.alertStep as AlertStep;
    const first = data && data.length > 0 ? (data[0] as number) : -1;
    if (step !== 'ep39' && first < 0) return { ok: false, detail: `alert step ${step}: empty reply` };
    if (step === 'et11') {
      this.entrySize = first;
      return { job: this.jobFor('et13'), ok: true, detail: '' };
    }
    if (step === 'et13') {
      this.alertFlags = first;
      return { job: this.jobFor('et50'), ok: true, detail: '' };
    }
    if (step === 'et50') {
      this.mepFlags = first;
      if (this.acknowledge === 'none') {
        return { ok: true, detail: `alert flags 0x${this.alertFlags.toString(16)}, not acknowledged (switched off)` };
      }
      this.procSeq = nextProcSeq(this.procSeq);
      return { job: this.jobFor('ep39'), ok: true, detail: '' };
    }
    if (step === 'ep39') return { job: this.jobFor('result'), ok: true, detail: '' };
    const code = data && data.length >= 4 ? (data[3] as number) : -1;
    const text = procedureResultText(code);
    return {
      ok: code === 0 || code === 1,
      detail: `alert flags 0x${this.alertFlags.toString(16)}, EP39 ${text}`,
      resultCode: code,
    };
  }

  private jobFor(step: AlertStep): Job {
    return alertJob(step, {
      entrySize: this.entrySize,
      mepFlags: this.mepFlags,
      procSeq: this.procSeq < PROC_SEQ_FIRST ? PROC_SEQ_FIRST : this.procSeq,
      acknowledge: this.acknowledge,
      maxReplyLength: this.maxReplyLength,
    });
  }
}
