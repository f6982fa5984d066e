// <mep-firmware-section>: the catalog (shipped and uploaded packages), upload with the rejection reason shown,
// "update all", and the progress of every rollout.
import { html, LitElement, TemplateResult } from 'lit';
import { apiPost, apiUpload } from '../api';
import { bytes } from '../format';
import type { CatalogEntry, RolloutView } from '../types';
import { shared } from './styles';

export class MepFirmwareSection extends LitElement {
  static override properties = {
    entries: { attribute: false },
    rollouts: { attribute: false },
    uploadError: { state: true },
    notice: { state: true },
  };
  static override styles = [shared];
  declare entries: CatalogEntry[];
  declare rollouts: RolloutView[];
  declare uploadError: string;
  declare notice: string;

  constructor() {
    super();
    this.entries = [];
    this.rollouts = [];
    this.uploadError = '';
    this.notice = '';
  }

  private async upload(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const file = (form.elements.namedItem('package') as HTMLInputElement).files?.[0];
    this.uploadError = '';
    this.notice = '';
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
    this.notice = `${res.data.fileName} added (${res.data.kind} ${res.data.version})`;
    this.dispatchEvent(new CustomEvent('catalog-added', { detail: res.data, bubbles: true, composed: true }));
  }

  private async removeEntry(entry: CatalogEntry): Promise<void> {
    const res = await apiPost<{ message: string }>(`api/firmware/${encodeURIComponent(entry.id)}/remove`);
    this.notice = res.ok ? `${entry.fileName} removed` : res.error;
  }

  private async updateAll(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const entryId = String(new FormData(e.currentTarget as HTMLFormElement).get('entry') ?? '');
    const res = await apiPost<RolloutView>('api/rollouts', { entryId, deviceIds: [] });
    this.notice = res.ok ? `update of ${res.data.devices.length} meter(s) started` : res.error;
  }

  private rollout(r: RolloutView): TemplateResult {
    return html`<div class="rollout" data-rollout=${r.id}>
      <strong>${r.kind === 'bin' ? 'Firmware' : 'Web pages'} ${r.version}</strong>
      <span class="muted">${r.finished ? 'finished' : 'running'}</span>
      <table>${r.devices.map((d) => html`<tr data-device=${d.deviceId}>
        <td>${d.deviceId}</td>
        <td class="status">${d.status}${d.error ? html` <span class="error">${d.error}</span>` : ''}</td>
        <td>${d.percent === null ? '' : html`<progress max="100" value=${d.percent}></progress> <span class="percent">${d.percent} %</span>`}</td>
      </tr>`)}</table>
    </div>`;
  }

  override render(): TemplateResult {
    const sorted = [...this.entries].sort((a, b) => b.addedAt - a.addedAt);
    return html`<section class="card">
      <h2>Firmware</h2>
      <table class="catalog">
        <tr><th>Package</th><th>Version</th><th>Size</th><th>From</th><th></th></tr>
        ${sorted.map((e) => html`<tr data-entry=${e.id}><td>${e.fileName}</td><td>${e.version}</td><td>${bytes(e.size)}</td><td>${e.source}</td>
          <td>${e.source === 'uploaded' ? html`<button class="secondary" aria-label="Remove ${e.fileName}" @click=${() => this.removeEntry(e)}>×</button>` : ''}</td></tr>`)}
      </table>
      ${sorted.length === 0 ? html`<p class="muted">No packages yet.</p>` : ''}
      <h3>Upload a package</h3>
      <form class="row" @submit=${this.upload}>
        <input type="file" name="package" accept=".bin,.wwws" aria-label="Package file">
        <button type="submit">Upload</button>
      </form>
      <div class="error upload-error" role="alert">${this.uploadError}</div>
      ${sorted.length === 0 ? '' : html`<h3>Update all meters</h3>
      <form class="row" @submit=${this.updateAll}>
        <select name="entry" aria-label="Package for all meters">
          ${sorted.map((e) => html`<option value=${e.id}>${e.kind === 'bin' ? 'Firmware' : 'Web pages'} ${e.version} (${e.fileName})</option>`)}
        </select>
        <button type="submit">Update all</button>
      </form>`}
      <div class="ok notice" role="status">${this.notice}</div>
      ${this.rollouts.length ? html`<h3>Updates</h3>${[...this.rollouts].sort((a, b) => b.startedAt - a.startedAt).map((r) => this.rollout(r))}` : ''}
    </section>`;
  }
}
customElements.define('mep-firmware-section', MepFirmwareSection);
