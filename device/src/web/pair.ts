// The pairing routes (issue 11; DOCS.md "Security: pairing and commands"): the work is done by the lazy 'sec' module
// (device/src/security/pairing.ts), loaded for the one request and released, so the web module carries only this.
// server.ts puts the login in front of GET/POST /api/pairing and POST /api/unpair; POST /api/pair is the add-on's,
// without a session: its answer opens only with the code shown on the setup page, within the open window.
import { Hal, HttpResponse } from '../hal/types';
import type { PairCall } from '../security/pairing';
import type { SecModule } from '../security/module';
import { sendJson } from './http';

export function pairCall(hal: Hal, res: HttpResponse, call: PairCall, text: string | null): void {
  const sec = hal.modules.load('sec') as SecModule;
  try {
    const out = sec.pairing(hal, call, text);
    sendJson(res, out.status, out.body);
  } finally {
    hal.modules.release('sec');
  }
}
