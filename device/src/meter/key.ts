// The MBK key rules (spec §4.1) live in discovery/mbk-key.ts, shared with the add-on panel, which must validate the
// key exactly as the protocol core does; the protocol core keeps importing them from here.
export type { MbkResult } from '../../../discovery/mbk-key';
export { parseMbk, digestKeyFromText } from '../../../discovery/mbk-key';
