// The setup page's form (issue 4 "Setup") ↔ settings. The browser sends flat field names (the config command's
// wire paths, discovery/contract.ts); secrets are never sent back (only whether they are set) and an empty secret
// field keeps the stored value. Validation errors are reported per field; what changed decides which services
// restart (applyConfigCommand). Pure, apart from hashing the login password through the given function.
import { ConfigCommand } from '../../../discovery/contract';
import { applyConfigCommand, Service } from '../app/config-command';
import { getPath, putPath } from '../settings/paths';
import { Settings } from '../settings/schema';
import { validateSettings } from '../settings/validate';

type Obj = { [key: string]: unknown };

/** [form field, settings path, secret, number] */
type FormField = [string, string, boolean, boolean];

function formFields(): FormField[] {
  // `form field:settings path:flags` (s secret, n number), rows joined by ';', inside the function (module-level
  // tables stay in RAM while the web module is loaded).
  const FIELDS =
    'name:name:;' +
    'wifi.ssid:wifi.ssid:;' +
    'wifi.password:wifi.password:s;' +
    'mqtt.host:mqtt.host:;' +
    'mqtt.port:mqtt.port:n;' +
    'mqtt.username:mqtt.username:;' +
    'mqtt.password:mqtt.password:s;' +
    'meter.key:meter.key:s;' +
    'meter.poll_interval_s:meter.pollIntervalS:n';
  const rows = FIELDS.split(';');
  const out: FormField[] = [];
  for (let i = 0; i < rows.length; i++) {
    const c = (rows[i] as string).split(':');
    const flags = c[2] as string;
    out.push([c[0] as string, c[1] as string, flags.indexOf('s') >= 0, flags.indexOf('n') >= 0]);
  }
  return out;
}

export interface FormError {
  field: string;
  message: string;
}

export interface FormOutcome {
  errors: FormError[];
  /** The settings to store, when there were no errors. */
  settings?: Settings;
  restart: Service[];
  /** Form fields whose value changed (secrets by name only). */
  changed: string[];
  /** A new password for the device's own access point (kept outside the settings: app.ts apPassword). */
  apPassword?: string;
}

/** What the page may show: plain values, and for secrets only whether one is stored. */
export function formView(s: Settings): { values: Obj; secrets: Obj } {
  const values: Obj = { 'login.user': s.login.user, 'web.open_dash_data': !!(s.web && s.web.openDashData) };
  const secrets: Obj = { 'login.password': s.login.passwordHash !== '', 'ap.password': true };
  const fields = formFields();
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as FormField;
    if (f[2]) secrets[f[0]] = getPath(s, f[1]) !== '';
    else values[f[0]] = getPath(s, f[1]);
  }
  return { values, secrets };
}

/** "12" → 12 for number fields; anything else is passed on for validation to reject. */
function numberOf(v: unknown): unknown {
  if (typeof v !== 'string' || v === '' || v.length > 6) return v;
  for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) < 48 || v.charCodeAt(i) > 57) return v;
  return parseInt(v, 10);
}

function printableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20 || text.charCodeAt(i) > 0x7e) return false;
  return true;
}

function loginErrors(current: Settings, form: Obj, errors: FormError[]): void {
  const user = form['login.user'];
  const password = form['login.password'];
  if (user !== undefined && (typeof user !== 'string' || user.length > 32 || (user === '' && current.login.passwordHash !== ''))) {
    errors.push({ field: 'login.user', message: 'must be 1 to 32 characters' });
  }
  if (password !== undefined && password !== '' && (typeof password !== 'string' || password.length < 8 || password.length > 64)) {
    errors.push({ field: 'login.password', message: 'must be 8 to 64 characters' });
  }
  const ap = form['ap.password'];
  if (ap !== undefined && ap !== '' && (typeof ap !== 'string' || ap.length < 8 || ap.length > 63 || !printableAscii(ap))) {
    errors.push({ field: 'ap.password', message: 'a WPA2 password has 8 to 63 printable ASCII characters' });
  }
  const newUser = typeof user === 'string' ? user : current.login.user;
  const settingPassword = typeof password === 'string' && password !== '';
  if (settingPassword && newUser === '') errors.push({ field: 'login.user', message: 'a login needs a user name' });
  if (newUser !== '' && !settingPassword && current.login.passwordHash === '') errors.push({ field: 'login.password', message: 'a login needs a password' });
}

export function applySetupForm(current: Settings, form: Obj, hash: (password: string) => string): FormOutcome {
  const command: Obj = { id: 'web' };
  const merged = JSON.parse(JSON.stringify(current)) as Obj;
  const fields = formFields();
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as FormField;
    let v = form[f[0]];
    if (v === undefined || (f[2] && v === '')) continue;
    if (f[3]) v = numberOf(v);
    putPath(command, f[0], v);
    putPath(merged, f[1], v);
  }
  const errors: FormError[] = [];
  const checked = validateSettings(merged);
  if (!checked.ok) {
    for (let i = 0; i < checked.errors.length; i++) {
      const e = checked.errors[i] as { path: string; message: string };
      for (let j = 0; j < fields.length; j++) if ((fields[j] as FormField)[1] === e.path) errors.push({ field: (fields[j] as FormField)[0], message: e.message });
    }
  }
  loginErrors(current, form, errors);
  if (errors.length) return { errors, restart: [], changed: [] };
  const applied = applyConfigCommand(current, command as unknown as ConfigCommand);
  const settings = applied.settings;
  if (!settings) return { errors: [{ field: '', message: applied.result.error || 'invalid settings' }], restart: [], changed: [] };
  const changed = (applied.result.applied || []).slice();
  const user = form['login.user'];
  if (typeof user === 'string' && user !== settings.login.user) {
    settings.login.user = user;
    changed.push('login.user');
  }
  // Not a config-command field (the add-on does not set it): applied here, like the login.
  const open = form['web.open_dash_data'];
  if (typeof open === 'boolean' && settings.web && open !== settings.web.openDashData) {
    settings.web.openDashData = open;
    changed.push('web.open_dash_data');
  }
  const password = form['login.password'];
  if (typeof password === 'string' && password !== '') {
    settings.login.passwordHash = hash(password);
    changed.push('login.password');
  }
  const ap = form['ap.password'];
  if (typeof ap === 'string' && ap !== '') {
    changed.push('ap.password');
    if (applied.restart.indexOf('wifi') < 0) applied.restart.push('wifi');
    return { errors, settings, restart: applied.restart, changed, apPassword: ap };
  }
  return { errors, settings, restart: applied.restart, changed };
}
