// <mep-updates>: firmware per meter (installed, available, "update available"), one meter or all of them, never a
// silent downgrade (an older or the same version needs a second, explicit click), the progress of every update in
// words that end in "confirmed", "rolled back" or "failed" with the reason, and the package catalog with uploads.
import { css, html, LitElement, TemplateResult } from 'lit';
import { compareVersions } from '../../../src/ota/version-order';
import { apiPost, apiUpload } from '../api';
import { bytes } from '../format';
import type { CatalogEntry, PanelMeter, RolloutView } from '../types';
import { Notice } from './notice';
import { shared } from './styles';

type Device = RolloutView['devices'][number];

/** What a device's part of an update says, in words. */
export function statusText(r: Pick<RolloutView, 'kind'>, d: Device): { text: string; level: 'ok' | 'error' | 'warning' | '' } {
  switch (d.status) {
    case 'pending': return { text: 'waiting', level: '' };
    case 'sent': return { text: 'sent to the bridge', level: '' };
    case 'downloading': return { text: 'downloading', level: '' };
    case 'installing': return { text: 'installing', level: '' };
    case 'rebooting': return { text: 'restarting', level: '' };
    case 'trial': return { text: 'on trial: kept after a minute healthy', level: 'warning' };
    case 'done': return { text: r.kind === 'bin' ? 'confirmed' : 'installed', level: 'ok' };
    case 'failed': return { text: /^rolled back/i.test(d.error ?? '') ? 'rolled back' : 'failed', level: 'error' };
    case 'timed-out': return { text: 'failed (timed out)', level: 'error' };
    case 'cancelled': return { text: 'cancelled', level: '' };
  }
}

const ACTIVE = ['sent', 'downloading', 'installing', 'rebooting', 'trial'];

function kindName(e: CatalogEntry): string {
  return e.kind === 'bin' ? 'Firmware' : 'Web pages';
}

export class MepUpdates extends LitElement {
  static override properties = {
    meters: { attribute: false },
    entries: { attribute: false },
    rollouts: { attribute: false },
    uploadError: { state: true },
    confirming: { state: true },
    choice: { state: true },
  };
  static override styles = [
    shared,
    css`
      .sections { display: grid; gap: 16px; }
      .meter-row td:first-child { font-weight: 500; }
      .rollout { margin-top: 12px; }
      .rollout-head { display: flex; flex-wrap: wrap; gap: 8px; align-items: baseline; }
      .reason { display: block; font-size: 13px; }
      .row select { flex: 1 1 220px; min-width: 0; width: 100%; text-overflow: ellipsis; }
      @media (max-width: 600px) {
        table.stack thead { display: none; }
        table.stack tr { display: block; border-bottom: 1px solid var(--divider-color); padding: 8px 0; }
        table.stack td { display: block; border: 0; padding: 2px 0; }
        table.stack td[data-label]::before { content: attr(data-label) ': '; color: var(--secondary-text-color); }
      }
    `,
  ];
  declare meters: PanelMeter[];
  declare entries: CatalogEntry[];
  declare rollouts: RolloutView[];
  declare uploadError: string;
  /** Meter id (or '*' for all) whose downgrade waits for its confirmation, with the package. */
  declare confirming: { target: string; entryId: string } | null;
  /** Package chosen per meter id ('*': all). */
  declare choice: Record<string, string>;
  private readonly notice = new Notice(this);

  constructor() {
    super();
    this.meters = [];
    this.entries = [];
    this.rollouts = [];
    this.uploadError = '';
    this.confirming = null;
    this.choice = {};
  }

  private name(deviceId: string): string {
    return this.meters.find((m) => m.deviceId === deviceId)?.name ?? deviceId;
  }

  /** Firmware packages newest first, then web pages newest first. */
  private sorted(): CatalogEntry[] {
    const bins = this.entries.filter((e) => e.kind === 'bin').sort((a, b) => compareVersions(b.version, a.version) || b.addedAt - a.addedAt);
    const webs = this.entries.filter((e) => e.kind === 'wwws').sort((a, b) => b.addedAt - a.addedAt);
    return [...bins, ...webs];
  }

  private newestBin(): CatalogEntry | null {
    return this.sorted().find((e) => e.kind === 'bin') ?? null;
  }

  /** Compared with what runs: 'newer', 'installed' or 'older'; null for web pages or an unknown firmware. */
  private relation(e: CatalogEntry, installed: string | null): 'newer' | 'installed' | 'older' | null {
    if (e.kind !== 'bin' || !installed) return null;
    const c = compareVersions(e.version, installed);
    return c > 0 ? 'newer' : c === 0 ? 'installed' : 'older';
  }

