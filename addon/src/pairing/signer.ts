// The add-on side of authenticated commands (command-mac.ts has the layout the module verifies): signs the body of a
// command for one paired module and encrypts the secret fields of a config command, so neither a broker user nor
// a replay can command the module or read its MBK key. Pure apart from the random IVs; the secrets come from
// secret-store.ts and are dropped after each call.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { commandKeys, commandMac, ENC_SUFFIX, IV_BYTES, parseSigned, signedHeader } from '../../../discovery/command-mac';
import { CONFIG_SECRET_FIELDS, ConfigCommand } from '../../../discovery/contract';
import { sameBytes, Sha256 } from '../../../discovery/hmac-sha256';

export const nodeSha256: Sha256 = (data) => new Uint8Array(createHash('sha256').update(data).digest());

/** The signed MQTT payload of `body` on `topic` (header line + body). */
export function signCommand(secret: Uint8Array, topic: string, counter: number, body: string): string {
  const keys = commandKeys(nodeSha256, secret);
  const mac = commandMac(nodeSha256, keys.mac, topic, counter, Buffer.from(body, 'utf8'));
  return signedHeader(counter, mac) + body;
}

/** AES-128-CTR of one value: hex(IV) + hex(ciphertext). */
export function encryptField(encKey: Uint8Array, value: string, iv: Uint8Array = randomBytes(IV_BYTES)): string {
  const cipher = createCipheriv('aes-128-ctr', encKey, iv);
  const ct = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return Buffer.from(iv).toString('hex') + ct.toString('hex');
}

/** A copy of `cmd` with every secret field (CONFIG_SECRET_FIELDS) replaced by its `_enc` form. */
export function encryptSecretFields(secret: Uint8Array, cmd: ConfigCommand): object {
  const encKey = commandKeys(nodeSha256, secret).enc;
  const copy = JSON.parse(JSON.stringify(cmd)) as { [group: string]: { [field: string]: unknown } };
  for (const path of CONFIG_SECRET_FIELDS) {
    const [groupName, field] = path.split('.') as [string, string];
    const group = copy[groupName];
    if (!group || typeof group !== 'object' || typeof group[field] !== 'string') continue;
    group[field + ENC_SUFFIX] = encryptField(encKey, group[field] as string);
    delete group[field];
  }
  return copy;
}

/** The body of a result a paired module signed (same layout as a command, on its <base>/cmd/result topic; the
 *  counter is the answered command's and is not checked: the body names the command's random id, so an old
 *  result cannot answer a new command), or null when it is not signed with this secret. */
export function openSignedResult(secret: Uint8Array, topic: string, payload: Buffer): Buffer | null {
  const text = payload.toString('latin1');
  const parts = parseSigned(text);
  if (!parts) return null;
  const body = payload.subarray(Buffer.byteLength(text.substring(0, parts.bodyAt), 'latin1'));
  const mac = commandMac(nodeSha256, commandKeys(nodeSha256, secret).mac, topic, parts.counter, body);
  return sameBytes(mac, parts.mac) ? Buffer.from(body) : null;
}
