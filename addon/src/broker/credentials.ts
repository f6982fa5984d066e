// Who may log in to the embedded broker (issue 5). Local mode (`npm start`, 127.0.0.1 only): everyone, with full
// access. Add-on mode: the options' full-access login, and devices with their device id as user name and the shared
// device password; the MQTT client id of a device must be its device id, so one device cannot take over another's
// session. Passwords are kept only as salted SHA-256 digests in memory and compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isDeviceId } from '../../../discovery/topics';
import { BrokerIdentity } from './acl';

export interface LoginConfig {
  /** true: anonymous clients get full access (local mode). */
  anonymous: boolean;
  username?: string;
  password?: string;
  devicePassword?: string;
}

export type LoginResult = { ok: true; identity: BrokerIdentity } | { ok: false; reason: string };

export interface Authenticator {
  check(username: string | undefined, password: Buffer | undefined, clientId: string): LoginResult;
}

function digest(salt: Buffer, value: Buffer): Buffer {
  return createHash('sha256').update(salt).update(value).digest();
}

export function createAuthenticator(config: LoginConfig): Authenticator {
  const salt = randomBytes(16);
  const full = config.username && config.password ? digest(salt, Buffer.from(config.password)) : null;
  const device = config.devicePassword ? digest(salt, Buffer.from(config.devicePassword)) : null;
  const username = config.username;
  const same = (expected: Buffer, given: Buffer | undefined): boolean =>
    given !== undefined && timingSafeEqual(expected, digest(salt, given));
  return {
    check(user, password, clientId) {
      if (config.anonymous) return { ok: true, identity: { kind: 'full' } };
      if (user === undefined || user === '') return { ok: false, reason: 'anonymous clients are not allowed' };
      if (full && user === username) {
        return same(full, password) ? { ok: true, identity: { kind: 'full' } } : { ok: false, reason: `wrong password for ${user}` };
      }
      if (isDeviceId(user)) {
        if (!device) return { ok: false, reason: `no device password is configured, ${user} cannot log in` };
        if (!same(device, password)) return { ok: false, reason: `wrong device password for ${user}` };
        if (clientId !== user) return { ok: false, reason: `${user} must use its device id as client id` };
        return { ok: true, identity: { kind: 'device', deviceId: user } };
      }
      return { ok: false, reason: 'unknown user name' };
    },
  };
}
