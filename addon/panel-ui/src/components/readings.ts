// <mep-readings>: energy, power and the per-phase values of one state message.
import { html, LitElement, TemplateResult } from 'lit';
import type { StatePayload } from '../../../../discovery/contract';
import { fixed } from '../format';
import { shared } from './styles';

type PhaseKey = 'voltage' | 'current' | 'power_import' | 'power_export' | 'power_factor';

export class MepReadings extends LitElement {
  static override properties = { state: { attribute: false }, phases: { type: Number } };
  static override styles = [shared];
  declare state: StatePayload | null;
  declare phases: 1 | 3 | null;

  private phaseValue(key: PhaseKey, phase: number): number | undefined {
    return (this.state as Record<string, number | undefined>)[`${key}_l${phase}`];
  }

  private phaseTable(): TemplateResult {
    const count = this.phases === 1 ? 1 : 3;
    const phases = Array.from({ length: count }, (_v, i) => i + 1);
    const row = (label: string, key: PhaseKey, decimals: number, unit: string): TemplateResult =>
      html`<tr><td>${label}</td>${phases.map((p) => html`<td data-phase=${p} data-key=${key}>${fixed(this.phaseValue(key, p), decimals, unit)}</td>`)}</tr>`;
    return html`<table>
      <tr><th></th>${phases.map((p) => html`<th>L${p}</th>`)}</tr>
      ${row('Voltage', 'voltage', 1, 'V')} ${row('Current', 'current', 2, 'A')}
      ${row('Power in', 'power_import', 0, 'W')} ${row('Power out', 'power_export', 0, 'W')}
      ${row('Power factor', 'power_factor', 2, '')}
    </table>`;
  }

  override render(): TemplateResult {
    const s = this.state;
    if (!s) return html`<p class="muted">No readings yet.</p>`;
    return html`
      <div class="row">
        <div><div class="muted">Energy in</div><strong data-key="energy_import">${fixed(s.energy_import, 3, 'kWh')}</strong></div>
        <div><div class="muted">Energy out</div><strong data-key="energy_export">${fixed(s.energy_export, 3, 'kWh')}</strong></div>
        <div><div class="muted">Power in</div><strong data-key="power_import">${fixed(s.power_import, 0, 'W')}</strong></div>
        <div><div class="muted">Power out</div><strong data-key="power_export">${fixed(s.power_export, 0, 'W')}</strong></div>
        <div><div class="muted">Frequency</div><strong>${fixed(s.frequency, 2, 'Hz')}</strong></div>
      </div>
      ${this.phaseTable()}`;
  }
}
customElements.define('mep-readings', MepReadings);
