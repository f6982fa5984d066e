// <mep-settings-form>: name, poll interval and compatibility topics of one meter, filled with their current values
// (what the panel last set, else what the add-on sees). Only changed fields are sent; a cleared name is refused
// with a message instead of being ignored.
import { html, LitElement, TemplateResult } from 'lit';
import { apiPost, FieldError, meterPath } from '../api';
import type { PanelSettings } from '../types';
import { Notice } from './notice';
import { shared } from './styles';

const NAME_MAX = 32;

export class MepSettingsForm extends LitElement {
  static override properties = {
    meterId: { attribute: false }, name: { attribute: false }, settings: { attribute: false },
    errors: { state: true },
  };
  static override styles = [shared];
  declare meterId: string;
  declare name: string;
  declare settings: PanelSettings;
  declare errors: FieldError[];
  private readonly notice = new Notice(this);

  constructor() {
    super();
    this.errors = [];
    this.settings = { pollIntervalS: null, pollIntervalFrom: null, compatibility: null };
  }

  private fieldError(field: string): string {
    return this.errors.filter((e) => e.field === field).map((e) => e.message).join('; ');
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const body: Record<string, unknown> = {};
    const errors: FieldError[] = [];
    const name = String(data.get('name') ?? '');
    if (name.trim() === '') errors.push({ field: 'name', message: 'enter a name (1 to 32 characters): it names the meter in Home Assistant' });
    else if (name !== this.name) body.name = name;
    const poll = String(data.get('poll') ?? '').trim();
    if (poll === '' && this.settings.pollIntervalS !== null) errors.push({ field: 'poll_interval_s', message: 'enter the poll interval in seconds (1 to 30)' });
    else if (poll !== '' && Number(poll) !== this.settings.pollIntervalS) body.poll_interval_s = Number(poll);
    const compat = data.get('compat') === 'on';
    if (this.settings.compatibility === null ? compat : compat !== this.settings.compatibility) body.compatibility = compat;
    this.notice.clear();
    if (errors.length) {
      this.errors = errors;
      return;
    }
    if (Object.keys(body).length === 0) {
      this.errors = [];
      this.notice.show('nothing changed');
      return;
    }
    const res = await apiPost<{ message: string; result: { ok: boolean; error?: string } }>(meterPath(this.meterId, 'settings'), body);
    if (!res.ok) {
      this.errors = res.fields.length ? res.fields : [{ field: '', message: res.error }];
      return;
    }
    this.errors = [];
    this.notice.show(res.data.result.ok ? res.data.message : `${res.data.message}: ${res.data.result.error ?? ''}`);
  }

  private described(field: string, id: string): string {
    return this.fieldError(field) ? `${id}-error` : `${id}-help`;
  }

  override render(): TemplateResult {
    const s = this.settings;
    const pollHelp = s.pollIntervalFrom === 'set' ? 'as set from this panel'
      : s.pollIntervalFrom === 'seen' ? 'as seen between the last two readings' : 'not known until two readings arrived';
    const compatHelp = s.compatibility === null
      ? 'The bridge does not report this setting; it is off unless you turned it on.'
      : 'The reference firmware\'s topics (<topic>/sensors/mydatajson, …), for existing YAML sensors.';
    return html`<form @submit=${this.submit} novalidate>
      <label for="name">Name</label>
      <input id="name" name="name" .value=${this.name} maxlength=${NAME_MAX} aria-invalid=${this.fieldError('name') ? 'true' : 'false'}
        aria-describedby=${this.described('name', 'name')}>
      <div id="name-help" class="help">Shown here and in Home Assistant.</div>
      <div id="name-error" class="error" role="alert">${this.fieldError('name')}</div>
      <label for="poll">Poll interval (seconds)</label>
      <input id="poll" name="poll" type="number" min="1" max="30" inputmode="numeric" .value=${s.pollIntervalS === null ? '' : String(s.pollIntervalS)}
        aria-invalid=${this.fieldError('poll_interval_s') ? 'true' : 'false'} aria-describedby=${this.described('poll_interval_s', 'poll')}>
      <div id="poll-help" class="help">1 to 30; ${pollHelp}.</div>
      <div id="poll-error" class="error" role="alert">${this.fieldError('poll_interval_s')}</div>
      <label class="row" style="font-weight:500"><input type="checkbox" name="compat" .checked=${s.compatibility === true} aria-describedby="compat-help"> Compatibility topics</label>
      <div id="compat-help" class="help">${compatHelp}</div>
      <div class="error" role="alert">${this.fieldError('compatibility')}${this.fieldError('')}</div>
      <div class="row" style="margin-top:12px"><button type="submit">Save settings</button><span class="ok notice" role="status">${this.notice.text}</span></div>
    </form>`;
  }
}
customElements.define('mep-settings-form', MepSettingsForm);
