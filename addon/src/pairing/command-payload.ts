// The one place that turns a command body into its MQTT payload, for the commander (meters/commander.ts) and the
// rollouts (ota/rollout.ts): the JSON as before to a module not paired yet, signed (config secrets encrypted) to a
// paired one. Throws when the counter is exhausted or the store cannot be written (the caller reports it).
import { parseSigned } from '../../../discovery/command-mac';
import { ConfigCommand } from '../../../discovery/contract';
import { SecretStore } from './secret-store';
import { encryptSecretFields, openSignedResult, signCommand } from './signer';

export type CommandName = 'restart' | 'poll' | 'config' | 'update' | 'read';

export function commandPayload(secrets: SecretStore | undefined, deviceId: string, topic: string, command: CommandName, body: object): string {
  const secret = secrets?.secretOf(deviceId) ?? null;
  if (!secrets || !secret) return JSON.stringify(body);
  const wire = command === 'config' ? encryptSecretFields(secret, body as ConfigCommand) : body;
  return signCommand(secret, topic, secrets.nextCounter(), JSON.stringify(wire));
}

/** The registry's check of a cmd/result (registry-service.ts checkResult): a paired module's result must carry its
 *  signature (the body is returned), a module not paired yet answers as before (the payload is returned). A module
 *  the add-on forgot (Unpair in the panel) still signs its results, which the add-on cannot check: it takes their
 *  body as it takes any unpaired module's unsigned result, so the panel can say why the module refused ("unsigned"). */
export function resultChecker(secrets: SecretStore): (deviceId: string, topic: string, payload: Buffer) => Buffer | null {
  return (deviceId, topic, payload) => {
    const secret = secrets.secretOf(deviceId);
    if (secret) return openSignedResult(secret, topic, payload);
    const parts = parseSigned(payload.toString('latin1'));
    return parts ? payload.subarray(parts.bodyAt) : payload;
  };
}
