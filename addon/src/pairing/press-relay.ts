// Home Assistant's own Restart and Poll buttons on a PAIRED module (DOCS.md "Security: pairing and commands"): the
// buttons publish a plain unsigned PRESS on <base>/cmd/restart and <base>/cmd/poll, which a paired module refuses.
// The add-on picks such a press up and sends the same command signed (commander → command-payload.ts), at most
// once per RESTART_EVERY_MS / POLL_EVERY_MS per module. Only these two: a configuration or an update is never
// relayed, whatever its payload; a retained press, anything but exactly PRESS, and modules not paired (they take
// the PRESS themselves) are left alone. The reasoning is in DOCS.md's threat model.
import { PAYLOAD_PRESS } from '../../../discovery/contract';
import { DeviceCommander, MeterRegistry } from '../backend';
import { LinkMessage, MqttLink } from '../broker/link';
import { Logger, Service } from '../service';
import { SecretStore } from './secret-store';

/** A relayed restart at most every 5 minutes per module: the worst a broker client can do through the add-on. */
export const RESTART_EVERY_MS = 5 * 60_000;
/** A relayed poll at most every 10 s per module (a poll only reads the meter once more). */
export const POLL_EVERY_MS = 10_000;

type Relayed = 'restart' | 'poll';
const COMMANDS: readonly Relayed[] = ['restart', 'poll'];

export interface PressRelayDeps {
  link: Pick<MqttLink, 'onMessage'>;
  registry: MeterRegistry;
  secrets: Pick<SecretStore, 'isPaired'>;
  commander: Pick<DeviceCommander, 'restart' | 'poll'>;
  log: Logger;
  now?: () => number;
}

/** The press on `topic`, if it is <base>/cmd/restart or <base>/cmd/poll of a module the registry knows. */
export function pressTarget(registry: MeterRegistry, topic: string): { deviceId: string; command: Relayed } | null {
  const slash = topic.lastIndexOf('/cmd/');
  if (slash < 0) return null;
  const command = topic.slice(slash + 5) as Relayed;
  if (!COMMANDS.includes(command)) return null;
  const base = topic.slice(0, slash);
  const view = registry.list().find((v) => v.baseTopic === base);
  return view ? { deviceId: view.deviceId, command } : null;
}

export class PressRelay implements Service {
  readonly name = 'press-relay';
  private unlisten: (() => void) | null = null;
  /** Last relay per `<device id> <command>` (epoch ms), for the rate limit. */
  private readonly last = new Map<string, number>();
  /** Keys whose "too soon" was logged already, so repeated presses do not flood the log. */
  private readonly quiet = new Set<string>();

  constructor(private readonly deps: PressRelayDeps) {}

  async start(): Promise<void> {
    this.unlisten = this.deps.link.onMessage((m) => this.receive(m));
  }

  async stop(): Promise<void> {
    this.unlisten?.();
    this.unlisten = null;
  }

  describe(): string {
    return 'Home Assistant\'s Restart/Poll buttons relayed signed to paired modules';
  }

  /** Handles one message; returns the relayed command's promise (tests wait for it), null when nothing was sent. */
  receive(m: LinkMessage): Promise<unknown> | null {
    if (m.retained || m.payload.length !== PAYLOAD_PRESS.length || m.payload.toString('latin1') !== PAYLOAD_PRESS) return null;
    const target = pressTarget(this.deps.registry, m.topic);
    if (!target || !this.deps.secrets.isPaired(target.deviceId)) return null;
    const { deviceId, command } = target;
    const key = `${deviceId} ${command}`;
    const now = (this.deps.now ?? Date.now)();
    const last = this.last.get(key);
    const every = command === 'restart' ? RESTART_EVERY_MS : POLL_EVERY_MS;
    if (last !== undefined && now - last < every) {
      if (!this.quiet.has(key)) this.deps.log.info(`${deviceId}: Home Assistant's ${command} press ignored (one every ${every / 1000} s)`);
      this.quiet.add(key);
      return null;
    }
    this.last.set(key, now);
    this.quiet.delete(key);
    this.deps.log.info(`${deviceId}: Home Assistant's ${command} press sent signed`);
    const sent = command === 'restart' ? this.deps.commander.restart(deviceId) : this.deps.commander.poll(deviceId);
    return sent.then(
      (r) => {
        if (!r.ok) this.deps.log.warn(`${deviceId}: relayed ${command}: ${r.error ?? 'refused'}`);
        return r;
      },
      (err: Error) => this.deps.log.warn(`${deviceId}: relayed ${command} failed: ${err.message}`),
    );
  }
}
