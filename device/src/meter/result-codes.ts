// Response codes in the STATUS byte of a reply (spec §7). 0x00–0x0A are ANSI C12.18, 0x0B/0x0C are MEP-specific.

export const RESPONSE_OK = 0x00;
export const RESPONSE_OPERATION_NOT_POSSIBLE = 0x04;
export const RESPONSE_AUTH_FAILURE = 0x0b;
export const RESPONSE_INVALID_SEQUENCE = 0x0c;

export interface ResponseCodeInfo {
  code: number;
  /** C12.18 mnemonic, or 'mep' for the MEP-only codes. */
  name: string;
  meaning: string;
}

export function responseCodeInfo(code: number): ResponseCodeInfo {
  // Mnemonics and meanings, indexed by code, as two compact strings inside the function: an array of objects would
  // cost ~170 Espruino JsVars resident, top-level strings ~55 (espruino.md §3); these exist only during a call.
  const NAMES = 'ok|err|sns|isc|onp|iar|bsy|dnr|dlk|rno|isss|auth|seq';
  const MEANINGS =
    'successful response|unrecognized request|service not supported|' +
    'insufficient security clearance (no permission for this request)|' +
    'operation not possible (for a procedure call: invalid procedure sequence number)|' +
    'inappropriate action requested (table operation not possible)|meter busy|data not ready|data locked|' +
    'renegotiate request|invalid service sequence state|' +
    'authentication failure: the request digest does not verify (wrong MBK key?)|' +
    'invalid sequence number (the reply carries the number the meter expects next)';
  const names = NAMES.split('|');
  if (code >= 0 && code < names.length && Math.floor(code) === code) {
    return { code, name: names[code] as string, meaning: MEANINGS.split('|')[code] as string };
  }
  return { code, name: 'unknown', meaning: `unknown response code 0x${(code & 0xff).toString(16).padStart(2, '0')}` };
}

/** Every known code (the `mep` tool and tests). */
export const RESPONSE_CODES: ResponseCodeInfo[] = /* @__PURE__ */ (() => {
  const out: ResponseCodeInfo[] = [];
  for (let c = 0; c <= 0x0c; c++) out.push(responseCodeInfo(c));
  return out;
})();

/** The busy-type codes (0x06–0x09) that mean "try again later" rather than "this request is wrong". */
export function isTransientCode(code: number): boolean {
  return code >= 0x06 && code <= 0x09;
}
