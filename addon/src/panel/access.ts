// Who may talk to the panel (home-assistant.md §0 #8, §2.4): in add-on mode only the Supervisor's ingress proxy,
// in local mode only this machine; and which requests may change state (same-origin, see sameOriginProblem).
import { IncomingHttpHeaders } from 'http';

export type PanelMode = 'addon' | 'local';

/** The Supervisor's address on the hassio network: the only peer ingress traffic comes from (§2.4). */
export const INGRESS_PROXY_ADDRESS = '172.30.32.2';

/** The header the panel's own scripts send on every state-changing request. A web page on another origin cannot
 *  add a custom header without a CORS preflight, which this server never answers, so it cannot drive the panel. */
export const SAME_ORIGIN_HEADER = 'x-requested-with';
export const SAME_ORIGIN_VALUE = 'mep-panel';

/** "::ffff:172.30.32.2" (IPv4 on a dual-stack socket) → "172.30.32.2". */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** True when a connection from `remoteAddress` may use the panel at all. */
export function peerAllowed(mode: PanelMode, remoteAddress: string | undefined): boolean {
  if (!remoteAddress) return false;
  const address = plainAddress(remoteAddress);
  if (mode === 'addon') return address === INGRESS_PROXY_ADDRESS;
  return address === '127.0.0.1' || address === '::1';
}

/** Local mode: true when the Host header names this machine (localhost, 127.0.0.1, [::1], any port). A web page
 *  that re-binds its own DNS name to 127.0.0.1 (DNS rebinding) reaches the loopback socket with its own name in
 *  Host and is refused; add-on mode needs no such check (only the ingress proxy can connect). */
export function localHostHeader(host: string | undefined): boolean {
  if (!host) return false;
  return /^(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/i.test(host);
}

/** Why a state-changing request is refused as cross-site, or '' when it comes from the panel's own page. */
export function sameOriginProblem(headers: IncomingHttpHeaders): string {
  if (headers[SAME_ORIGIN_HEADER] !== SAME_ORIGIN_VALUE) {
    return `state-changing requests must come from the panel (header X-Requested-With: ${SAME_ORIGIN_VALUE} missing)`;
  }
  // Browsers send Sec-Fetch-Site on every request; anything but the panel's own origin is refused.
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return 'cross-site requests are refused';
  return '';
}

/** The ingress prefix from X-Ingress-Path ("/api/hassio_ingress/<token>"), or '' when absent or malformed. Only
 *  path characters are accepted, so the value can be put into the page's <base href> without escaping issues. */
export function ingressPrefix(headers: IncomingHttpHeaders): string {
  const raw = headers['x-ingress-path'];
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 200) return '';
  if (!/^\/[A-Za-z0-9/_\-.~]*$/.test(raw) || raw.includes('//') || raw.includes('/..')) return '';
  return raw.endsWith('/') ? raw.slice(0, -1) : raw;
}
