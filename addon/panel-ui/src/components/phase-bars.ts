// <mep-phase-bars>: one bar per phase for its power now (import to the right in blue, export in green), with the
// phase's voltage, current and power factor underneath. Bars share one scale: the largest phase fills the track.
import { css, html, LitElement, TemplateResult } from 'lit';
import type { StatePayload } from '../../../../discovery/contract';
import { fixed, watts } from '../format';
import { shared } from './styles';

type PhaseKey = 'voltage' | 'current' | 'power_import' | 'power_export' | 'power_factor';

export class MepPhaseBars extends LitElement {
  static override properties = { state: { attribute: false }, phases: { attribute: false } };
  static override styles = [
    shared,
    css`
      .phase { display: grid; grid-template-columns: 28px 1fr; gap: 4px 8px; align-items: center; margin-bottom: 12px; }
      .name { font-weight: 500; }
      .track { height: 14px; border-radius: 7px; background: var(--secondary-background-color); overflow: hidden; }
      .bar { height: 100%; border-radius: 7px; min-width: 2px; }
      .bar.import { background: var(--mep-import-color); }
      .bar.export { background: var(--mep-export-color); }
      .details { grid-column: 2; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 13px; color: var(--secondary-text-color); }
      .details strong { color: var(--primary-text-color); font-weight: 500; }
    `,
  ];
  declare state: StatePayload | null;
  declare phases: 1 | 3 | null;

  private value(key: PhaseKey, phase: number): number | undefined {
    return (this.state as Record<string, number | undefined> | null)?.[`${key}_l${phase}`];
  }

  override render(): TemplateResult {
    if (!this.state) return html`<p class="muted">No readings yet.</p>`;
    const phases = Array.from({ length: this.phases === 1 ? 1 : 3 }, (_v, i) => i + 1);
    const power = (p: number): { w: number; dir: 'import' | 'export' } => {
      const imp = this.value('power_import', p) ?? 0;
      const exp = this.value('power_export', p) ?? 0;
      return exp > imp ? { w: exp, dir: 'export' } : { w: imp, dir: 'import' };
    };
    const scale = Math.max(100, ...phases.map((p) => power(p).w));
    return html`${phases.map((p) => {
      const { w, dir } = power(p);
      const pct = Math.min(100, (w / scale) * 100);
      return html`<div class="phase" data-phase-row=${p}>
        <span class="name">L${p}</span>
        <div class="track" role="img" aria-label="L${p}: ${watts(w)} ${dir}">
          <div class="bar ${dir}" style="width:${pct.toFixed(1)}%"></div>
        </div>
        <div class="details">
          <span><strong data-phase=${p} data-key="power_${dir}">${watts(w)}</strong> ${dir}</span>
          <span data-phase=${p} data-key="voltage">${fixed(this.value('voltage', p), 1, 'V')}</span>
          <span data-phase=${p} data-key="current">${fixed(this.value('current', p), 2, 'A')}</span>
          <span>PF <span data-phase=${p} data-key="power_factor">${fixed(this.value('power_factor', p), 2, '')}</span></span>
        </div>
      </div>`;
    })}`;
  }
}
customElements.define('mep-phase-bars', MepPhaseBars);
