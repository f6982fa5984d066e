// <mep-settings-form>: name, poll interval and compatibility topics of one meter; only changed fields are sent.
import { html, LitElement, TemplateResult } from 'lit';
import { apiPost, FieldError, meterPath } from '../api';
import { shared } from './styles';

export class MepSettingsForm extends LitElement {
  static override properties = { meterId: { attribute: false }, name: { attribute: false }, errors: { state: true }, notice: { state: true } };
  static override styles = [shared];
  declare meterId: string;
  declare name: string;
  declare errors: FieldError[];
  declare notice: string;

  constructor() {
    super();
    this.errors = [];
    this.notice = '';
  }

  private fieldError(field: string): string {
    return this.errors.filter((e) => e.field === field).map((e) => e.message).join('; ');
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const body: Record<string, unknown> = {};
    const name = String(data.get('name') ?? '');
    if (name !== '' && name !== this.name) body.name = name;
    const poll = String(data.get('poll') ?? '');
    if (poll !== '') body.poll_interval_s = Number(poll);
    const compat = String(data.get('compat') ?? '');
    if (compat !== '') body.compatibility = compat === 'on';
    this.notice = '';
    const res = await apiPost<{ message: string; result: { ok: boolean; error?: string } }>(meterPath(this.meterId, 'settings'), body);
    if (!res.ok) {
      this.errors = res.fields.length ? res.fields : [{ field: '', message: res.error }];
      return;
    }
    this.errors = [];
    this.notice = res.data.result.ok ? res.data.message : `${res.data.message}: ${res.data.result.error ?? ''}`;
  }

  override render(): TemplateResult {
    return html`<form @submit=${this.submit} novalidate>
      <label for="name">Name</label>
      <input id="name" name="name" .value=${this.name} maxlength="32">
      <div class="error">${this.fieldError('name')}</div>
      <label for="poll">Poll interval (seconds, 1–3600)</label>
      <input id="poll" name="poll" type="number" min="1" max="3600" placeholder="unchanged" inputmode="numeric">
      <div class="error">${this.fieldError('poll_interval_s')}</div>
      <label for="compat">Compatibility topics (reference firmware)</label>
      <select id="compat" name="compat">
        <option value="">unchanged</option><option value="on">on</option><option value="off">off</option>
      </select>
      <div class="error">${this.fieldError('compatibility')}${this.fieldError('')}</div>
      <div class="row" style="margin-top:8px"><button type="submit">Save settings</button><span class="ok">${this.notice}</span></div>
    </form>`;
  }
}
customElements.define('mep-settings-form', MepSettingsForm);
