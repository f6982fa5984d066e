// <mep-pairing>: whether the add-on is paired with this module, Pair (with the code the module's setup page shows)
// and Unpair (after a confirmation). DOCS.md "Security: pairing and commands"; the API is
// addon/src/panel/routes/pairing.ts. The code is checked locally (discovery/pairing.ts), sent once, and never kept.
import { html, LitElement, TemplateResult } from 'lit';
import { normalizePairCode } from '../../../../discovery/pairing';
import { apiPost, meterPath } from '../api';
import type { PanelPairing } from '../types';
import { Notice } from './notice';
import { shared } from './styles';

let nextId = 0;

export class MepPairing extends LitElement {
  static override properties = {
    meterId: { attribute: false },
    pairing: { attribute: false },
    open: { state: true },
    confirming: { state: true },
    fieldError: { state: true },
    busy: { state: true },
  };
  static override styles = [shared];
  declare meterId: string;
  declare pairing: PanelPairing;
  /** The code field is shown. */
  declare open: boolean;
  /** Unpair waits for its confirmation. */
  declare confirming: boolean;
  declare fieldError: string;
  declare busy: boolean;
  private readonly uid = `pair-${++nextId}`;
  private readonly notice = new Notice(this);

  constructor() {
    super();
    this.pairing = { paired: false };
    this.open = false;
    this.confirming = false;
    this.fieldError = '';
    this.busy = false;
  }

  private start(): void {
    this.open = true;
    this.confirming = false;
    this.fieldError = '';
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('input[name="code"]')?.focus());
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const input = form.elements.namedItem('code') as HTMLInputElement;
    this.notice.clear();
    if (!normalizePairCode(input.value)) {
      this.fieldError = 'enter the code the module\'s setup page shows: 8 letters and digits, like 7KQ2-M9XD';
      input.focus();
      return;
    }
    this.fieldError = '';
    this.busy = true;
    const res = await apiPost<{ message: string }>(meterPath(this.meterId, 'pair'), { code: input.value });
    this.busy = false;
    if (!res.ok) {
      // Wrong code, module unreachable, code expired: the add-on says which, in words.
      this.fieldError = res.fields.find((f) => f.field === 'code')?.message ?? res.error;
      input.focus();
      return;
    }
    form.reset();
    this.open = false;
    this.notice.show('Paired: this module now takes only commands signed by this add-on.');
  }

  private async unpair(): Promise<void> {
    this.confirming = false;
    this.busy = true;
    const res = await apiPost<{ message: string }>(meterPath(this.meterId, 'unpair'));
    this.busy = false;
    this.notice.show(res.ok ? res.data.message : res.error);
  }

  private status(): TemplateResult {
    const p = this.pairing;
    const since = p.pairedAt ? ` on ${new Date(p.pairedAt).toLocaleDateString()}` : '';
    return p.paired
      ? html`<span class="badge ok" data-testid="pairing" data-paired="true">Paired</span> <span class="muted">paired${since}: only this add-on can command it</span>`
      : html`<span class="badge warning" data-testid="pairing" data-paired="false">Not paired</span> <span class="muted">commands are unsigned</span>`;
  }

  private codeForm(): TemplateResult {
    const id = this.uid;
    return html`<form @submit=${this.submit} novalidate>
      <label for=${id}>Pairing code</label>
      <div class="row">
        <input id=${id} name="code" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="32" size="12"
          placeholder="7KQ2-M9XD" aria-invalid=${this.fieldError ? 'true' : 'false'} aria-describedby="${id}-error ${id}-help">
        <button type="submit" ?disabled=${this.busy}>Pair</button>
        <button type="button" class="secondary" @click=${() => ((this.open = false), (this.fieldError = ''))}>Cancel</button>
      </div>
      <div id="${id}-help" class="help">On the module's own setup page press <strong>Pair with Home Assistant</strong>: it shows the code, valid 10 minutes.</div>
      <div id="${id}-error" class="error field-error" role="alert">${this.fieldError}</div>
    </form>`;
  }

  private confirmBox(): TemplateResult {
    return html`<div class="confirm" role="alert" data-testid="confirm-unpair">
      <div>Unpair this module? The add-on forgets its secret and sends it unsigned commands. The module refuses them
        until you pair it again (or unpair it on its own setup page).</div>
      <div class="row" style="margin-top:8px">
        <button class="danger" @click=${() => this.unpair()}>Unpair</button>
        <button class="secondary" @click=${() => (this.confirming = false)}>Cancel</button>
      </div>
    </div>`;
  }

  override render(): TemplateResult {
    const paired = this.pairing.paired;
    return html`<div class="row">${this.status()}</div>
      ${this.open ? this.codeForm() : html`<div class="row" style="margin-top:8px">
        <button class=${paired ? 'secondary' : ''} ?disabled=${this.busy} @click=${() => this.start()}>${paired ? 'Pair again' : 'Pair'}</button>
        ${paired ? html`<button class="secondary" ?disabled=${this.busy} @click=${() => ((this.confirming = true), (this.open = false))}>Unpair</button>` : ''}
      </div>`}
      ${this.confirming ? this.confirmBox() : ''}
      <div class="ok notice" role="status">${this.notice.text}</div>`;
  }
}
customElements.define('mep-pairing', MepPairing);
