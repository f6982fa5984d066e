// DeviceCommander over MQTT (backend.ts, issue 5): publishes <base>/cmd/{config,restart,poll,update,read} with a fresh
// id (QoS 1, never retained: a config command may carry the MBK key, home-assistant.md §0 #16) and resolves with
// the device's cmd/result of the same id (the registry emits it as `commandResult`), or a timeout result. Logs use
// redactConfigCommand; an update command's one-time token is never logged.
// To a paired module (addon/src/pairing) every command is signed (command-mac.ts: MAC over topic, counter and
// body) and the secret fields of a config command travel encrypted, so no broker user can read the MBK key or
// command the module; to a module not paired yet (older firmware) commands go as before.
import { randomUUID } from 'node:crypto';
import { CommandResult, ConfigCommand, PUBLISH, ReadCommand, redactConfigCommand, UpdateCommand } from '../../../discovery/contract';
import { buildTopics, isDeviceId } from '../../../discovery/topics';
import { DeviceCommander, MeterRegistry } from '../backend';
import { EventBus } from '../bus';
import { Logger, MqttPublisher } from '../service';
import { REFUSED_STALE } from '../../../discovery/command-mac';
import { commandPayload } from '../pairing/command-payload';
import { SecretStore } from '../pairing/secret-store';

export interface CommanderDeps {
  publisher: MqttPublisher;
  bus: EventBus;
  registry: MeterRegistry;
  logger: Logger;
  /** Default 15 s (a config command may make the device restart before it answers… it answers first). */
  timeoutMs?: number;
  newId?: () => string;
  /** Pairing secrets: commands to a paired module are signed (and its config secrets encrypted). */
  secrets?: SecretStore;
}

interface Pending {
  deviceId: string;
  resolve: (result: CommandResult) => void;
  timer: NodeJS.Timeout;
  /** Signs and publishes the command again with a fresh counter (once, after a stale-counter refusal). */
  resend?: () => void;
}

const OWNER = 'commander';

export class MqttDeviceCommander implements DeviceCommander {
  private readonly pending = new Map<string, Pending>();
  private readonly timeoutMs: number;

  constructor(private readonly deps: CommanderDeps) {
    this.timeoutMs = deps.timeoutMs ?? 15000;
    deps.bus.on(OWNER, 'commandResult', ({ deviceId, result }) => {
      const p = result.id !== null ? this.pending.get(result.id) : undefined;
      if (!p || p.deviceId !== deviceId || result.id === null) return;
      if (result.error === REFUSED_STALE && result.counter_floor !== undefined && p.resend && this.deps.secrets) {
        // The module rebooted with a stored floor above our counter (command-mac.ts): go above it, send once more.
        this.deps.secrets.raiseCounter(result.counter_floor);
        const resend = p.resend;
        p.resend = undefined;
        resend();
        return;
      }
      clearTimeout(p.timer);
      this.pending.delete(result.id);
      p.resolve(result);
    });
  }

  configure(deviceId: string, cmd: Omit<ConfigCommand, 'id'>): Promise<CommandResult> {
    return this.send(deviceId, 'config', (id) => ({ ...cmd, id }), (c) => JSON.stringify(redactConfigCommand(c as ConfigCommand)));
  }

  restart(deviceId: string): Promise<CommandResult> {
    return this.send(deviceId, 'restart', (id) => ({ id }), (c) => JSON.stringify(c));
  }

  poll(deviceId: string): Promise<CommandResult> {
    return this.send(deviceId, 'poll', (id) => ({ id }), (c) => JSON.stringify(c));
  }

  /** For ota/: the pull-an-update command (contract.ts UpdateCommand); the token is left out of the log. */
  update(deviceId: string, cmd: Omit<UpdateCommand, 'id'>): Promise<CommandResult> {
    return this.send(deviceId, 'update', (id) => ({ ...cmd, id }), (c) => JSON.stringify({ ...(c as UpdateCommand), token: '***' }));
  }

  /** A raw partial table read (contract.ts ReadCommand, issue 13): resolves with the device's result (hex) or a
   *  failure; raw-read.ts validates the range and decodes. */
  read(deviceId: string, cmd: Omit<ReadCommand, 'id'>): Promise<CommandResult> {
    return this.send(deviceId, 'read', (id) => ({ ...cmd, id }), (c) => JSON.stringify(c));
  }

  /** Resolves every waiting command as failed and stops listening (service stop). */
  dispose(): void {
    this.deps.bus.removeListeners(OWNER);
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ id, command: 'config', ok: false, error: 'the add-on is stopping' });
    }
    this.pending.clear();
  }

  private send(
    deviceId: string,
    command: CommandResult['command'],
    build: (id: string) => object,
    forLog: (cmd: object) => string,
  ): Promise<CommandResult> {
    const id = (this.deps.newId ?? randomUUID)();
    if (!isDeviceId(deviceId)) return Promise.resolve({ id, command, ok: false, error: 'not a bridge device id' });
    const known = this.deps.registry.get(deviceId);
    const topics = buildTopics(deviceId, known?.baseTopic ?? undefined);
    const topic = { config: topics.cmdConfig, restart: topics.cmdRestart, poll: topics.cmdPoll, update: topics.cmdUpdate, read: topics.cmdRead }[command];
    const body = build(id);
    let payload: string;
    try {
      payload = commandPayload(this.deps.secrets, deviceId, topic, command, body);
    } catch (err) {
      return Promise.resolve({ id, command, ok: false, error: `could not sign the command: ${(err as Error).message}` });
    }
    const options = PUBLISH.cmdConfig ?? { qos: 1, retain: false };
    return new Promise<CommandResult>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.deps.logger.warn(`${command} command ${id} to ${deviceId}: no answer within ${Math.round(this.timeoutMs / 1000)} s`);
        resolve({ id, command, ok: false, error: `the device did not answer within ${Math.round(this.timeoutMs / 1000)} s` });
      }, this.timeoutMs);
      const publish = (text: string): void => {
        this.deps.publisher.publish(topic, text, { qos: options.qos, retain: false }).catch((err: Error) => {
          clearTimeout(timer);
          this.pending.delete(id);
          resolve({ id, command, ok: false, error: `could not send the command: ${err.message}` });
        });
      };
      const signed = payload !== JSON.stringify(body);
      const resend = signed
        ? () => {
            this.deps.logger.info(`resending ${command} ${id} to ${deviceId} above its counter floor`);
            try {
              publish(commandPayload(this.deps.secrets, deviceId, topic, command, body));
            } catch (err) {
              clearTimeout(timer);
              this.pending.delete(id);
              resolve({ id, command, ok: false, error: `could not sign the command: ${(err as Error).message}` });
            }
          }
        : undefined;
      this.pending.set(id, { deviceId, resolve, timer, resend });
      this.deps.logger.info(`sending ${command} to ${deviceId}${signed ? ' (signed)' : ''}: ${forLog(body)}`);
      publish(payload);
    });
  }
}
