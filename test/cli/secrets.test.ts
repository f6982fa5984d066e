// Issue 11 attack 6, the command line: secrets from a file or an environment variable instead of the command line
// (where `ps` and npm show them), never echoed; the simulated device's Storage (settings with the MBK key) readable
// by its owner only.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostStorage } from '../../device/sim/host';
import { brokerPasswordFor, KEY, readSecretFile, secretValue } from '../../cli/secrets';
import { MEP } from '../helpers/mep-cli';

const MBK = 'ABCDEFGHIJKLMNOPQRST';
const FRAME = '001130003401d1000000000190a41f4cfe703d'; // mep frame --key MBK --seq 0 --read BT52

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mep-secrets-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MEP, ...args], { timeout: 20000, env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('secret sources', () => {
  test('file (final newline dropped), then environment, then the flag; two at once is a mistake', () => {
    const warnings: string[] = [];
    const warn = (l: string) => void warnings.push(l);
    expect(secretValue({ 'key-file': file('k', `${MBK}\n`) }, KEY, {}, warn)).toBe(MBK);
    expect(secretValue({}, KEY, { MEP_KEY: MBK }, warn)).toBe(MBK);
    expect(warnings).toEqual([]);
    expect(secretValue({ key: MBK }, KEY, {}, warn)).toBe(MBK);
    expect(warnings).toEqual(['--key on the command line can be seen by other users (ps); use --key-file <file> or MEP_KEY']);
    expect(secretValue({}, KEY, {}, warn)).toBeUndefined();
    expect(() => secretValue({ key: MBK }, KEY, { MEP_KEY: MBK }, warn)).toThrow(/give the secret once/);
  });

  test('a file others can read gets a warning; an unreadable, empty or multi-line file is refused without its content', () => {
    const warnings: string[] = [];
    readSecretFile(file('open', MBK, 0o644), 'key-file', (l) => void warnings.push(l));
    expect(warnings[0]).toMatch(/can be read by other users of this computer: chmod 600 it/);
    expect(() => readSecretFile(join(dir, 'missing'), 'key-file')).toThrow('--key-file: cannot read');
    expect(() => readSecretFile(file('empty', '\n'), 'key-file')).toThrow(/is empty/);
    let message = '';
    try {
      readSecretFile(file('two', `${MBK}\nsecond line\n`), 'key-file');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/on one line/);
    expect(message).not.toContain(MBK);
  });

  test('the broker password: from the file or MEP_BROKER_PASSWORD when the URL has none; in the URL it warns', () => {
    const warnings: string[] = [];
    const warn = (l: string) => void warnings.push(l);
    expect(brokerPasswordFor('', { 'broker-password-file': file('pw', 'Broker-Pw\n') }, {}, warn)).toBe('Broker-Pw');
    expect(brokerPasswordFor('', {}, { MEP_BROKER_PASSWORD: 'Env-Pw' }, warn)).toBe('Env-Pw');
    expect(warnings).toEqual([]);
    expect(brokerPasswordFor('Url-Pw', {}, {}, warn)).toBe('Url-Pw');
    expect(warnings[0]).toMatch(/a password in --broker can be seen by other users/);
    expect(() => brokerPasswordFor('Url-Pw', {}, { MEP_BROKER_PASSWORD: 'x' }, warn)).toThrow(/once/);
  });
});

describe('mep frame with the key off the command line', () => {
  test('--key-file and MEP_KEY give the same frame as --key; nothing echoes the key', async () => {
    const viaFile = await run(['frame', '--key-file', file('mbk', MBK + '\n'), '--seq', '0', '--read', 'BT52']);
    expect(viaFile).toEqual({ code: 0, stdout: FRAME + '\n', stderr: '' });
    const viaEnv = await run(['frame', '--seq', '0', '--read', 'BT52'], { MEP_KEY: MBK });
    expect(viaEnv).toEqual({ code: 0, stdout: FRAME + '\n', stderr: '' });
    const bad = await run(['frame', '--key-file', file('bad', 'SECRET-BUT-TOO-LONG-FOR-AN-MBK-KEY'), '--seq', '0', '--read', 'BT52']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).not.toContain('SECRET-BUT-TOO-LONG');
  });
});

describe('the simulated device\'s Storage', () => {
  test('its folder is 0700 and its files 0600, also a folder created before with looser rights', () => {
    const storageDir = join(dir, 'device');
    const storage = new HostStorage(storageDir);
    storage.write('mep.settings.json', new Uint8Array(Buffer.from(JSON.stringify({ meter: { key: MBK } }))));
    expect(statSync(storageDir).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(storageDir)) expect(statSync(join(storageDir, name)).mode & 0o077).toBe(0);
    chmodSync(storageDir, 0o755);
    new HostStorage(storageDir);
    expect(statSync(storageDir).mode & 0o777).toBe(0o700);
  });
});
