// [OTA CLI] mep pack / mep inspect. The command functions are called directly; the same checks through bin/mep.js
// run once cli/main.ts registers the commands (until then that block is skipped).
import { createHash } from 'crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { inspectCommand } from '../../cli/commands/inspect';
import { packCommand } from '../../cli/commands/pack';
import { UsageError } from '../../cli/usage';
import { LEGACY_NOTE } from '../../device/src/ota/format';
import { mep } from '../helpers/mep-cli';
import { legacyBundle, rawWwws } from './helpers';

let dir: string;
let stdout: string;
const BUNDLE = '(function(){console.log("hi")})();';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mep-pack-'));
  stdout = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  });
  writeFileSync(join(dir, 'firmware.js'), BUNDLE);
  const info = { version: '0.3.0', buildId: 'feedbeef0123', board: 'esp32', sha256: createHash('sha256').update(BUNDLE).digest('hex') };
  writeFileSync(join(dir, 'firmware.json'), JSON.stringify(info));
  mkdirSync(join(dir, 'web'));
  writeFileSync(join(dir, 'web', 'index.html'), '<html><body>hello</body></html>\n'.repeat(20));
  writeFileSync(join(dir, 'web', 'style.css'), 'body{margin:0}');
});
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const p = (name: string) => join(dir, name);

describe('[OTA CLI] pack + inspect (command functions)', () => {
  test('pack bin takes version, build id and board from the build info next to the bundle', async () => {
    await packCommand(['bin', '--bundle', p('firmware.js'), '--out', p('out/fw.bin')]);
    expect(stdout).toBe(`${p('out/fw.bin')}: ${96 + BUNDLE.length} bytes, firmware 0.3.0, build feedbeef0123, board esp32, payload ${BUNDLE.length} bytes\n`);
    stdout = '';
    await inspectCommand([p('out/fw.bin'), '--json']);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ kind: 'bin', ok: true, verified: true, header: { firmwareVersion: '0.3.0', buildId: 'feedbeef0123', board: 'esp32', payloadLength: BUNDLE.length } });
    expect(report.header.payloadSha256).toBe(createHash('sha256').update(BUNDLE).digest('hex'));
  });

  test('pack bin: flags win; stale build info is refused unless all three are given; no info needs --version', async () => {
    writeFileSync(p('firmware.js'), BUNDLE + '\n');
    await expect(packCommand(['bin', '--bundle', p('firmware.js'), '--out', p('fw.bin')])).rejects.toThrow(/firmware\.json does not describe .*firmware\.js \(sha256 differs\)/);
    await packCommand(['bin', '--bundle', p('firmware.js'), '--out', p('fw.bin'), '--version', '9.9.9', '--build-id', 'x', '--board', 'auto']);
    expect(stdout).toContain('firmware 9.9.9, build x, board auto');
    rmSync(p('firmware.json'));
    await expect(packCommand(['bin', '--bundle', p('firmware.js'), '--out', p('fw.bin')])).rejects.toThrow(UsageError);
    stdout = '';
    await packCommand(['bin', '--bundle', p('firmware.js'), '--out', p('fw.bin'), '--version', '1.0.0']);
    expect(stdout).toContain(`build ${createHash('sha256').update(BUNDLE + '\n').digest('hex').slice(0, 12)}, board auto`);
  });

  test.each([
    [[], 'give the package type'],
    [['zip'], 'give the package type'],
    [['bin', '--out', 'x'], '--bundle is required'],
    [['bin', '--bundle', 'x.js', '--out', 'y', '--gzip'], '--gzip does not apply to mep pack bin'],
    [['wwws', '--dir', 'd', '--out', 'y', '--board', 'esp32'], '--board does not apply to mep pack wwws'],
    [['wwws', '--out', 'y'], '--dir is required'],
    [['bin', '--bundle', 'B', '--out', 'o', '--version', '1', '--build-id', 'x', '--board', 'esp8266'], '--board must be one of auto, esp32, esp32c3'],
    [['bin', '--bundle', 'B', '--out', 'o', '--version', 'x'.repeat(17)], '--version must be 1 to 16 printable ASCII characters'],
    [['bin', '--nonsense'], "Unknown option '--nonsense'"],
  ])('usage mistake %j', async (args, message) => {
    const argv = (args as string[]).map((a) => (a === 'B' ? p('firmware.js') : a));
    const err = await packCommand(argv).then(() => null, (e: Error) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err!.message).toContain(message);
  });

  test('pack wwws --gzip, then inspect as text', async () => {
    await packCommand(['wwws', '--dir', p('web'), '--out', p('update.wwws'), '--gzip']);
    expect(stdout).toMatch(/update\.wwws: \d+ bytes, 2 file\(s\)\n$/);
    stdout = '';
    await inspectCommand([p('update.wwws')]);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/update\.wwws: MEP web bundle \(\.wwws\), format 2, \d+ bytes$/);
    expect(lines.find((l) => l.includes('www_index.html'))).toMatch(/^ {2}www_index\.html +yes +\d+ +640 +[0-9a-f]{64} +ok$/);
    expect(lines.find((l) => l.includes('www_style.css'))).toMatch(/^ {2}www_style\.css +no +14 +14 +[0-9a-f]{64} +ok$/);
    expect(lines[lines.length - 1]).toBe('verified');
  });

  test('inspect: a corrupted package prints what it found and fails with one line (exit 1, not a usage error)', async () => {
    await packCommand(['wwws', '--dir', p('web'), '--out', p('update.wwws')]);
    const bytes = readFileSync(p('update.wwws'));
    bytes[100] = bytes[100]! ^ 1;
    writeFileSync(p('bad.wwws'), bytes);
    stdout = '';
    const err = await inspectCommand([p('bad.wwws')]).then(() => null, (e: Error) => e);
    expect(err).not.toBeInstanceOf(UsageError);
    expect(err!.message).toMatch(/bad\.wwws does not verify: www_index\.html: SHA-256 of the stored bytes is [0-9a-f]+, the entry says [0-9a-f]+ \(offset 88\)$/);
    expect(stdout.trim().split('\n').pop()).toBe('NOT VERIFIED');
  });

  test('inspect: legacy text is reported as such and passes; other files are "not a MEP package"', async () => {
    writeFileSync(p('update.wwws'), legacyBundle([{ name: 'www_homeIndex.html', data: '<p>hi</p>\n' }]));
    await inspectCommand([p('update.wwws')]);
    expect(stdout).toContain(`MEP web bundle (.wwws), ${LEGACY_NOTE}`);
    expect(stdout.trim().split('\n').pop()).toBe(`ok, not verified (${LEGACY_NOTE})`);
    writeFileSync(p('notes.txt'), 'hello\n');
    await expect(inspectCommand([p('notes.txt')])).rejects.toThrow('not a MEP package: no .bin/.wwws magic and no "/www_" header line (offset 6)');
    await expect(inspectCommand([p('missing.bin')])).rejects.toThrow(/^cannot read .*missing\.bin: ENOENT$/);
    await expect(inspectCommand([])).rejects.toThrow(UsageError);
  });

  test('inspect: a file flagged gzip that does not inflate verifies on the device but fails here', async () => {
    writeFileSync(p('fake.wwws'), rawWwws([{ name: 'www_a.html', flags: 1, data: new Uint8Array(Buffer.from('plain')) }]));
    await expect(inspectCommand([p('fake.wwws')])).rejects.toThrow(/www_a\.html: flagged gzip but does not inflate/);
  });
});

