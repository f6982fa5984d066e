// Pull updates (issue 4): on an UpdateCommand from the add-on the device downloads the package with HTTP Range
// requests into the installer (ota/installer.ts), resuming where a dropped connection stopped, and reports on MQTT in
// the shape of Home Assistant's MQTT update entity: UpdateState (retained, progress) and one CommandResult. What the
// trial guard (boot/trial.ts) decides about a freshly installed firmware the app reports itself.
// The token is a secret (contract.ts): it goes into the Authorization header only, never into a log or a result.
import { CommandResult, UpdateCommand, UpdateState } from '../../../discovery/contract';
import { Clock, HttpClient, HttpClientResponse } from '../hal/types';
import { Logger } from '../log';
import { Installer } from '../ota/installer';
import { InstallOutcome } from '../ota/installer-types';

/** Reconnects after a dropped download before giving up, and the pause before each (ms, times the attempt). */
const MAX_RESUMES = 5;
const RESUME_PAUSE_MS = 1000;
/** Progress messages: at most one per this many percent. */
const PROGRESS_STEP = 5;

/** @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface UpdateReporter {
  state(state: UpdateState): void;
  result(result: CommandResult): void;
}

/** @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface UpdateServiceDeps {
  installer: Installer;
  http: HttpClient | undefined;
  clock: Clock;
  log: Logger;
  firmwareVersion: string;
  report: UpdateReporter;
}

function isHex64(s: unknown): boolean {
  if (typeof s !== 'string' || s.length !== 64) return false;
  for (let i = 0; i < 64; i++) if ('0123456789abcdefABCDEF'.indexOf(s.charAt(i)) < 0) return false;
  return true;
}

function isPrintable(s: unknown, max: number): boolean {
  if (typeof s !== 'string' || s.length < 1 || s.length > max) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** Why `cmd` is not a usable UpdateCommand (a text without the URL or token), or null. */
export function updateCommandProblem(cmd: { [key: string]: unknown }): string | null {
  if (cmd.kind !== 'bin' && cmd.kind !== 'wwws') return 'kind must be "bin" or "wwws"';
  if (!isPrintable(cmd.url, 512) || (cmd.url as string).substr(0, 7) !== 'http://') return 'url must be an http:// URL';
  if (typeof cmd.size !== 'number' || !(cmd.size >= 1) || Math.floor(cmd.size) !== cmd.size) return 'size must be a positive whole number';
  if (!isHex64(cmd.sha256)) return 'sha256 must be 64 hex digits';
  if (!isPrintable(cmd.version, 32)) return 'version must be 1-32 printable ASCII characters';
  if (!isPrintable(cmd.token, 512)) return 'token must be 1-512 printable ASCII characters';
  return null;
}

export class UpdateService {
  private readonly d: UpdateServiceDeps;
  private cmd: UpdateCommand | null = null;
  private received = 0;
  private resumes = 0;
  /** clock.now() of the last request start or data chunk; checked by the stall watch. */
  private lastActivity = 0;
  private stallWatch: unknown = null;
  private request: { abort(): void } | null = null;
  private summary = '';
  private lastPercent = -1;

  constructor(deps: UpdateServiceDeps) {
    this.d = deps;
  }

  /** The current UpdateState (published retained on every connect and at each change). */
  state(): UpdateState {
    const p = this.d.installer.progress();
    const s: UpdateState = {
      installed_version: this.d.firmwareVersion,
      in_progress: !!p,
      update_percentage: p ? Math.floor((p.received * 100) / p.total) : null,
      title: 'MEP Bridge firmware',
    };
    if (this.summary) s.release_summary = this.summary;
    return s;
  }

  /** True while a download runs (the app keeps this module loaded meanwhile). */
  busy(): boolean {
    return !!this.cmd;
  }

  /** An UpdateCommand (already JSON with an id): starts the download, or returns the refusal to publish. */
  handle(id: string, body: { [key: string]: unknown }): CommandResult | null {
    const problem = updateCommandProblem(body);
    if (problem) return { id, command: 'update', ok: false, error: problem };
    if (!this.d.http) return { id, command: 'update', ok: false, error: 'this device has no HTTP client' };
    const cmd = body as unknown as UpdateCommand;
    const refused = this.d.installer.begin(cmd.size, 'pull');
    if (refused) return { id, command: 'update', ok: false, error: refused };
    this.cmd = cmd;
    this.received = 0;
    this.resumes = 0;
    this.lastPercent = -1;
    try {
      this.d.installer.expect(cmd.sha256, cmd.version, id);
      this.d.log.info(`update ${cmd.kind} ${cmd.version}: downloading ${cmd.size} bytes`);
      this.progress(true);
      this.watchStall(this.d.installer.timing().s);
      this.fetch();
    } catch (e) {
      this.crashed(e);
    }
    return null;
  }

