// <mep-power-chart>: power over the last hour as an SVG of our own (no chart library: a few hundred lines of it
// would cost more than the whole panel). "Import/export": two lines, import above, export below the zero line;
// "Per phase": the net power (import - export) of L1..L3. A gap in the readings leaves a gap in the line.
import { css, html, LitElement, svg, SVGTemplateResult, TemplateResult } from 'lit';
import { PowerPoint, WINDOW_MS } from '../../../src/panel/power-points';
import { watts } from '../format';
import { shared } from './styles';

export type ChartMode = 'total' | 'phases';

interface Series {
  label: string;
  color: string;
  value: (p: PowerPoint) => number | undefined;
}

const HEIGHT = 200;
const PAD = { left: 52, right: 8, top: 10, bottom: 22 };

function net(imp: number | undefined, exp: number | undefined): number | undefined {
  if (imp === undefined && exp === undefined) return undefined;
  return (imp ?? 0) - (exp ?? 0);
}

const TOTAL: Series[] = [
  { label: 'Import', color: 'var(--mep-import-color)', value: (p) => p.power_import },
  { label: 'Export', color: 'var(--mep-export-color)', value: (p) => (p.power_export === undefined ? undefined : -p.power_export) },
];

function phaseSeries(count: number): Series[] {
  const all: Series[] = [
    { label: 'L1', color: 'var(--mep-l1-color)', value: (p) => net(p.power_import_l1, p.power_export_l1) },
    { label: 'L2', color: 'var(--mep-l2-color)', value: (p) => net(p.power_import_l2, p.power_export_l2) },
    { label: 'L3', color: 'var(--mep-l3-color)', value: (p) => net(p.power_import_l3, p.power_export_l3) },
  ];
  return all.slice(0, count);
}

/** 1, 2, 5 × 10^n at or above `v`. */
export function niceCeil(v: number): number {
  if (v <= 0) return 0;
  const exp = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) if (m * exp >= v) return m * exp;
  return 10 * exp;
}

export class MepPowerChart extends LitElement {
  static override properties = {
    points: { attribute: false },
    /** Changes when points were appended in place. */
    pointsRev: { attribute: false },
    phases: { attribute: false },
    mode: { attribute: false },
    now: { attribute: false },
    width: { state: true },
  };
  static override styles = [
    shared,
    css`
      svg { display: block; width: 100%; height: ${HEIGHT}px; overflow: visible; }
      .axis { stroke: var(--divider-color); stroke-width: 1; }
      .zero { stroke: var(--secondary-text-color); stroke-width: 1; opacity: 0.6; }
      text { fill: var(--secondary-text-color); font-size: 11px; font-family: inherit; }
      .legend { display: flex; gap: 16px; flex-wrap: wrap; margin-top: 4px; font-size: 12px; color: var(--secondary-text-color); }
      .swatch { display: inline-block; width: 12px; height: 3px; border-radius: 2px; vertical-align: middle; margin-right: 4px; }
      .empty { height: ${HEIGHT}px; display: grid; place-items: center; text-align: center; color: var(--secondary-text-color); border: 1px dashed var(--divider-color); border-radius: 8px; padding: 0 16px; }
    `,
  ];
  declare points: PowerPoint[];
  declare pointsRev: number;
  declare phases: 1 | 3 | null;
  declare mode: ChartMode;
  declare now: number;
  declare width: number;
  private observer: ResizeObserver | null = null;

  constructor() {
    super();
    this.points = [];
    this.phases = 3;
    this.mode = 'total';
    this.now = Date.now();
    this.width = 600;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.observer = new ResizeObserver((entries) => {
      const w = Math.round(entries[0]?.contentRect.width ?? 0);
      if (w > 0 && w !== this.width) this.width = w;
    });
    this.observer.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.observer?.disconnect();
    this.observer = null;
  }

  private series(): Series[] {
    return this.mode === 'phases' ? phaseSeries(this.phases === 1 ? 1 : 3) : TOTAL;
  }

