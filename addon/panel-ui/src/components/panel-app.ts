// <mep-panel>: loads meters, catalog, rollouts and status, then follows the live events (SSE, api/events).
import { css, html, LitElement, TemplateResult } from 'lit';
import { apiGet } from '../api';
import type { CatalogEntry, CatalogResponse, PanelMeter, RolloutView, StatusResponse } from '../types';
import './firmware-section';
import './meter-card';
import { shared } from './styles';

export class MepPanel extends LitElement {
  static override properties = {
    meters: { state: true },
    entries: { state: true },
    rollouts: { state: true },
    status: { state: true },
    loadError: { state: true },
    live: { state: true },
    now: { state: true },
  };
  static override styles = [
    shared,
    css`
      main { max-width: 1200px; margin: 0 auto; padding: 12px; display: grid; gap: 12px; grid-template-columns: minmax(0, 1fr); }
      .meters > * { min-width: 0; }
      .meters { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(min(100%, 360px), 1fr)); }
      header h1 { font-size: 1.4rem; font-weight: 500; margin: 4px 0; }
    `,
  ];
  declare meters: PanelMeter[];
  declare entries: CatalogEntry[];
  declare rollouts: RolloutView[];
  declare status: StatusResponse | null;
  declare loadError: string;
  declare live: boolean;
  /** Re-rendered every few seconds so "last reading 5 s ago" stays true. */
  declare now: number;
  private events: EventSource | null = null;
  private clock: ReturnType<typeof setInterval> | null = null;

  constructor() {
    super();
    this.meters = [];
    this.entries = [];
    this.rollouts = [];
    this.status = null;
    this.loadError = '';
    this.live = false;
    this.now = Date.now();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
    this.follow();
    this.clock = setInterval(() => (this.now = Date.now()), 5000);
    this.addEventListener('catalog-added', () => void this.loadCatalog());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.events?.close();
    this.events = null;
    if (this.clock) clearInterval(this.clock);
    this.clock = null;
  }

  private async loadCatalog(): Promise<void> {
    const catalog = await apiGet<CatalogResponse>('api/firmware');
    if (catalog.ok) this.entries = catalog.data.entries;
  }

  private async load(): Promise<void> {
    const [meters, rollouts, status] = await Promise.all([
      apiGet<{ meters: PanelMeter[] }>('api/meters'),
      apiGet<{ rollouts: RolloutView[] }>('api/rollouts'),
      apiGet<StatusResponse>('api/status'),
    ]);
    await this.loadCatalog();
    if (meters.ok) this.meters = meters.data.meters;
    else this.loadError = meters.error;
    if (rollouts.ok) this.rollouts = rollouts.data.rollouts;
    if (status.ok) this.status = status.data;
  }

  private follow(): void {
    const events = new EventSource('api/events');
    this.events = events;
    const on = <T>(name: string, fn: (data: T) => void): void =>
      events.addEventListener(name, (e) => fn(JSON.parse((e as MessageEvent<string>).data) as T));
    events.onopen = () => {
      // After a reconnect, catch up on what was missed.
      if (!this.live) void this.load();
      this.live = true;
    };
    events.onerror = () => {
      this.live = false;
    };
    on<PanelMeter>('meter', (m) => {
      const i = this.meters.findIndex((x) => x.deviceId === m.deviceId);
      this.meters = i < 0 ? [...this.meters, m] : this.meters.map((x, k) => (k === i ? m : x));
    });
    on<{ deviceId: string }>('meterRemoved', (r) => {
      this.meters = this.meters.filter((x) => x.deviceId !== r.deviceId);
    });
    on<RolloutView>('rollout', (r) => {
      const i = this.rollouts.findIndex((x) => x.id === r.id);
      this.rollouts = i < 0 ? [...this.rollouts, r] : this.rollouts.map((x, k) => (k === i ? r : x));
    });
    on<{ entries: CatalogEntry[] }>('catalog', (c) => {
      this.entries = c.entries;
    });
    on<StatusResponse>('status', (s) => {
      this.status = s;
    });
  }

  private statusLine(): TemplateResult {
    const s = this.status;
    const mqtt = s?.mqtt.connected === false ? html`<span class="error">MQTT broker not connected${s.mqtt.error ? `: ${s.mqtt.error}` : ''}.</span> ` : '';
    const ha = s && !(s.ha.available && s.ha.connected)
      ? html`<span class="muted" data-testid="ha-status">Home Assistant features are off: ${s.ha.reason ?? 'not connected'}.</span>`
      : '';
    return html`<div>${mqtt}${ha}${this.live ? '' : html` <span class="muted">Reconnecting to the add-on…</span>`}</div>`;
  }

  override render(): TemplateResult {
    return html`<main>
      <header><h1>MEP Bridge</h1>${this.statusLine()}</header>
      ${this.loadError ? html`<p class="error">${this.loadError}</p>` : ''}
      ${this.meters.length === 0 && !this.loadError
        ? html`<section class="card"><p>No meters yet. A bridge appears here as soon as it connects to the MQTT broker.</p></section>`
        : ''}
      <div class="meters">
        ${this.meters.map((m) => html`<mep-meter-card .meter=${m} .entries=${this.entries} .status=${this.status} .now=${this.now}></mep-meter-card>`)}
      </div>
      <mep-firmware-section .entries=${this.entries} .rollouts=${this.rollouts}></mep-firmware-section>
    </main>`;
  }
}
customElements.define('mep-panel', MepPanel);
