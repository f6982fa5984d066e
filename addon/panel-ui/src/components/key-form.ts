// <mep-key-form>: MBK key entry. Masked, checked with the protocol core's rules before sending (discovery/mbk-key.ts).
// A key that fails the check stays in the field so it can be corrected; a key that was sent is cleared at once and
// never kept in the page, only "key sent" is shown (issue 5, issue 12).
import { html, LitElement, TemplateResult } from 'lit';
import { parseMbk } from '../../../../discovery/mbk-key';
import { apiPost, meterPath } from '../api';
import { Notice } from './notice';
import { shared } from './styles';

interface KeyResponse {
  message: string;
  warnings: string[];
  result: { ok: boolean; error?: string };
}

let nextId = 0;

export class MepKeyForm extends LitElement {
  static override properties = { meterId: { attribute: false }, fieldError: { state: true }, busy: { state: true } };
  static override styles = [shared];
  declare meterId: string;
  declare fieldError: string;
  declare busy: boolean;
  private readonly uid = `key-${++nextId}`;
  private readonly notice = new Notice(this);

  constructor() {
    super();
    this.fieldError = '';
    this.busy = false;
  }

  /** Puts the cursor into the key field (the problem "enter the key" does this). */
  override focus(): void {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('input')?.focus());
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const input = form.elements.namedItem('key') as HTMLInputElement;
    const key = input.value;
    this.notice.clear();
    const local = parseMbk(key);
    if (!local.ok) {
      this.fieldError = local.message;
      input.focus();
      return;
    }
    this.fieldError = '';
    this.busy = true;
    const res = await apiPost<KeyResponse>(meterPath(this.meterId, 'key'), { key });
    this.busy = false;
    if (!res.ok) {
      // Refused before it was sent: keep it for correcting.
      this.fieldError = res.fields.find((f) => f.field === 'key')?.message ?? res.error;
      return;
    }
    // Sent: the key leaves the page now.
    form.reset();
    const device = res.data.result.ok ? '' : ` (the bridge said: ${res.data.result.error ?? 'refused'})`;
    this.notice.show(`${res.data.message}${device}${res.data.warnings.length ? '. ' + res.data.warnings.join('; ') : ''}`);
  }

  override render(): TemplateResult {
    const id = this.uid;
    return html`<form @submit=${this.submit} novalidate>
      <label for=${id}>MBK key (from your utility)</label>
      <div class="row">
        <input id=${id} name="key" type="password" autocomplete="off" spellcheck="false" maxlength="40" size="24"
          aria-invalid=${this.fieldError ? 'true' : 'false'} aria-describedby="${id}-error ${id}-help" placeholder="20 characters">
        <button type="submit" ?disabled=${this.busy}>Send key</button>
      </div>
      <div id="${id}-help" class="help">Sent once to this bridge and stored only there; the add-on never keeps it.</div>
      <div id="${id}-error" class="error field-error" role="alert">${this.fieldError}</div>
      <div class="ok notice" role="status">${this.notice.text}</div>
    </form>`;
  }
}
customElements.define('mep-key-form', MepKeyForm);
