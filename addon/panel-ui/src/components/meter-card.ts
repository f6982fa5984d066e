// <mep-meter-card>: one meter: status, problems in plain words, live readings, actions (restart, Energy dashboard,
// firmware update) and its settings (name, poll interval, compatibility, MBK key).
import { html, LitElement, TemplateResult } from 'lit';
import { apiPost, meterPath } from '../api';
import { ago } from '../format';
import type { CatalogEntry, PanelMeter, StatusResponse } from '../types';
import './key-form';
import './readings';
import './settings-form';
import { shared } from './styles';

export class MepMeterCard extends LitElement {
  static override properties = {
    meter: { attribute: false },
    entries: { attribute: false },
    status: { attribute: false },
    notice: { state: true },
    now: { attribute: false },
  };
  static override styles = [shared];
  declare meter: PanelMeter;
  declare entries: CatalogEntry[];
  declare status: StatusResponse | null;
  declare notice: string;
  declare now: number;

  constructor() {
    super();
    this.entries = [];
    this.status = null;
    this.notice = '';
    this.now = Date.now();
  }

  private async act(action: string, body?: unknown): Promise<void> {
    this.notice = '…';
    const res = await apiPost<{ message: string; result?: { ok: boolean; error?: string } }>(meterPath(this.meter.deviceId, action), body);
    if (!res.ok) this.notice = res.error;
    else this.notice = res.data.result && !res.data.result.ok ? `${res.data.message}: ${res.data.result.error ?? ''}` : res.data.message;
  }

  private async startUpdate(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const entryId = String(new FormData(e.currentTarget as HTMLFormElement).get('entry') ?? '');
    this.notice = '…';
    const res = await apiPost<{ id: string }>('api/rollouts', { entryId, deviceIds: [this.meter.deviceId] });
    this.notice = res.ok ? 'update started' : res.error;
  }

  private statusBadge(): TemplateResult {
    const m = this.meter;
    const cls = m.online === true ? 'online' : m.online === false ? 'offline' : '';
    const text = m.online === true ? 'online' : m.online === false ? 'offline' : 'unknown';
    return html`<span class="badge ${cls}" data-testid="online">${text}</span>`;
  }

  private energyButton(): TemplateResult {
    const ha = this.status?.ha;
    const usable = ha?.available === true && ha.connected;
    return html`<button class="secondary" ?disabled=${!usable} @click=${() => this.act('energy')}>Add to Energy dashboard</button>
      ${usable ? '' : html`<span class="muted">${ha?.reason ?? 'Home Assistant is not connected'}</span>`}`;
  }

  override render(): TemplateResult {
    const m = this.meter;
    const sorted = [...this.entries].sort((a, b) => b.addedAt - a.addedAt);
    return html`<section class="card" data-device=${m.deviceId}>
      <div class="row"><h2>${m.name}</h2>${this.statusBadge()}</div>
      <div class="muted">
        Link: <span data-testid="link">${m.linkStateName ?? 'unknown'}</span> · Firmware:
        <span data-testid="firmware">${m.firmware ?? 'unknown'}</span> · Last reading ${ago(m.stateAt, Math.max(this.now, Date.now()))}
      </div>
      ${m.problems.length
        ? html`<ul class="problems">${m.problems.map((p) => html`<li class="error" data-code=${p.code}><strong>${p.hint}</strong><br><span class="muted">${p.message}</span></li>`)}</ul>`
        : ''}
      <mep-readings .state=${m.state} .phases=${m.phases}></mep-readings>
      ${m.update?.in_progress ? html`<p>Updating… <progress max="100" value=${m.update.update_percentage ?? 0}></progress></p>` : ''}
      <div class="row" style="margin-top:12px">
        <button class="secondary" @click=${() => this.act('restart')}>Restart</button>
        ${this.energyButton()}
      </div>
      ${sorted.length === 0 ? '' : html`<form class="row" style="margin-top:8px" @submit=${this.startUpdate}>
        <select name="entry" aria-label="Firmware package">
          ${sorted.map((e) => html`<option value=${e.id}>${e.kind === 'bin' ? 'Firmware' : 'Web pages'} ${e.version} (${e.fileName})</option>`)}
        </select>
        <button type="submit">Update this meter</button>
      </form>`}
      <div class="notice" role="status">${this.notice}</div>
      <details>
        <summary>Settings</summary>
        <mep-settings-form .meterId=${m.deviceId} .name=${m.name}></mep-settings-form>
        <h3>MBK key</h3>
        <mep-key-form .meterId=${m.deviceId}></mep-key-form>
      </details>
    </section>`;
  }
}
customElements.define('mep-meter-card', MepMeterCard);