  private optionLabel(e: CatalogEntry, installed: string | null): string {
    const rel = this.relation(e, installed);
    const note = rel === 'newer' ? ' (newer)' : rel === 'installed' ? ' (installed)' : rel === 'older' ? ' (older: downgrade)' : '';
    return `${kindName(e)} ${e.version}${note} · ${e.fileName}`;
  }

  /** The package a meter's list starts on: the newest firmware when it is newer than what runs, else the web pages. */
  private defaultFor(installed: string | null): string {
    const newest = this.newestBin();
    if (newest && this.relation(newest, installed) !== 'older' && this.relation(newest, installed) !== 'installed') return newest.id;
    return this.sorted().find((e) => e.kind === 'wwws')?.id ?? newest?.id ?? '';
  }

  private chosen(target: string, installed: string | null): string {
    const id = this.choice[target];
    return id && this.entries.some((e) => e.id === id) ? id : this.defaultFor(installed);
  }

  /** Meters an update to `entry` would take back to an older or the same firmware. */
  private downgrades(entry: CatalogEntry, meters: PanelMeter[]): PanelMeter[] {
    return meters.filter((m) => {
      const rel = this.relation(entry, m.firmware);
      return rel === 'older' || rel === 'installed';
    });
  }

  private async start(target: string, entryId: string, confirmed: boolean): Promise<void> {
    const entry = this.entries.find((e) => e.id === entryId);
    if (!entry) return;
    const meters = target === '*' ? this.meters : this.meters.filter((m) => m.deviceId === target);
    if (!confirmed && this.downgrades(entry, meters).length) {
      this.confirming = { target, entryId };
      return;
    }
    this.confirming = null;
    const res = await apiPost<RolloutView>('api/rollouts', { entryId, deviceIds: target === '*' ? [] : [target] });
    this.notice.show(res.ok ? `Update to ${kindName(entry).toLowerCase()} ${entry.version} started for ${target === '*' ? `${res.data.devices.length} meter(s)` : this.name(target)}` : res.error);
  }

  private confirmBox(target: string): TemplateResult | string {
    const c = this.confirming;
    if (!c || c.target !== target) return '';
    const entry = this.entries.find((e) => e.id === c.entryId);
    if (!entry) return '';
    const meters = this.downgrades(entry, target === '*' ? this.meters : this.meters.filter((m) => m.deviceId === target));
    return html`<div class="confirm" role="alert" data-testid="confirm-downgrade">
      <div>${meters.map((m) => `${m.name} runs ${m.firmware}`).join('; ')}: ${entry.version} is ${meters.every((m) => m.firmware === entry.version) ? 'the same version' : 'older'}.
        Install it anyway? Settings are kept; the bridge restarts.</div>
      <div class="row" style="margin-top:8px">
        <button class="danger" @click=${() => this.start(target, c.entryId, true)}>Install ${entry.version} anyway</button>
        <button class="secondary" @click=${() => (this.confirming = null)}>Cancel</button>
      </div>
    </div>`;
  }

  private picker(target: string, installed: string | null, label: string): TemplateResult {
    const sorted = this.sorted();
    const selected = this.chosen(target, installed);
    return html`<div class="row">
      <select aria-label=${label} data-target=${target} @change=${(e: Event) => {
        this.choice = { ...this.choice, [target]: (e.target as HTMLSelectElement).value };
        this.confirming = null;
      }}>
        ${sorted.map((e) => html`<option value=${e.id} ?selected=${e.id === selected}>${this.optionLabel(e, installed)}</option>`)}
      </select>
      <button @click=${() => this.start(target, selected, false)}>${target === '*' ? 'Update all' : 'Update'}</button>
    </div>`;
  }

  private metersCard(): TemplateResult {
    const newest = this.newestBin();
    return html`<section class="card" aria-labelledby="fw-title">
      <h2 id="fw-title">Firmware of each meter</h2>
      ${this.meters.length === 0 ? html`<p class="muted">No meters yet.</p>` : html`<table class="stack">
        <thead><tr><th>Meter</th><th>Installed</th><th>Available</th><th>Install</th></tr></thead>
        <tbody>${this.meters.map((m) => {
          const available = newest && this.relation(newest, m.firmware) === 'newer';
          return html`<tr class="meter-row" data-device=${m.deviceId}>
            <td>${m.name}</td>
            <td data-label="Installed" data-testid="installed">${m.firmware ?? 'unknown'}</td>
            <td data-label="Available" data-testid="available">${newest ? newest.version : '–'}
              ${available ? html` <span class="badge update-available">Update available</span>` : newest && m.firmware ? html` <span class="muted">up to date</span>` : ''}</td>
            <td>${this.sorted().length ? this.picker(m.deviceId, m.firmware, `Package for ${m.name}`) : html`<span class="muted">no packages</span>`}${this.confirmBox(m.deviceId)}</td>
          </tr>`;
        })}</tbody></table>`}
      ${this.meters.length > 1 && this.sorted().length ? html`<h3>All meters</h3>${this.picker('*', null, 'Package for all meters')}${this.confirmBox('*')}` : ''}
      <div class="ok notice" role="status">${this.notice.text}</div>
    </section>`;
  }

