// The lazy 'sec' module (device/src/security/module.ts) alone, over the in-memory Storage: what a module not paired
// does (nothing new), the counter floor stored before a command runs (and a refusal when it cannot be), the
// download host rule, decryption of every secret field, signed results the add-on opens.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { openCommand, sealResult, SecHal } from '../../../device/src/security/module';
import { FLOOR_BLOCK, FLOOR_FILE, SECRET_FILE, WINDOW_FILE } from '../../../device/src/security/store';
import { Storage } from '../../../device/src/hal/types';
import { encryptSecretFields, openSignedResult, signCommand } from '../../../addon/src/pairing/signer';
import { memoryStorage } from '../../helpers/app-hal';

const SECRET = Buffer.from('11'.repeat(32), 'hex');
const BASE = 'mep/mep_240ac4123456';

function hal(paired = true, host = 'ha.local'): SecHal & { files: Map<string, Uint8Array>; storage: Storage } {
  const files = new Map<string, Uint8Array>();
  if (paired) files.set(SECRET_FILE, new Uint8Array(Buffer.from(`${SECRET.toString('hex')} ${host}`)));
  return {
    files,
    storage: memoryStorage(files),
    crypto: {
      sha256: (d) => new Uint8Array(createHash('sha256').update(typeof d === 'string' ? Buffer.from(d, 'latin1') : d).digest()),
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
      pbkdf2: () => new Uint8Array(0),
      aes: (key, block) => {
        const c = createCipheriv('aes-128-ecb', key, null);
        c.setAutoPadding(false);
        return new Uint8Array(c.update(block));
      },
    },
  };
}
const text = (h: ReturnType<typeof hal>, name: string) => (h.files.has(name) ? Buffer.from(h.files.get(name)!).toString('latin1') : null);
const sign = (cmd: string, body: object, counter: number) => signCommand(SECRET, `${BASE}/cmd/${cmd}`, counter, JSON.stringify(body));

test('a module not paired: commands and results pass unchanged, nothing is stored', () => {
  const h = hal(false);
  expect(openCommand(h, `${BASE}/cmd/poll`, 'poll', 'PRESS', -1)).toEqual({ text: 'PRESS', counter: 1, last: -1, refused: null });
  expect(sealResult(h, `${BASE}/cmd/result`, '{"id":"a"}', 1)).toBe('{"id":"a"}');
  expect([...h.files.keys()]).toEqual([]);
});

test('the floor is stored a block ahead before the command runs, read back after a reboot, and a failed write refuses', () => {
  const h = hal();
  h.files.set(WINDOW_FILE, new Uint8Array(Buffer.from('x')));
  const a = openCommand(h, `${BASE}/cmd/poll`, 'poll', sign('poll', { id: 'a' }, 1000), -1);
  expect(a).toMatchObject({ counter: 1000, last: 1000, refused: null, text: '{"id":"a"}' });
  expect(text(h, FLOOR_FILE)).toBe(String(1000 + FLOOR_BLOCK));
  expect(text(h, WINDOW_FILE)).toBeNull(); // the first signed command closes a pairing window
  // After a reboot (last -1) the stored floor counts: 2000 was never sent, but it is below the floor.
  expect(openCommand(h, `${BASE}/cmd/poll`, 'poll', sign('poll', { id: 'b' }, 2000), -1).refused).toEqual({ id: 'b', command: 'poll', ok: false, error: 'stale-counter', counter_floor: 1000 + FLOOR_BLOCK });
  const broken = hal();
  broken.storage.write = () => false;
  expect(openCommand(broken, `${BASE}/cmd/restart`, 'restart', sign('restart', { id: 'c' }, 5), -1).refused).toMatchObject({ id: 'c', error: 'the command counter could not be stored' });
});

test('updates: only from the paired host (port, case and IPv6 brackets allowed; user info never)', () => {
  const upd = (url: string, c: number, h = hal()) => openCommand(h, `${BASE}/cmd/update`, 'update', sign('update', { id: 'u', url }, c), -1).refused;
  expect(upd('http://ha.local:8125/fw.bin', 1)).toBeNull();
  expect(upd('http://HA.LOCAL/fw.bin', 1)).toBeNull();
  expect(upd('http://ha.local@10.6.6.6/fw.bin', 1)).toMatchObject({ error: "updates come only from the paired add-on's host" });
  expect(upd('http://10.6.6.6:8125/fw.bin?ha.local', 1)).toMatchObject({ error: "updates come only from the paired add-on's host" });
  expect(upd('http://[fd00::5]:8125/fw.bin', 1, hal(true, '[fd00::5]'))).toBeNull();
  expect(upd('http://anything/fw.bin', 1, hal(true, ''))).toBeNull(); // a secret written without a host (mep upload)
});

test('every secret field is decrypted; results are signed as the add-on checks them', () => {
  const h = hal();
  const body = encryptSecretFields(SECRET, { id: 'k', meter: { key: 'ABCDEFGHIJKLMNOPQRST' }, wifi: { password: 'wifi pass' }, mqtt: { password: '0123456789abcdef0123456789abcdef' } });
  const opened = openCommand(h, `${BASE}/cmd/config`, 'config', sign('config', body, 7), -1);
  expect(JSON.parse(opened.text)).toEqual({ id: 'k', meter: { key: 'ABCDEFGHIJKLMNOPQRST' }, wifi: { password: 'wifi pass' }, mqtt: { password: '0123456789abcdef0123456789abcdef' } });
  const sealed = sealResult(h, `${BASE}/cmd/result`, '{"id":"k","command":"config","ok":true}', opened.counter);
  expect(openSignedResult(SECRET, `${BASE}/cmd/result`, Buffer.from(sealed, 'latin1'))!.toString()).toBe('{"id":"k","command":"config","ok":true}');
  expect(openSignedResult(SECRET, `${BASE}/cmd/config`, Buffer.from(sealed, 'latin1'))).toBeNull();
  // Without the HAL's AES an encrypted field is refused, never applied half-decrypted.
  const noAes = hal();
  delete noAes.crypto.aes;
  expect(openCommand(noAes, `${BASE}/cmd/config`, 'config', sign('config', body, 8), -1).refused).toMatchObject({ error: 'wifi.password_enc cannot be decrypted' });
});
