// Fake CPU cost for the poll cycle's phase operations, for the cycle-time tests: the request encoder and the reply
// parser of frame.ts, and the reply digest of reply-digest.ts, spend virtual time before doing their real work. Import this module before anything that
// imports the session: jest.mock registers the replacement when this module runs (the test transform does not hoist
// it), and frame.ts is first required after that.
import type * as Frame from '../../../device/src/meter/frame';
import type * as ReplyDigest from '../../../device/src/meter/reply-digest';

/** What each call costs (ms) and where the time goes; set by the test. */
export const costs = { encodeRequest: 0, parseReply: 0, replyDigest: 0, spend: (ms: number): void => void ms };

jest.mock('../../../device/src/meter/reply-digest', () => {
  const real = jest.requireActual<typeof ReplyDigest>('../../../device/src/meter/reply-digest');
  return {
    ...real,
    replyDigest: (...args: Parameters<typeof ReplyDigest.replyDigest>) => {
      costs.spend(costs.replyDigest);
      return real.replyDigest(...args);
    },
  };
});

jest.mock('../../../device/src/meter/frame', () => {
  const real = jest.requireActual<typeof Frame>('../../../device/src/meter/frame');
  return {
    ...real,
    encodeRequest: (...args: Parameters<typeof Frame.encodeRequest>) => {
      costs.spend(costs.encodeRequest);
      return real.encodeRequest(...args);
    },
    parseReply: (...args: Parameters<typeof Frame.parseReply>) => {
      costs.spend(costs.parseReply);
      return real.parseReply(...args);
    },
  };
});