  private rollout(r: RolloutView): TemplateResult {
    const entryName = `${r.kind === 'bin' ? 'Firmware' : 'Web pages'} ${r.version}`;
    return html`<div class="rollout" data-rollout=${r.id}>
      <div class="rollout-head"><strong>${entryName}</strong><span class="muted">${new Date(r.startedAt).toLocaleTimeString()} · ${r.finished ? 'finished' : 'running'}</span></div>
      <table class="stack"><tbody>${r.devices.map((d) => {
        const s = statusText(r, d);
        const active = ACTIVE.includes(d.status);
        return html`<tr data-device=${d.deviceId}>
          <td>${this.name(d.deviceId)}</td>
          <td class="status ${s.level}" data-status=${d.status}>${s.text}${d.error ? html`<span class="reason">${d.error.replace(/^rolled back: /i, '')}</span>` : ''}</td>
          <td>${active && d.percent !== null ? html`<progress max="100" value=${d.percent} aria-label="Progress of ${this.name(d.deviceId)}"></progress> <span class="percent">${d.percent} %</span>` : ''}</td>
        </tr>`;
      })}</tbody></table>
    </div>`;
  }

  private async upload(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const file = (form.elements.namedItem('package') as HTMLInputElement).files?.[0];
    this.uploadError = '';
    if (!file) {
      this.uploadError = 'choose a .bin or .wwws file first';
      return;
    }
    const res = await apiUpload<CatalogEntry>(file);
    if (!res.ok) {
      this.uploadError = res.error;
      return;
    }
    form.reset();
    this.notice.show(`${res.data.fileName} added (${kindName(res.data).toLowerCase()} ${res.data.version})`);
    this.dispatchEvent(new CustomEvent('catalog-added', { detail: res.data, bubbles: true, composed: true }));
  }

  private async removeEntry(entry: CatalogEntry): Promise<void> {
    const res = await apiPost<{ message: string }>(`api/firmware/${encodeURIComponent(entry.id)}/remove`);
    this.notice.show(res.ok ? `${entry.fileName} removed` : res.error);
  }

  private catalogCard(): TemplateResult {
    const sorted = this.sorted();
    return html`<section class="card" aria-labelledby="pk-title">
      <h2 id="pk-title">Packages</h2>
      ${sorted.length === 0 ? html`<p class="muted">No packages yet.</p>` : html`<table class="catalog stack">
        <thead><tr><th>Package</th><th>Version</th><th>Size</th><th>From</th><th><span class="sr-only">Remove</span></th></tr></thead>
        <tbody>${sorted.map((e) => html`<tr data-entry=${e.id}><td>${e.fileName}</td><td data-label="Version">${kindName(e)} ${e.version}</td>
          <td data-label="Size">${bytes(e.size)}</td><td data-label="From">${e.source === 'uploaded' ? 'uploaded' : 'shipped with the add-on'}</td>
          <td>${e.source === 'uploaded' ? html`<button class="secondary" aria-label="Remove ${e.fileName}" @click=${() => this.removeEntry(e)}>Remove</button>` : ''}</td></tr>`)}</tbody>
      </table>`}
      <h3>Upload a package</h3>
      <form class="row" @submit=${this.upload}>
        <input type="file" name="package" accept=".bin,.wwws" aria-label="Package file (.bin firmware or .wwws web pages)">
        <button type="submit">Upload</button>
      </form>
      <div class="help">A .bin is firmware, a .wwws the bridge's web pages; both are checked before they are offered.</div>
      <div class="error upload-error" role="alert">${this.uploadError}</div>
    </section>`;
  }

  override render(): TemplateResult {
    const recent = [...this.rollouts].sort((a, b) => b.startedAt - a.startedAt).slice(0, 10);
    return html`<div class="sections">
      ${this.metersCard()}
      <section class="card" aria-labelledby="progress-title">
        <h2 id="progress-title">Progress</h2>
        ${recent.length ? recent.map((r) => this.rollout(r)) : html`<p class="muted">No updates yet.</p>`}
      </section>
      ${this.catalogCard()}
    </div>`;
  }
}
customElements.define('mep-updates', MepUpdates);
