// The command-line front end's argument parsing (the CLI itself runs in transports.test.ts).
import { parseCliArgs } from '../../device/sim/meter-sim/cli';
import { KEY } from './harness';

describe('meter-sim command line', () => {
  test('tcp with options and faults', () => {
    const c = parseCliArgs(
      ['--key', KEY, '--tcp', '4059', '--profile', 'one-phase', '--strict-seq', '--seq', '0x10', '--digest', 'H2',
        '--realtime', '--time-scale', '60', '--solar', '4000', '--faults', 'corruptProbability=0.1 chunking=1-4'],
      {},
    );
    expect(c.transport).toEqual({ kind: 'tcp', port: 4059, host: '127.0.0.1' });
    expect(c.options).toMatchObject({
      key: KEY, profile: 'one-phase', seqMode: 'strict', initialSeq: 16, replyDigest: 'H2', pacing: 'realtime',
      timeScale: 60, physics: { solarPeakW: 4000 }, faults: { corruptProbability: 0.1, chunking: { minBytes: 1, maxBytes: 4 } },
    });
  });

  test('key from the environment; serial and stdio', () => {
    expect(parseCliArgs(['--serial', '/dev/ttyUSB0'], { MEP_SIM_KEY: KEY }).transport).toEqual({
      kind: 'serial', path: '/dev/ttyUSB0', baud: 9600,
    });
    expect(parseCliArgs(['--stdio', '--key', KEY], {}).transport).toEqual({ kind: 'stdio' });
  });

  test('usage errors', () => {
    expect(() => parseCliArgs(['--tcp', '1'], {})).toThrow(/no key/);
    expect(() => parseCliArgs(['--key', KEY], {})).toThrow(/exactly one/);
    expect(() => parseCliArgs(['--key', KEY, '--stdio', '--tcp', '1'], {})).toThrow(/exactly one/);
    expect(() => parseCliArgs(['--key', KEY, '--stdio', '--digest', 'H9'], {})).toThrow(/--digest/);
    expect(() => parseCliArgs(['--key', KEY, '--stdio', '--bogus'], {})).toThrow();
  });
});
