// <mep-key-form>: MBK key entry. Masked, checked with the protocol core's rules before sending (discovery/mbk-key.ts),
// sent once, then cleared: the key is never kept in the page, only "key sent" is shown (issue 5).
import { html, LitElement, TemplateResult } from 'lit';
import { parseMbk } from '../../../../discovery/mbk-key';
import { apiPost, meterPath } from '../api';
import { shared } from './styles';

interface KeyResponse {
  message: string;
  warnings: string[];
  result: { ok: boolean; error?: string };
}

export class MepKeyForm extends LitElement {
  static override properties = { meterId: { attribute: false }, fieldError: { state: true }, notice: { state: true }, busy: { state: true } };
  static override styles = [shared];
  declare meterId: string;
  declare fieldError: string;
  declare notice: string;
  declare busy: boolean;

  constructor() {
    super();
    this.fieldError = '';
    this.notice = '';
    this.busy = false;
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const input = form.elements.namedItem('key') as HTMLInputElement;
    const key = input.value;
    // The key leaves the page now, whatever happens next.
    form.reset();
    this.notice = '';
    const local = parseMbk(key);
    if (!local.ok) {
      this.fieldError = local.message;
      return;
    }
    this.fieldError = '';
    this.busy = true;
    const res = await apiPost<KeyResponse>(meterPath(this.meterId, 'key'), { key });
    this.busy = false;
    if (!res.ok) {
      this.fieldError = res.fields.find((f) => f.field === 'key')?.message ?? res.error;
      return;
    }
    const device = res.data.result.ok ? '' : ` (the device said: ${res.data.result.error ?? 'refused'})`;
    this.notice = `${res.data.message}${device}${res.data.warnings.length ? '. ' + res.data.warnings.join('; ') : ''}`;
  }

  override render(): TemplateResult {
    return html`<form @submit=${this.submit} novalidate>
      <label for="key">MBK key (from your utility)</label>
      <div class="row">
        <input id="key" name="key" type="password" autocomplete="off" spellcheck="false" maxlength="40"
          aria-invalid=${this.fieldError ? 'true' : 'false'} aria-describedby="key-error" placeholder="20 characters">
        <button type="submit" ?disabled=${this.busy}>Send key</button>
      </div>
      <div id="key-error" class="error field-error" role="alert">${this.fieldError}</div>
      <div class="ok notice" role="status">${this.notice}</div>
    </form>`;
  }
}
customElements.define('mep-key-form', MepKeyForm);
