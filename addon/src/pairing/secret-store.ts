// The add-on's pairing secrets (DOCS.md "Security: pairing and commands"): one random 32-byte secret per paired
// module, and the floor of the command counter. One JSON file in the data dir, mode 0600 (the secrets are as
// good as every module's MBK key), rewritten through a temp file + rename. The secrets never leave this module
// except as derived keys (signer.ts); they are never logged, published or shown.
//
// Counter floor: commands carry counters from nextCounter() (command-mac.ts). Before a counter above the stored
// floor is handed out, the floor is moved an hour ahead and written, synchronously: after a crash or restart the
// add-on starts above every counter it ever sent, even with a clock set back.
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MAX_COUNTER, nextCounter, SECRET_BYTES } from '../../../discovery/command-mac';
import { isDeviceId } from '../../../discovery/topics';

export const COUNTER_BLOCK_MS = 3600 * 1000;
/** Largest lead over the clock a module's reported counter floor may have (raiseCounter). */
export const MAX_FLOOR_AHEAD_MS = 24 * 3600 * 1000;

interface FileShape {
  version: 1;
  counter_floor: number;
  devices: { [deviceId: string]: { secret: string; paired_at: string; ota_host?: string } };
}

export interface PairedDevice {
  deviceId: string;
  pairedAt: string;
  otaHost?: string;
}

export class SecretStore {
  private data: FileShape = { version: 1, counter_floor: 0, devices: {} };
  private lastSent = 0;

  constructor(
    private readonly file: string,
    private readonly now: () => number = Date.now,
  ) {
    this.load();
  }

  static fileIn(dataDir: string): string {
    return join(dataDir, 'pairing.json');
  }

  /** The module's secret, or null when it is not paired. A copy: callers may not keep it. */
  secretOf(deviceId: string): Buffer | null {
    const d = Object.prototype.hasOwnProperty.call(this.data.devices, deviceId) ? this.data.devices[deviceId] : undefined;
    return d ? Buffer.from(d.secret, 'hex') : null;
  }

  isPaired(deviceId: string): boolean {
    return this.secretOf(deviceId) !== null;
  }

  paired(): PairedDevice[] {
    return Object.entries(this.data.devices).map(([deviceId, d]) => ({ deviceId, pairedAt: d.paired_at, ...(d.ota_host ? { otaHost: d.ota_host } : {}) }));
  }

  pair(deviceId: string, secret: Uint8Array, otaHost?: string): void {
    if (!isDeviceId(deviceId)) throw new Error('not a bridge device id');
    if (secret.length !== SECRET_BYTES) throw new Error(`a pairing secret is ${SECRET_BYTES} bytes`);
    this.data.devices[deviceId] = {
      secret: Buffer.from(secret).toString('hex'),
      paired_at: new Date(this.now()).toISOString(),
      ...(otaHost ? { ota_host: otaHost } : {}),
    };
    this.save();
  }

  unpair(deviceId: string): boolean {
    if (!Object.prototype.hasOwnProperty.call(this.data.devices, deviceId)) return false;
    delete this.data.devices[deviceId];
    this.save();
    return true;
  }

  /** The next command counter (strictly above every one handed out before, across restarts). */
  nextCounter(): number {
    const c = nextCounter(this.lastSent, this.now());
    if (c > MAX_COUNTER) throw new Error('the command counter is exhausted');
    this.lastSent = c;
    if (c >= this.data.counter_floor) {
      this.data.counter_floor = c + COUNTER_BLOCK_MS;
      this.save();
    }
    return c;
  }

  /** A module reported the floor it holds (cmd/result stale-counter of an authenticated exchange): go above it. */
  raiseCounter(floor: number): void {
    // A floor far beyond the clock is not one this add-on's counters could have produced: ignored, so nobody can
    // run the counter out by reporting a huge one.
    if (!Number.isSafeInteger(floor) || floor <= this.lastSent || floor > this.now() + MAX_FLOOR_AHEAD_MS) return;
    this.lastSent = Math.min(floor, MAX_COUNTER - 1);
    if (this.lastSent >= this.data.counter_floor) {
      this.data.counter_floor = this.lastSent + COUNTER_BLOCK_MS;
      this.save();
    }
  }

  private load(): void {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return;
    }
    let parsed: Partial<FileShape>;
    try {
      parsed = JSON.parse(text) as Partial<FileShape>;
    } catch (err) {
      // Never run as if nothing were paired: commands would go unsigned and paired modules refuse them.
      throw new Error(`${this.file} is unreadable (${(err as Error).message.split('\n')[0]}): restore it from a backup, or delete it and pair the modules again`);
    }
    const devices: FileShape['devices'] = {};
    for (const [id, d] of Object.entries(parsed.devices ?? {})) {
      if (isDeviceId(id) && typeof d?.secret === 'string' && /^[0-9a-f]{64}$/.test(d.secret)) devices[id] = d;
    }
    const floor = typeof parsed.counter_floor === 'number' && Number.isSafeInteger(parsed.counter_floor) ? parsed.counter_floor : 0;
    this.data = { version: 1, counter_floor: floor, devices };
    this.lastSent = floor;
    try {
      chmodSync(this.file, 0o600); // an older copy may have been created with looser rights
    } catch {
      // read-only data dir: nothing to tighten
    }
  }

  private save(): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
