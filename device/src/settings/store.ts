// Loads and saves settings in Storage (one JSON file). A missing or damaged file gives the defaults, so the device
// still boots into its setup/recovery mode; the problems are returned for the log (never with secret values).
import { Storage } from '../hal/types';
import { Settings, SETTINGS_FILE } from './schema';
import { FieldError, validateSettings } from './validate';

export interface LoadedSettings {
  settings: Settings;
  /** Why the stored file was not used as is (empty when it was). */
  problems: string[];
  warnings: string[];
}

function defaults(): Settings {
  const r = validateSettings({});
  if (!r.ok) throw new Error('default settings do not validate');
  return r.value;
}

function describe(errors: FieldError[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < errors.length; i++) {
    const e = errors[i] as FieldError;
    out.push(`${e.path}: ${e.message}`);
  }
  return out;
}

export function loadSettings(storage: Storage): LoadedSettings {
  const text = storage.readText(SETTINGS_FILE);
  if (text === null) return { settings: defaults(), problems: ['no settings stored yet'], warnings: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { settings: defaults(), problems: ['stored settings are not valid JSON'], warnings: [] };
  }
  const r = validateSettings(raw);
  // One bad field (say, a stricter rule in a newer firmware) must not wipe the WiFi and MQTT credentials: keep the
  // valid fields, default the rest.
  if (!r.ok) return { settings: r.value || defaults(), problems: describe(r.errors), warnings: [] };
  return { settings: r.value, problems: [], warnings: r.warnings };
}

export function saveSettings(storage: Storage, settings: Settings): boolean {
  return storage.write(SETTINGS_FILE, JSON.stringify(settings));
}
