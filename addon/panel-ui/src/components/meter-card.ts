// <mep-meter-card>: one meter. Problems first, each with its fix right there (the key field where the problem says
// "enter the key"); then power now, the last hour's chart (import/export or per phase), the phases as bars, the
// energy registers; energy today / this month with the hour's average and the month's peak hours; actions; and the
// settings with their current values.
import { css, html, LitElement, TemplateResult } from 'lit';
import { apiPost, meterPath } from '../api';
import { ago, fixed, watts } from '../format';
import type { PanelMeter, PanelProblem, PowerPoint, StatusResponse } from '../types';
import './key-form';
import type { MepKeyForm } from './key-form';
import './pairing-form';
import './phase-bars';
import './power-chart';
import type { ChartMode } from './power-chart';
import './settings-form';
import { Notice } from './notice';
import { shared } from './styles';
import './usage-view';

export class MepMeterCard extends LitElement {
  static override properties = {
    meter: { attribute: false },
    status: { attribute: false },
    points: { attribute: false },
    pointsRev: { attribute: false },
    now: { attribute: false },
    chartMode: { state: true },
  };
  static override styles = [
    shared,
    css`
      .grid { display: grid; gap: 16px; grid-template-columns: minmax(0, 1fr); align-items: start; }
      @media (min-width: 900px) { .grid { grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); } .wide { grid-column: 1 / -1; } }
      .head { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; }
      .head .card-header { margin: 0; overflow-wrap: anywhere; }
      .facts { margin-top: 4px; display: flex; flex-wrap: wrap; gap: 2px 16px; }
      .problems { list-style: none; padding: 0; margin: 12px 0 0; display: grid; gap: 8px; }
      .problem { border-left: 4px solid var(--error-color); background: var(--secondary-background-color); border-radius: 8px; padding: 12px; }
      .problem.warning { border-left-color: var(--warning-color); }
      .problem .hint { font-weight: 500; }
      .now { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 140px), 1fr)); gap: 12px; }
      .now .value { font-size: 20px; line-height: 28px; }
      .chart-head { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: 8px; margin-bottom: 8px; }
      .chart-head h2 { margin: 0; }
      .toggle { display: inline-flex; border: 1px solid var(--divider-color); border-radius: 18px; overflow: hidden; }
      .toggle button { border-radius: 0; background: transparent; color: var(--primary-text-color); min-height: 32px; }
      .toggle button[aria-pressed='true'] { background: var(--mep-button-color); color: #fff; }
    `,
  ];
  declare meter: PanelMeter;
  declare status: StatusResponse | null;
  declare points: PowerPoint[];
  declare pointsRev: number;
  declare now: number;
  declare chartMode: ChartMode;
  private readonly notice = new Notice(this);
  private lastProblems = '';

  constructor() {
    super();
    this.status = null;
    this.points = [];
    this.pointsRev = 0;
    this.now = Date.now();
    this.chartMode = 'total';
  }

  override updated(): void {
    // When a wrong-key problem appears, the cursor goes to the key field next to it.
    const codes = this.meter.problems.map((p) => p.code).join(',');
    if (codes !== this.lastProblems) {
      const appeared = this.meter.problems.some((p) => p.code === 'wrong-key') && !this.lastProblems.includes('wrong-key');
      this.lastProblems = codes;
      if (appeared) this.renderRoot.querySelector<MepKeyForm>('.problem mep-key-form')?.focus();
    }
  }

  private async act(action: string, body?: unknown): Promise<void> {
    this.notice.show('…', true);
    const res = await apiPost<{ message: string; result?: { ok: boolean; error?: string } }>(meterPath(this.meter.deviceId, action), body);
    if (!res.ok) this.notice.show(res.error);
    else this.notice.show(res.data.result && !res.data.result.ok ? `${res.data.message}: ${res.data.result.error ?? ''}` : res.data.message);
  }

  private badge(): TemplateResult {
    const h = this.meter.health;
    return html`<span class="badge ${h.level}" data-testid="health" data-level=${h.level}>${h.label}</span>`;
  }

  private fix(p: PanelProblem): TemplateResult | string {
    switch (p.code) {
      case 'wrong-key':
        return html`<mep-key-form .meterId=${this.meter.deviceId}></mep-key-form>`;
      case 'not-paired':
        return html`<mep-pairing .meterId=${this.meter.deviceId} .pairing=${this.meter.pairing ?? { paired: false }}></mep-pairing>`;
      case 'update-failed':
        return html`<div class="row" style="margin-top:8px"><button class="secondary" @click=${() => this.dispatchEvent(new CustomEvent('open-updates', { bubbles: true, composed: true }))}>Open updates</button></div>`;
      case 'meter-error':
      case 'device-error':
      case 'stale':
        return html`<div class="row" style="margin-top:8px"><button class="secondary" @click=${() => this.act('restart')}>Restart the bridge</button></div>`;
      default:
        return '';
    }
  }

