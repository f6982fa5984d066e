// The one place that turns a command body into its MQTT payload, for the commander (meters/commander.ts) and the
// rollouts (ota/rollout.ts): the JSON as before to a module not paired yet, signed (config secrets encrypted) to a
// paired one. Throws when the counter is exhausted or the store cannot be written (the caller reports it).
import { ConfigCommand } from '../../../discovery/contract';
import { SecretStore } from './secret-store';
import { encryptSecretFields, signCommand } from './signer';

export type CommandName = 'restart' | 'poll' | 'config' | 'update';

export function commandPayload(secrets: SecretStore | undefined, deviceId: string, topic: string, command: CommandName, body: object): string {
  const secret = secrets?.secretOf(deviceId) ?? null;
  if (!secrets || !secret) return JSON.stringify(body);
  const wire = command === 'config' ? encryptSecretFields(secret, body as ConfigCommand) : body;
  return signCommand(secret, topic, secrets.nextCounter(), JSON.stringify(wire));
}
