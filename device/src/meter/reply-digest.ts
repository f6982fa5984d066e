// Reply digests, as the official MEP Client Developer's Guide defines them (guide p. 250; shared/spec/
// mep-guide-addendum.md §A, verified on all 7 guide replies): Digest(K, request[2:-8] ‖ reply[2:-8]), i.e. the request
// without LEN and without its own digest (code … SEQ), then the reply without LEN and without its digest (code …
// data). The digest binds a reply to the exact request bytes, SEQ included, so a corrupted, stale or injected reply
// fails. A one-byte `00` write reply gets the request's own digest (zero padding, addendum §A): it proves nothing,
// so writes and procedures are confirmed by reading back.
import { OmaDigest } from './digest';

/** The digest a meter appends to `reply` (a whole frame; its own last 8 bytes are not covered) answering `request`
 *  (a whole frame). One pass over both bodies, no copies (espruino.md §3: one digest per frame on the device). */
export function replyDigest(key: Uint8Array, request: Uint8Array, reply: Uint8Array): Uint8Array {
  return new OmaDigest(key).update(request.subarray(2, request.length - 8)).final(reply.subarray(2, reply.length - 8));
}
