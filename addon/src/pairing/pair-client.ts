// The add-on's half of pairing (discovery/pairing.ts; DOCS.md "Security: pairing and commands"): the owner typed
// the code the module shows on its own page; the add-on asks the module for its secret over HTTP and keeps it
// only if the answer proves knowledge of that code. The code and the secret are never logged or returned.
// For the panel: POST api/meters/:id/pair {code} → pairModule({deviceId, address: the module's IP address from its
// diagnostics, code, otaHost: the host modules download updates from}).
import { randomBytes } from 'node:crypto';
import { normalizePairCode, openPairReply, PAIR_NONCE_BYTES, PairReply } from '../../../discovery/pairing';
import { isDeviceId } from '../../../discovery/topics';
import { SecretStore } from './secret-store';
import { nodeSha256 } from './signer';

export interface PairRequest {
  deviceId: string;
  /** The module's address on the LAN (its diagnostics' ip_address). */
  address: string;
  /** As the owner typed it. */
  code: string;
  /** The host name or address modules download updates from (the module will accept no other). */
  otaHost: string;
}

export type PairOutcome = { ok: true } | { ok: false; error: string };

export interface PairDeps {
  secrets: SecretStore;
  fetch?: typeof fetch;
  random?: (n: number) => Uint8Array;
  timeoutMs?: number;
  /** The module's HTTP port (80; tests use another). */
  port?: number;
}

const ADDRESS = /^[A-Za-z0-9.-]{1,253}$|^\[[0-9A-Fa-f:.]{2,45}\]$/;
const MAX_ANSWER_BYTES = 4096;

export async function pairModule(req: PairRequest, deps: PairDeps): Promise<PairOutcome> {
  if (!isDeviceId(req.deviceId)) return { ok: false, error: 'not a bridge device id' };
  const code = normalizePairCode(req.code);
  if (!code) return { ok: false, error: 'that is not a pairing code (8 letters and digits, like 7KQ2-M9XD)' };
  if (!ADDRESS.test(req.address)) return { ok: false, error: 'the module has not reported its network address yet' };
  const nonce = (deps.random ?? randomBytes)(PAIR_NONCE_BYTES);
  const url = `http://${req.address}${deps.port ? `:${deps.port}` : ''}/api/pair`;
  let reply: PairReply;
  try {
    const response = await (deps.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ nonce: Buffer.from(nonce).toString('hex'), host: req.otaHost }),
      signal: AbortSignal.timeout(deps.timeoutMs ?? 10000),
      redirect: 'error',
    });
    if (response.status === 403 || response.status === 409) return { ok: false, error: 'the module is not waiting to be paired: the code has expired or was used up (or Pair was not pressed there). Press "Pair with Home Assistant" on the module\'s setup page for a new code' };
    if (response.status === 404) return { ok: false, error: 'the module cannot pair: its firmware is older than pairing (install the newest firmware from Updates first)' };
    if (!response.ok) return { ok: false, error: `the module answered HTTP ${response.status}` };
    const text = await response.text();
    if (text.length > MAX_ANSWER_BYTES) return { ok: false, error: 'the module\'s answer is too long' };
    reply = JSON.parse(text) as PairReply;
  } catch (err) {
    const e = err as Error;
    return { ok: false, error: e.name === 'TimeoutError' ? 'the module did not answer' : e instanceof SyntaxError ? 'the module\'s answer is not JSON' : 'the module cannot be reached: is it switched on and connected to your network?' };
  }
  const secret = openPairReply(nodeSha256, code, nonce, req.otaHost, req.deviceId, reply);
  if (!secret) return { ok: false, error: 'wrong code: the module\'s answer does not match the code. Type the code its setup page shows (or another device answered in its place)' };
  deps.secrets.pair(req.deviceId, secret, req.otaHost);
  return { ok: true };
}
