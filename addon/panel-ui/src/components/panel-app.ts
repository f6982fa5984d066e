// <mep-panel>: loads meters, catalog, rollouts, status and each meter's last hour of power, then follows the live
// events (SSE, api/events). One tab per meter (its name and a status dot), one for updates; the tab is kept in the
// address (#meter=<id>, #updates) so a reload stays where the user was.
import { css, html, LitElement, TemplateResult } from 'lit';
import { compareVersions } from '../../../src/ota/version-order';
import { appendPoint } from '../../../src/panel/power-points';
import { apiGet } from '../api';
import type { CatalogEntry, CatalogResponse, PanelMeter, PowerPoint, RolloutView, StatusResponse } from '../types';
import './meter-card';
import { shared } from './styles';
import './updates-view';

const UPDATES = 'updates';

export class MepPanel extends LitElement {
  static override properties = {
    meters: { state: true },
    entries: { state: true },
    rollouts: { state: true },
    status: { state: true },
    loadError: { state: true },
    live: { state: true },
    now: { state: true },
    tab: { state: true },
    pointsRev: { state: true },
  };
  static override styles = [
    shared,
    css`
      header { background: var(--card-background-color); border-bottom: 1px solid var(--divider-color); position: sticky; top: 0; z-index: 1; }
      .toolbar { max-width: 1200px; margin: 0 auto; padding: 8px 16px 0; }
      h1 { font-size: 20px; font-weight: 400; margin: 4px 0; }
      .tabs { display: flex; gap: 4px; overflow-x: auto; scrollbar-width: thin; }
      [role='tab'] {
        background: none; color: var(--secondary-text-color); border-radius: 0; border-bottom: 2px solid transparent; padding: 0 12px;
        min-height: 44px; white-space: nowrap; display: inline-flex; align-items: center; gap: 6px; font-weight: 500;
      }
      [role='tab'][aria-selected='true'] { color: var(--primary-text-color); border-bottom-color: var(--primary-color); }
      .dot { width: 8px; height: 8px; border-radius: 50%; background: #9e9e9e; flex: none; }
      .dot.ok { background: var(--success-color); }
      .dot.error { background: var(--error-color); }
      .dot.warning { background: var(--warning-color); }
      .count { background: var(--warning-color); color: #212121; border-radius: 10px; padding: 0 6px; font-size: 12px; }
      main { max-width: 1200px; margin: 0 auto; padding: 16px; box-sizing: border-box; }
      .status { padding: 0 0 4px; font-size: 13px; }
    `,
  ];
  declare meters: PanelMeter[];
  declare entries: CatalogEntry[];
  declare rollouts: RolloutView[];
  declare status: StatusResponse | null;
  declare loadError: string;
  declare live: boolean;
  /** Re-rendered every few seconds so "last reading 5 s ago" and the chart's time axis stay true. */
  declare now: number;
  /** Device id of the meter shown, or 'updates'. */
  declare tab: string;
  declare pointsRev: number;
  private readonly points = new Map<string, PowerPoint[]>();
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
    this.tab = '';
    this.pointsRev = 0;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.tab = this.tabFromHash();
    void this.load();
    this.follow();
    this.clock = setInterval(() => (this.now = Date.now()), 5000);
    this.addEventListener('catalog-added', () => void this.loadCatalog());
    this.addEventListener('open-updates', () => this.select(UPDATES));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.events?.close();
    this.events = null;
    if (this.clock) clearInterval(this.clock);
    this.clock = null;
  }

  private tabFromHash(): string {
    const hash = decodeURIComponent(location.hash.slice(1));
    if (hash === UPDATES) return UPDATES;
    return hash.startsWith('meter=') ? hash.slice(6) : '';
  }

  private select(tab: string): void {
    this.tab = tab;
    history.replaceState(null, '', tab === UPDATES ? '#updates' : `#meter=${encodeURIComponent(tab)}`);
  }

  /** The tab shown: the chosen one if it exists, else the first meter, else updates. */
  private current(): string {
    if (this.tab === UPDATES || this.meters.some((m) => m.deviceId === this.tab)) return this.tab;
    return this.meters[0]?.deviceId ?? '';
  }

  private async loadCatalog(): Promise<void> {
    const catalog = await apiGet<CatalogResponse>('api/firmware');
    if (catalog.ok) this.entries = catalog.data.entries;
  }

  private async loadHistory(deviceId: string): Promise<void> {
    const res = await apiGet<{ points: PowerPoint[] }>(`api/meters/${encodeURIComponent(deviceId)}/history`);
    if (!res.ok) return;
    // Points that arrived live while the history was on its way are merged in order.
    const live = this.points.get(deviceId) ?? [];
    const merged = res.data.points.slice();
    for (const p of live) appendPoint(merged, p);
    this.points.set(deviceId, merged);
    this.pointsRev++;
  }

  private async load(): Promise<void> {
    const [meters, rollouts, status] = await Promise.all([
      apiGet<{ meters: PanelMeter[] }>('api/meters'),
      apiGet<{ rollouts: RolloutView[] }>('api/rollouts'),
      apiGet<StatusResponse>('api/status'),
    ]);
    await this.loadCatalog();
    if (meters.ok) {
      this.meters = meters.data.meters;
      this.loadError = '';
      await Promise.all(this.meters.map((m) => this.loadHistory(m.deviceId)));
    } else this.loadError = meters.error;
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
      if (i < 0) void this.loadHistory(m.deviceId);
    });
    on<{ deviceId: string; point: PowerPoint }>('point', ({ deviceId, point }) => {
      const list = this.points.get(deviceId) ?? [];
      appendPoint(list, point);
      this.points.set(deviceId, list);
      this.pointsRev++;
    });
    on<{ deviceId: string }>('meterRemoved', (r) => {
      this.meters = this.meters.filter((x) => x.deviceId !== r.deviceId);
      this.points.delete(r.deviceId);
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
    return html`<div class="status">${mqtt}${ha}${this.live ? '' : html` <span class="muted">Reconnecting to the add-on…</span>`}</div>`;
  }

  private keydown(e: KeyboardEvent, ids: string[]): void {
    const i = ids.indexOf(this.current());
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const id = ids[(next + ids.length) % ids.length] as string;
    this.select(id);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[role='tab'][aria-selected='true']`)?.focus());
  }

  private tabs(current: string): TemplateResult {
    const ids = [...this.meters.map((m) => m.deviceId), UPDATES];
    const available = this.meters.filter((m) => m.latestVersion && m.firmware && compareVersions(m.latestVersion, m.firmware) > 0).length;
    const tab = (id: string, content: TemplateResult): TemplateResult => html`<button role="tab" id="tab-${id}" aria-controls="tabpanel"
        aria-selected=${current === id ? 'true' : 'false'} tabindex=${current === id ? '0' : '-1'} data-tab=${id} @click=${() => this.select(id)}>${content}</button>`;
    return html`<div class="tabs" role="tablist" aria-label="Meters and updates" @keydown=${(e: KeyboardEvent) => this.keydown(e, ids)}>
      ${this.meters.map((m) => tab(m.deviceId, html`<span class="dot ${m.health.level}" aria-hidden="true"></span>${m.name}<span class="sr-only">: ${m.health.label}</span>`))}
      ${tab(UPDATES, html`Updates${available ? html` <span class="count" aria-label="${available} update(s) available">${available}</span>` : ''}`)}
    </div>`;
  }

  private content(current: string): TemplateResult {
    if (current === UPDATES) {
      return html`<mep-updates .meters=${this.meters} .entries=${this.entries} .rollouts=${this.rollouts}></mep-updates>`;
    }
    const m = this.meters.find((x) => x.deviceId === current);
    if (!m) return html`<section class="card"><p>No meters yet. A bridge appears here as soon as it connects to the MQTT broker.</p></section>`;
    return html`<mep-meter-card .meter=${m} .status=${this.status} .points=${this.points.get(m.deviceId) ?? []} .pointsRev=${this.pointsRev} .now=${this.now}></mep-meter-card>`;
  }

  override render(): TemplateResult {
    const current = this.current();
    return html`<header><div class="toolbar"><h1>MEP Bridge</h1>${this.statusLine()}${this.tabs(current)}</div></header>
      <main role="tabpanel" id="tabpanel" aria-labelledby="tab-${current || UPDATES}">
        ${this.loadError ? html`<p class="error">${this.loadError}</p>` : ''}
        ${this.content(current)}
      </main>`;
  }
}
customElements.define('mep-panel', MepPanel);