const registered = (() => {
  const main = readFileSync(join(__dirname, '..', '..', 'cli', 'main.ts'), 'utf8');
  return main.includes('packCommand') && main.includes('inspectCommand');
})();

(registered ? describe : describe.skip)('[OTA CLI] through bin/mep.js', () => {
  test('pack bin, inspect it (0), corrupt it (1), misuse (2): one line on stderr each time', async () => {
    const out = p('fw.bin');
    expect((await mep(['pack', 'bin', '--bundle', p('firmware.js'), '--out', out])).code).toBe(0);
    const ok = await mep(['inspect', out, '--json']);
    expect([ok.code, JSON.parse(ok.stdout).verified, ok.stderr]).toEqual([0, true, '']);
    const bytes = readFileSync(out);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
    writeFileSync(out, bytes);
    const bad = await mep(['inspect', out]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^mep: .*fw\.bin does not verify: payload SHA-256 is [0-9a-f]{64}, the header says [0-9a-f]{64} \(offset 96\)\n$/);
    const usage = await mep(['pack', 'bin', '--out', out]);
    expect([usage.code, usage.stderr]).toEqual([2, 'mep: --bundle is required\n']);
  });

  test('pack wwws and inspect it', async () => {
    const out = p('update.wwws');
    expect((await mep(['pack', 'wwws', '--dir', p('web'), '--out', out, '--gzip'])).code).toBe(0);
    const r = await mep(['inspect', out]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').pop()).toBe('verified');
  });
});
