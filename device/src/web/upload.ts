// POST /api/update: the raw request body (no multipart; Content-Length required) is streamed chunk by chunk into
// the update engine (ota/installer-types.ts), never held whole in RAM (issue 4 "Installing an update safely").
// The answer is the engine's InstallOutcome; when it says reboot, the engine reboots after this answer went out.
// A body that stops arriving (browser closed mid-upload: Espruino may never say 'end') aborts after STALL_MS, so
// the engine is free for the next upload.
import { HttpRequest, HttpResponse } from '../hal/types';
import { Timers } from '../meter/poller';
import { UpdateInstaller } from '../ota/installer-types';
import { sendJson } from './http';

export const STALL_MS = 30000;

export function receiveUpload(req: HttpRequest, res: HttpResponse, installer: UpdateInstaller, timers: Timers): void {
  const lengthText = req.header('content-length') || '';
  const total = parseInt(lengthText, 10);
  if (!(total > 0) || String(total) !== lengthText.trim()) {
    sendJson(res, 411, { ok: false, error: 'the upload needs a Content-Length (send the file as the raw request body)' });
    return;
  }
  const refused = installer.begin(total, 'upload');
  if (refused) {
    sendJson(res, 409, { ok: false, error: refused });
    return;
  }
  let received = 0;
  let failed = '';
  let answered = false;
  let timer: unknown = null;
  const answer = (status: number, body: unknown): void => {
    if (timer !== null) timers.clearTimeout(timer);
    if (answered) return;
    answered = true;
    sendJson(res, status, body);
  };
  const watch = (): void => {
    if (timer !== null) timers.clearTimeout(timer);
    timer = timers.setTimeout(() => {
      timer = null;
      if (answered || failed) return;
      failed = `upload stalled: ${received} of ${total} bytes received`;
      installer.abort(failed);
      answer(408, { ok: false, error: failed });
    }, STALL_MS);
  };
  watch();
  req.onData((chunk) => {
    if (failed) return;
    watch();
    received += chunk.length;
    const problem = received > total ? 'more data than Content-Length announced' : installer.write(chunk);
    if (problem) {
      failed = problem;
      if (received > total) installer.abort(problem);
    }
  });
  req.onEnd(() => {
    if (!failed && received < total) {
      failed = `upload incomplete: ${received} of ${total} bytes received`;
      installer.abort(failed);
    }
    if (failed) answer(400, { ok: false, error: failed });
    else installer.finish((outcome) => answer(outcome.ok ? 200 : 400, outcome));
  });
}
