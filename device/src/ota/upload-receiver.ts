// POST /api/update: the raw request body (no multipart; Content-Length required) is streamed chunk by chunk into
// the update engine (ota/installer-types.ts), never held whole in RAM (issue 4 "Installing an update safely").
// A lazy module of its own ('upl'), not part of the web pages: the pages check the login and CSRF token, then hand the
// request over, and the app unloads them while the upload runs (issue 9: pages and installer together left a WROOM
// ~2,000 JsVars free, the installer alone ~3,300).
// The answer is the engine's InstallOutcome; when it says reboot, the engine reboots after this answer went out.
// A body that stops arriving (browser closed mid-upload: Espruino may never say 'end') aborts after STALL_MS, so
// the engine is free for the next upload.
import { HttpRequest, HttpResponse } from '../hal/types';
import { Timers } from '../meter/poller';
import { UpdateInstaller } from '../ota/installer-types';
import { sendJson } from '../web/http';

export const STALL_MS = 30000;

/** Names a file that is no update package from its first bytes, before it is staged (issue 12: such a file used to
 *  end as "not a web bundle"). Our packages start with 0x89 "MEB"/"MEW" (ota/format.ts), the reference's text
 *  bundle with a "/www_" line (mep-protocol.md §16); the engine judges those. */
export function wrongFile(b: Uint8Array): string | null {
  const c = b[0];
  if (c === 0x89 || c === 0x2f) return null;
  if (c === 0xe9) {
    return 'this is an ESP32 program image (like the Espruino interpreter or the reference firmware), not a MEP Bridge ' +
      'package: flash it over USB with esptool. Here: firmware.bin (firmware) or update.wwws (web pages)';
  }
  if (c === 0x1f && b[1] === 0x8b) return 'this is a gzip-compressed file: unpack it and upload the .bin or .wwws inside';
  if (c === 0x50 && b[1] === 0x4b) return 'this is a .zip archive: unpack it and upload the .bin or .wwws inside';
  return 'this is not a MEP Bridge update package: upload firmware.bin (firmware) or update.wwws (web pages)';
}

/** `done` runs once the answer went out (the app may then unload the installer). */
export function receiveUpload(req: HttpRequest, res: HttpResponse, installer: UpdateInstaller, timers: Timers, done?: () => void): void {
  const lengthText = req.header('content-length') || '';
  const total = parseInt(lengthText, 10);
  if (!(total > 0) || String(total) !== lengthText.trim()) {
    sendJson(res, 411, { ok: false, error: 'the upload needs a Content-Length (send the file as the raw request body)' });
    if (done) done();
    return;
  }
  const refused = installer.begin(total, 'upload');
  if (refused) {
    sendJson(res, 409, { ok: false, error: refused });
    if (done) done();
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
    if (done) done();
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
    const first = received === 0 && chunk.length > 0;
    received += chunk.length;
    const refused = received > total ? 'more data than Content-Length announced' : first ? wrongFile(chunk) : null;
    const problem = refused || installer.write(chunk);
    if (problem) {
      failed = problem;
      if (refused) installer.abort(problem);
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