  private summary(series: Series[]): string {
    const last = this.points[this.points.length - 1];
    if (!last) return 'Power over the last hour: no readings yet.';
    const now = series.map((s) => {
      const v = s.value(last);
      return `${s.label} ${v === undefined ? 'unknown' : watts(Math.abs(v))}`;
    });
    return `Power over the last hour, ${this.points.length} readings. Latest: ${now.join(', ')}.`;
  }

  override render(): TemplateResult {
    const series = this.series();
    if (this.points.length === 0) {
      return html`<div class="empty" data-testid="chart-empty">Waiting for readings: the chart fills as they arrive and keeps the last hour.</div>`;
    }
    const end = Math.max(this.now, this.points[this.points.length - 1]?.t ?? 0);
    const start = end - WINDOW_MS;
    let min = 0;
    let max = 0;
    for (const p of this.points) {
      for (const s of series) {
        const v = s.value(p);
        if (v === undefined) continue;
        if (v > max) max = v;
        if (v < min) min = v;
      }
    }
    max = niceCeil(max);
    min = -niceCeil(-min);
    if (max === 0 && min === 0) max = 100;
    const w = Math.max(200, this.width);
    const plotW = w - PAD.left - PAD.right;
    const plotH = HEIGHT - PAD.top - PAD.bottom;
    const x = (t: number): number => PAD.left + ((t - start) / WINDOW_MS) * plotW;
    const y = (v: number): number => PAD.top + ((max - v) / (max - min)) * plotH;
    // A step longer than three typical steps (or a minute) is a gap, not a line.
    const steps = this.points.slice(1).map((p, i) => p.t - (this.points[i] as PowerPoint).t).sort((a, b) => a - b);
    const typical = steps[Math.floor(steps.length / 2)] ?? 10000;
    const gap = Math.max(60000, typical * 3);
    const path = (s: Series): string => {
      let d = '';
      let prev: number | null = null;
      for (const p of this.points) {
        const v = s.value(p);
        if (v === undefined || p.t < start) {
          prev = null;
          continue;
        }
        const move = prev === null || p.t - prev > gap;
        d += `${move ? 'M' : 'L'}${x(p.t).toFixed(1)},${y(v).toFixed(1)}`;
        prev = p.t;
      }
      return d;
    };
    const ticksY = min < 0 ? [max, 0, min] : [max, max / 2, 0];
    // On a narrow chart every other label, so they do not run into each other.
    const ticksX = w < 480 ? [60, 30, 0] : [60, 45, 30, 15, 0];
    const lines: SVGTemplateResult[] = series.map((s) => svg`<path d=${path(s)} fill="none" stroke=${s.color} stroke-width="2" stroke-linejoin="round" stroke-linecap="round" data-series=${s.label}></path>`);
    return html`<svg viewBox="0 0 ${w} ${HEIGHT}" role="img" aria-label=${this.summary(series)} data-testid="chart" data-points=${this.points.length}>
        ${ticksY.map((v) => svg`<line class=${v === 0 ? 'zero' : 'axis'} x1=${PAD.left} x2=${w - PAD.right} y1=${y(v)} y2=${y(v)}></line>
          <text x=${PAD.left - 6} y=${y(v) + 4} text-anchor="end">${watts(Math.abs(v))}</text>`)}
        ${ticksX.map((m) => svg`<text x=${x(end - m * 60000)} y=${HEIGHT - 4} text-anchor=${m === 60 ? 'start' : m === 0 ? 'end' : 'middle'}>${m === 0 ? 'now' : `−${m} min`}</text>`)}
        ${lines}
      </svg>
      <div class="legend">${series.map((s) => html`<span><span class="swatch" style="background:${s.color}"></span>${s.label}${this.mode === 'total' ? (s.label === 'Import' ? ' (above 0)' : ' (below 0)') : ''}</span>`)}</div>`;
  }
}
customElements.define('mep-power-chart', MepPowerChart);
