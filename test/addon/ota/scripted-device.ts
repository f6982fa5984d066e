// A scripted MQTT peer that follows the device side of the update contract (contract.ts UpdateCommand/UpdateState/
// CommandResult, as device/src/app/update-service.ts does): it receives <base>/cmd/update, downloads the package
// from the add-on's server with the bearer token in two Range requests, checks size and SHA-256, reports progress
// and the result, and for a .bin "reboots" (drops its connection, so the broker sends its Last Will) and comes back
// reporting a version. What it does is chosen per test.
import { createHash } from 'crypto';
import mqtt, { MqttClient } from 'mqtt';
import { CommandResult, UpdateCommand, UpdateState } from '../../../discovery/contract';
import { buildTopics, Topics } from '../../../discovery/topics';
import { fetchUrl } from './http-client';

export type Behaviour =
  /** Download, verify, install; a .bin comes back with the new version. */
  | 'install'
  /** Refuse at once with a device error. */
  | 'refuse'
  /** Never answer. */
  | 'ignore'
  /** Download half, then go silent. */
  | 'stall'
  /** Install a .bin, then come back with the old version (the new one never became healthy). */
  | 'rollback'
  /** Install a .bin, come back with it on trial, then fail the trial: back on the old version with the verdict. */
  | 'trial-fails';

export interface DeviceScript {
  behaviour: Behaviour;
  /** Milliseconds between steps (lets concurrency show). */
  stepMs?: number;
}

export class ScriptedDevice {
  readonly topics: Topics;
  version: string;
  client: MqttClient | null = null;
  readonly commands: UpdateCommand[] = [];
  /** HTTP statuses of its download requests. */
  readonly downloads: number[] = [];
  /** Short text of the last update outcome, in every UpdateState from then on (as the device keeps it). */
  private summary: string | undefined;

  constructor(private readonly url: string, readonly deviceId: string, version: string, public script: DeviceScript) {
    this.topics = buildTopics(deviceId);
    this.version = version;
  }

  async connect(): Promise<void> {
    const client = await mqtt.connectAsync(this.url, {
      clientId: this.deviceId,
      reconnectPeriod: 0,
      will: { topic: this.topics.availability, payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    this.client = client;
    client.on('message', (topic, payload) => {
      if (topic === this.topics.cmdUpdate) void this.onCommand(JSON.parse(payload.toString()) as UpdateCommand);
    });
    await client.subscribeAsync(this.topics.cmdUpdate, { qos: 1 });
    await client.publishAsync(this.topics.availability, 'online', { qos: 1, retain: true });
    await this.state({ in_progress: false, update_percentage: null });
  }

  async close(): Promise<void> {
    await this.client?.endAsync();
    this.client = null;
  }

  private async state(extra: Partial<UpdateState>): Promise<void> {
    if (extra.release_summary !== undefined) this.summary = extra.release_summary;
    const s: UpdateState = { installed_version: this.version, in_progress: false, update_percentage: null, ...extra };
    if (this.summary !== undefined) s.release_summary = this.summary;
    await this.client!.publishAsync(this.topics.update, JSON.stringify(s), { qos: 1, retain: true });
  }

  private async result(r: CommandResult): Promise<void> {
    await this.client!.publishAsync(this.topics.cmdResult, JSON.stringify(r), { qos: 1, retain: false });
  }

  private pause(): Promise<void> {
    return new Promise((r) => setTimeout(r, this.script.stepMs ?? 20));
  }

  private async onCommand(cmd: UpdateCommand): Promise<void> {
    this.commands.push(cmd);
    const { behaviour } = this.script;
    if (behaviour === 'ignore') return;
    if (behaviour === 'refuse') return this.result({ id: cmd.id, command: 'update', ok: false, error: 'not enough free Storage for 340000 bytes' });
    await this.state({ in_progress: true, update_percentage: 0 });
    const auth = { Authorization: `Bearer ${cmd.token}` };
    const half = Math.floor(cmd.size / 2);
    const first = await fetchUrl(cmd.url, { headers: { ...auth, Range: `bytes=0-${half - 1}` } });
    this.downloads.push(first.status);
    await this.state({ in_progress: true, update_percentage: 50 });
    await this.pause();
    if (behaviour === 'stall') return;
    const rest = await fetchUrl(cmd.url, { headers: { ...auth, Range: `bytes=${half}-` } });
    this.downloads.push(rest.status);
    const bytes = Buffer.concat([first.body, rest.body]);
    if (first.status !== 206 || rest.status !== 206) return this.fail(cmd, `download refused: HTTP ${first.status}/${rest.status}`);
    if (bytes.length !== cmd.size || createHash('sha256').update(bytes).digest('hex') !== cmd.sha256) return this.fail(cmd, 'SHA-256 mismatch');
    await this.state({ in_progress: true, update_percentage: 100 });
    await this.pause();
    if (cmd.kind === 'wwws') {
      await this.state({ release_summary: `web bundle ${cmd.version} installed` });
      return this.result({ id: cmd.id, command: 'update', ok: true, version: cmd.version });
    }
    await this.state({ release_summary: `firmware ${cmd.version} installed, restarting on trial` });
    await this.result({ id: cmd.id, command: 'update', ok: true, restart: true });
    const old = this.version;
    await this.reboot(behaviour === 'rollback' ? old : cmd.version, behaviour === 'rollback' ? `rolled back: ${cmd.version} never became healthy` : undefined);
    if (behaviour === 'install') {
      // The trial guard keeps the new firmware after it stayed healthy, and says so with the same command id.
      await this.pause();
      await this.result({ id: cmd.id, command: 'update', ok: true, version: cmd.version });
      return;
    }
    if (behaviour !== 'trial-fails') return;
    await new Promise((r) => setTimeout(r, 500));
    const verdict = `${cmd.version} never became healthy`;
    await this.reboot(old, `rolled back: ${verdict}`);
    await this.result({ id: cmd.id, command: 'update', ok: false, error: verdict, version: old });
  }

  private async fail(cmd: UpdateCommand, error: string): Promise<void> {
    await this.state({ release_summary: `update failed: ${error}` });
    await this.result({ id: cmd.id, command: 'update', ok: false, error, version: this.version });
  }

  /** Power-cycles: the connection drops without DISCONNECT (Last Will), then the device connects as `version`. */
  private async reboot(version: string, summary?: string): Promise<void> {
    this.client!.stream.destroy();
    this.client!.end(true);
    this.client = null;
    await new Promise((r) => setTimeout(r, 300));
    this.version = version;
    if (summary) this.summary = summary; // the boot's verdict, reported from the first state on
    await this.connect();
  }
}
