// Pairing as the panel sees it (DOCS.md "Security: pairing and commands"): is a meter paired, pair it with the code
// the owner read on the module's page, forget it. The module's address comes from its diagnostics (ip_address), the
// host it will download updates from is the one the download server gives devices. Nothing here logs or returns
// the code or a secret.
import { MeterRegistry } from '../backend';
import { Logger } from '../service';
import { pairModule, PairOutcome } from './pair-client';
import { SecretStore } from './secret-store';

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
  /** The modules' HTTP port (80; tests use another). */
  modulePort?: number;
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
    const address = view.diagnostics?.ip_address;
    if (!address) return { ok: false, error: 'the module has not reported its network address yet' };
    this.busy.add(deviceId);
    try {
      const outcome = await pairModule(
        { deviceId, address, code, otaHost: await this.deps.otaHost() },
        { secrets: this.deps.secrets, fetch: this.deps.fetch, port: this.deps.modulePort },
      );
      this.deps.log.info(outcome.ok ? `${deviceId} is paired` : `pairing ${deviceId} failed: ${outcome.error}`);
      return outcome;
    } finally {
      this.busy.delete(deviceId);
    }
  }

  unpair(deviceId: string): boolean {
    const done = this.deps.secrets.unpair(deviceId);
    if (done) this.deps.log.info(`${deviceId} is no longer paired`);
    return done;
  }
}