  /** An exception out of a step of the pull (a native that throws, a bug in a parser): without this, the installer
   *  would stay active and every later update be refused with "another update is being installed" until a reboot.
   *  The update ends as failed (result and state published), the engine is free again. */
  private crashed(e: unknown): void {
    const error = `internal error: ${(e && (e as Error).message) || String(e)}`;
    if (this.cmd || this.d.installer.progress()) {
      try {
        this.fail(error);
        return;
      } catch {
        // reporting failed too: at least free the engine below
      }
    }
    this.cmd = null;
    this.request = null;
    this.stopStallWatch();
    this.d.installer.abort(error);
    this.d.log.warn(`update: ${error}`);
  }

  /** A download that stops receiving without the connection closing (half-open TCP) would hold the update engine
   *  forever: after `stallMs` without data the request is dropped and resumed like a broken connection. */
  private watchStall(stallMs: number): void {
    this.stopStallWatch();
    this.stallWatch = this.d.clock.setInterval(() => {
      if (!this.cmd) {
        this.stopStallWatch();
        return;
      }
      const request = this.request;
      if (!request || this.d.clock.now() - this.lastActivity < stallMs) return;
      this.request = null;
      try {
        request.abort();
        this.dropped(`no data for ${Math.round(stallMs / 1000)} s`);
      } catch (e) {
        this.crashed(e);
      }
    }, Math.min(stallMs, 5000));
  }

  private stopStallWatch(): void {
    if (this.stallWatch !== null) this.d.clock.clearInterval(this.stallWatch);
    this.stallWatch = null;
  }

  private fetch(): void {
    const cmd = this.cmd as UpdateCommand;
    const headers: { [name: string]: string } = { Authorization: 'Bearer ' + cmd.token };
    if (this.received > 0) headers.Range = `bytes=${this.received}-`;
    this.lastActivity = this.d.clock.now();
    this.request = (this.d.http as HttpClient).get(
      cmd.url,
      headers,
      (res) => {
        try {
          this.onResponse(res);
        } catch (e) {
          this.crashed(e);
        }
      },
      (m) => {
        try {
          this.dropped(m);
        } catch (e) {
          this.crashed(e);
        }
      },
    );
  }

  private onResponse(res: HttpClientResponse): void {
    const resuming = this.received > 0;
    if (res.status !== 200 && res.status !== 206) {
      this.fail(`download refused: HTTP ${res.status}`);
      return;
    }
    if (resuming && res.status !== 206) {
      this.fail('the server ignored the Range request; cannot resume');
      return;
    }
    res.onData((chunk) => {
      if (!this.cmd) return;
      try {
        this.lastActivity = this.d.clock.now();
        const err = this.d.installer.write(chunk);
        if (err) {
          this.fail(err, true);
          return;
        }
        this.received += chunk.length;
        this.progress(false);
      } catch (e) {
        this.crashed(e);
      }
    });
    res.onEnd(() => {
      if (!this.cmd) return;
      try {
        if (this.received >= this.cmd.size) this.finish();
        else this.dropped(`connection ended after ${this.received} of ${this.cmd.size} bytes`);
      } catch (e) {
        this.crashed(e);
      }
    });
  }

  private dropped(message: string): void {
    if (!this.cmd) return;
    this.request = null;
    if (this.resumes >= MAX_RESUMES) {
      this.fail(`download failed: ${message}`);
      return;
    }
    this.resumes++;
    this.d.log.warn(`update download interrupted (${message}); resuming at byte ${this.received}`);
    this.d.clock.setTimeout(() => {
      if (!this.cmd) return;
      try {
        this.fetch();
      } catch (e) {
        this.crashed(e);
      }
    }, RESUME_PAUSE_MS * this.resumes);
  }

  private finish(): void {
    const cmd = this.cmd as UpdateCommand;
    this.request = null;
    this.stopStallWatch();
    this.d.installer.finish((o: InstallOutcome) => {
      this.cmd = null;
      if (!o.ok) {
        this.fail(o.error || 'the package was rejected', true, cmd);
        return;
      }
      if (o.version !== cmd.version) this.d.log.warn(`update: the package says version ${o.version}, the command ${cmd.version}`);
      this.summary = o.reboot ? `firmware ${o.version} installed, restarting on trial` : `web bundle ${o.version} installed`;
      this.d.report.state(this.state());
      const r: CommandResult = { id: cmd.id, command: 'update', ok: true };
      if (o.reboot) r.restart = true;
      else r.version = o.version;
      this.d.report.result(r);
    });
  }

  private fail(error: string, installerDone?: boolean, command?: UpdateCommand): void {
    const cmd = command || this.cmd;
    this.stopStallWatch();
    if (this.request) this.request.abort();
    this.request = null;
    this.cmd = null;
    if (!installerDone) this.d.installer.abort(error);
    this.summary = `update failed: ${error}`;
    this.d.log.warn(this.summary);
    this.d.report.state(this.state());
    if (cmd) this.d.report.result({ id: cmd.id, command: 'update', ok: false, error, version: this.d.firmwareVersion });
  }

  private progress(force: boolean): void {
    const p = this.d.installer.progress();
    if (!p) return;
    const percent = Math.floor((p.received * 100) / p.total);
    if (!force && percent - this.lastPercent < PROGRESS_STEP && percent !== 100) return;
    if (percent === this.lastPercent) return;
    this.lastPercent = percent;
    this.d.report.state(this.state());
  }
}
