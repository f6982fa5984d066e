// <mep-usage>: energy today and this month (import and export, from the meter's energy register), the current
// hour's average import power, this month's three peak hours and the average of its three highest days' peak hours
// (issues 12, 13; the add-on computes them, addon/src/usage).
// Every figure may be unknown (null) or missing with an older add-on: it shows "—" then.
import { css, html, LitElement, TemplateResult } from 'lit';
import { fixed, hourSpan, orUnknown, watts } from '../format';
import type { PanelUsage } from '../types';
import { shared } from './styles';

const kwh = (v: number): string => fixed(v, 2, 'kWh');

export class MepUsage extends LitElement {
  static override properties = { usage: { attribute: false } };
  static override styles = [
    shared,
    css`
      table { font-variant-numeric: tabular-nums; }
      td.num, th.num { text-align: right; white-space: nowrap; }
      .averages { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 140px), 1fr)); gap: 12px; margin-top: 12px; }
      .averages .value { font-size: 20px; line-height: 28px; }
      ol { margin: 0; padding: 0; list-style: none; display: grid; gap: 4px; }
      li { display: flex; justify-content: space-between; gap: 12px; flex-wrap: wrap; }
    `,
  ];
  declare usage: PanelUsage | null | undefined;

  private peaks(): TemplateResult {
    const list = this.usage?.monthPeaks ?? null;
    if (!list || list.length === 0) return html`<p class="muted" data-testid="peaks">${list ? 'No complete hour this month yet.' : '—'}</p>`;
    return html`<ol data-testid="peaks">${list.slice(0, 3).map((p, i) => html`<li data-peak=${i + 1}>
      <span>${hourSpan(p.hour)}${p.estimated ? html` <span class="muted">(estimated)</span>` : ''}</span>
      <strong>${orUnknown(p.w, watts)}</strong></li>`)}</ol>`;
  }

  /** What tariffs that take the highest hour of three different days bill (Norway, some of Sweden). */
  private peakDays(): TemplateResult | string {
    const days = this.usage?.monthPeakDays ?? [];
    if (days.length === 0) return '';
    const average = days.reduce((sum, d) => sum + d.w, 0) / days.length;
    return html`<p class="muted">Average of the highest hour of the ${days.length === 1 ? 'one day' : `${days.length} highest days`} so far:
      <strong data-usage="peak-days">${watts(average)}</strong></p>`;
  }

  override render(): TemplateResult {
    const u = this.usage ?? null;
    const cell = (key: string, value: number | null | undefined): TemplateResult => html`<td class="num" data-usage=${key}>${orUnknown(value, kwh)}</td>`;
    return html`<table>
        <thead><tr><th><span class="sr-only">Period</span></th><th class="num">Import</th><th class="num">Export</th></tr></thead>
        <tbody>
          <tr><td>Today</td>${cell('today-import', u?.today?.importKwh)}${cell('today-export', u?.today?.exportKwh)}</tr>
          <tr><td>This month</td>${cell('month-import', u?.month?.importKwh)}${cell('month-export', u?.month?.exportKwh)}</tr>
        </tbody>
      </table>
      <div class="averages">
        <div><div class="muted">This hour's average</div><div class="value" data-usage="hour">${orUnknown(u?.hourW, watts)}</div></div>
        <div><div class="muted">This quarter-hour's average</div><div class="value" data-usage="quarter-hour">${orUnknown(u?.quarterHourW, watts)}</div></div>
      </div>
      <h3>Peak hours this month</h3>
      ${this.peaks()}
      ${this.peakDays()}`;
  }
}
customElements.define('mep-usage', MepUsage);