  private problems(): TemplateResult | string {
    const list = this.meter.problems;
    if (!list.length) return '';
    const level = (p: PanelProblem): string => (['meter-error', 'device-error', 'update-failed', 'not-paired'].includes(p.code) ? 'warning' : '');
    return html`<ul class="problems" aria-label="Problems">${list.map((p) => html`<li class="problem ${level(p)}" data-code=${p.code}>
      <div class="hint">${p.hint}</div><div class="muted">${p.message}</div>${this.fix(p)}</li>`)}</ul>`;
  }

  private energyButton(): TemplateResult {
    const ha = this.status?.ha;
    const usable = ha?.available === true && ha.connected;
    return html`<button class="secondary" ?disabled=${!usable} @click=${() => this.act('energy')}>Add to Energy dashboard</button>
      ${usable ? '' : html`<span class="muted">${ha?.reason ?? 'Home Assistant is not connected'}</span>`}`;
  }

  private figure(label: string, key: string, value: number | undefined, text: (v: number) => string): TemplateResult {
    return html`<div><div class="muted">${label}</div><div class="value" data-key=${key}>${value === undefined ? '–' : text(value)}</div></div>`;
  }

  private nowCard(): TemplateResult {
    const s = this.meter.state;
    const kwh = (v: number): string => fixed(v, 3, 'kWh');
    return html`<section class="card" aria-labelledby="now-title">
      <h2 id="now-title">Now</h2>
      ${s ? html`<div class="now">
        ${this.figure('Power import', 'power_import', s.power_import, watts)}
        ${this.figure('Power export', 'power_export', s.power_export, watts)}
        ${this.figure('Energy import', 'energy_import', s.energy_import, kwh)}
        ${this.figure('Energy export', 'energy_export', s.energy_export, kwh)}
        ${this.figure('Frequency', 'frequency', s.frequency, (v) => fixed(v, 2, 'Hz'))}
      </div>` : html`<p class="muted">No readings yet.</p>`}
      <h3>Phases</h3>
      <mep-phase-bars .state=${s} .phases=${this.meter.phases}></mep-phase-bars>
    </section>`;
  }

  private chartCard(): TemplateResult {
    const mode = (m: ChartMode, label: string): TemplateResult =>
      html`<button type="button" aria-pressed=${this.chartMode === m ? 'true' : 'false'} @click=${() => (this.chartMode = m)}>${label}</button>`;
    return html`<section class="card" aria-labelledby="chart-title">
      <div class="chart-head"><h2 id="chart-title">Power, last hour</h2>
        <div class="toggle" role="group" aria-label="Chart lines">${mode('total', 'Import/export')}${mode('phases', 'Per phase')}</div></div>
      <mep-power-chart .points=${this.points} .pointsRev=${this.pointsRev} .phases=${this.meter.phases} .mode=${this.chartMode} .now=${this.now}></mep-power-chart>
    </section>`;
  }

  override render(): TemplateResult {
    const m = this.meter;
    return html`<div class="grid" data-device=${m.deviceId}>
      <section class="card wide" aria-labelledby="meter-title">
        <div class="head"><h2 class="card-header" id="meter-title">${m.name}</h2>${this.badge()}</div>
        <div class="facts muted">
          <span>Link: <span data-testid="link">${m.linkStateName ?? 'unknown'}</span></span>
          <span>Firmware <span data-testid="firmware">${m.firmware ?? 'unknown'}</span></span>
          <span>Last reading ${ago(m.stateAt, Math.max(this.now, Date.now()))}</span>
          ${m.update?.in_progress ? html`<span data-testid="updating">Updating firmware${m.update.update_percentage === null ? '' : ` ${m.update.update_percentage} %`}</span>` : ''}
          <span>${m.deviceId}</span>
        </div>
        ${this.problems()}
      </section>
      ${this.chartCard()}
      ${this.nowCard()}
      <section class="card" aria-labelledby="usage-title">
        <h2 id="usage-title">Energy today and this month</h2>
        <mep-usage .usage=${m.usage}></mep-usage>
        ${m.backfill ? html`<p class="muted" data-testid="backfill">Home Assistant's history: ${m.backfill.message}</p>` : ''}
        ${m.lastOutage ? html`<p class="muted" data-testid="last-outage">Last power outage: ${m.lastOutage.text}</p>` : ''}
      </section>
      <section class="card" aria-labelledby="actions-title">
        <h2 id="actions-title">Actions</h2>
        <div class="row"><button class="secondary" @click=${() => this.act('restart')}>Restart</button>${this.energyButton()}</div>
        <div class="notice" role="status">${this.notice.text}</div>
      </section>
      <section class="card" aria-labelledby="settings-title">
        <h2 id="settings-title">Settings</h2>
        <mep-settings-form .meterId=${m.deviceId} .name=${m.name} .settings=${m.settings}></mep-settings-form>
        <h3>MBK key</h3>
        <mep-key-form .meterId=${m.deviceId}></mep-key-form>
        ${m.pairing?.paired ? html`<h3>Pairing</h3><mep-pairing .meterId=${m.deviceId} .pairing=${m.pairing}></mep-pairing>` : ''}
      </section>
    </div>`;
  }
}
customElements.define('mep-meter-card', MepMeterCard);
