// Who may log in to the embedded broker (issue 5). Local mode (`npm start`, 127.0.0.1 only): everyone, with full
// access. Add-on mode: the options' full-access login, and devices with their device id as user name and the shared
// device password; the MQTT client id of a device must be its device id, and a device id as client id is refused
// to every other login (the full-access one too), so nobody can kick a module off by reusing its client id (issue 11
// attack 2). A paired module (addon/src/pairing) logs in with its own password derived from its pairing secret, and
// the shared device password no longer works for it. Passwords are kept only as salted SHA-256 digests in memory
// and compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isDeviceId } from '../../../discovery/topics';
import { BrokerIdentity } from './acl';

export interface LoginConfig {
  /** true: anonymous clients get full access (local mode). */
  anonymous: boolean;
  username?: string;
  password?: string;
  devicePassword?: string;
  /** The password of a paired module (command-mac.ts brokerPassword), or null when it is not paired. */
  pairedPassword?: (deviceId: string) => string | null;
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
        if (!same(full, password)) return { ok: false, reason: `wrong password for ${user}` };
        if (isDeviceId(clientId)) return { ok: false, reason: `${user} may not use the device id ${clientId} as client id` };
        return { ok: true, identity: { kind: 'full' } };
      }
      if (isDeviceId(user)) {
        const own = config.pairedPassword ? config.pairedPassword(user) : null;
        if (own !== null) {
          if (!same(digest(salt, Buffer.from(own)), password)) return { ok: false, reason: `wrong password for the paired module ${user}` };
        } else {
          if (!device) return { ok: false, reason: `no device password is configured, ${user} cannot log in` };
          if (!same(device, password)) return { ok: false, reason: `wrong device password for ${user}` };
        }
        if (clientId !== user) return { ok: false, reason: `${user} must use its device id as client id` };
        return { ok: true, identity: { kind: 'device', deviceId: user } };
      }
      return { ok: false, reason: 'unknown user name' };
    },
  };
}
