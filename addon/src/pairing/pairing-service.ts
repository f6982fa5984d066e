// Pairing as the panel sees it (DOCS.md "Security: pairing and commands"): is a meter paired, pair it with the code
// the owner read on the module's page, forget it. The module's address comes from its diagnostics (ip_address), the
// host it will download updates from is the one the download server gives devices. Nothing here logs or returns
// the code or a secret.
import { brokerPassword } from '../../../discovery/command-mac';
import { DeviceCommander, MeterRegistry } from '../backend';
import { Logger } from '../service';
import { pairModule, PairOutcome } from './pair-client';
import { SecretStore } from './secret-store';
import { nodeSha256 } from './signer';

export interface PairingStatus {
  paired: boolean;
  /** ISO time of pairing. */
  pairedAt?: string;
}

/** What the panel uses (panel/routes/pairing.ts). */
export interface Pairing {
  status(deviceId: string): PairingStatus;
  pair(deviceId: string, code: string): Promise<PairOutcome>;
  unpair(deviceId: string): boolean;
}

export interface PairingServiceDeps {
  secrets: SecretStore;
  registry: MeterRegistry;
  /** The host name or address devices download updates from (ota.host, else Home Assistant's, else 127.0.0.1). */
  otaHost: () => Promise<string>;
  log: Logger;
  fetch?: typeof fetch;
  /** The modules' HTTP port (80; tests and `npm start` use another). */
  modulePort?: number;
  /** Where modules are reached instead of their reported ip_address: `npm start`'s simulated module, on this machine. */
  moduleAddress?: string;
  /** With the embedded broker, a freshly paired module is sent its own broker password (encrypted, signed). */
  commander?: DeviceCommander;
  embeddedBroker?: () => boolean;
}

export class PairingService implements Pairing {
  private readonly busy = new Set<string>();

  constructor(private readonly deps: PairingServiceDeps) {}

  status(deviceId: string): PairingStatus {
    const p = this.deps.secrets.paired().find((d) => d.deviceId === deviceId);
    return p ? { paired: true, pairedAt: p.pairedAt } : { paired: false };
  }

  async pair(deviceId: string, code: string): Promise<PairOutcome> {
    const view = this.deps.registry.get(deviceId);
    if (!view) return { ok: false, error: 'no such meter' };
    if (this.busy.has(deviceId)) return { ok: false, error: 'pairing with this meter is already under way' };
    const address = this.deps.moduleAddress ?? view.diagnostics?.ip_address;
    if (!address) return { ok: false, error: 'the module has not reported its network address yet' };
    this.busy.add(deviceId);
    try {
      const outcome = await pairModule(
        { deviceId, address, code, otaHost: await this.deps.otaHost() },
        { secrets: this.deps.secrets, fetch: this.deps.fetch, port: this.deps.modulePort },
      );
      this.deps.log.info(outcome.ok ? `${deviceId} is paired` : `pairing ${deviceId} failed: ${outcome.error}`);
      // Not awaited: the panel's answer need not wait for the module's (up to the commander's timeout).
      if (outcome.ok) this.sendBrokerPassword(deviceId).catch((err: Error) => this.deps.log.warn(`${deviceId}: its own broker password was not sent (${err.message})`));
      return outcome;
    } finally {
      this.busy.delete(deviceId);
    }
  }

  /** The embedded broker refuses the shared device password to a paired module once it has logged in with its own
   *  (credentials.ts): hand it over now, in a signed config command with the password encrypted. */
  private async sendBrokerPassword(deviceId: string): Promise<void> {
    const { commander, embeddedBroker, secrets, log } = this.deps;
    const secret = secrets.secretOf(deviceId);
    if (!commander || !embeddedBroker || !embeddedBroker() || !secret) return;
    const result = await commander.configure(deviceId, { mqtt: { password: brokerPassword(nodeSha256, secret) } });
    log.info(`${deviceId}: its own broker password ${result.ok ? 'was accepted' : `was not applied (${result.error ?? 'refused'})`}`);
  }

  unpair(deviceId: string): boolean {
    const done = this.deps.secrets.unpair(deviceId);
    if (done) this.deps.log.info(`${deviceId} is no longer paired`);
    return done;
  }
}
