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

export const RESPONSE_CODES: ResponseCodeInfo[] = [
  { code: 0x00, name: 'ok', meaning: 'successful response' },
  { code: 0x01, name: 'err', meaning: 'unrecognized request' },
  { code: 0x02, name: 'sns', meaning: 'service not supported' },
  { code: 0x03, name: 'isc', meaning: 'insufficient security clearance (no permission for this request)' },
  {
    code: 0x04,
    name: 'onp',
    meaning: 'operation not possible (for a procedure call: invalid procedure sequence number)',
  },
  { code: 0x05, name: 'iar', meaning: 'inappropriate action requested (table operation not possible)' },
  { code: 0x06, name: 'bsy', meaning: 'meter busy' },
  { code: 0x07, name: 'dnr', meaning: 'data not ready' },
  { code: 0x08, name: 'dlk', meaning: 'data locked' },
  { code: 0x09, name: 'rno', meaning: 'renegotiate request' },
  { code: 0x0a, name: 'isss', meaning: 'invalid service sequence state' },
  { code: 0x0b, name: 'auth', meaning: 'authentication failure: the request digest does not verify (wrong MBK key?)' },
  { code: 0x0c, name: 'seq', meaning: 'invalid sequence number (the reply carries the number the meter expects next)' },
];

export function responseCodeInfo(code: number): ResponseCodeInfo {
  for (let i = 0; i < RESPONSE_CODES.length; i++) {
    const info = RESPONSE_CODES[i] as ResponseCodeInfo;
    if (info.code === code) return info;
  }
  return { code, name: 'unknown', meaning: `unknown response code 0x${(code & 0xff).toString(16).padStart(2, '0')}` };
}

/** The busy-type codes (0x06–0x09) that mean "try again later" rather than "this request is wrong". */
export function isTransientCode(code: number): boolean {
  return code >= 0x06 && code <= 0x09;
}
