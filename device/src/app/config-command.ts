// Applies a configuration command from the add-on (discovery/contract.ts ConfigCommand, snake_case on the wire) to
// the device settings: absent fields stay as they are, the result is validated as a whole, and the answer names the
// changed fields (secrets by name only) and which services must restart. Pure.
import { CommandResult, ConfigCommand } from '../../../discovery/contract';
import { Settings } from '../settings/schema';
import { FieldError, validateSettings } from '../settings/validate';
import { getPath as get, putPath as set } from '../settings/paths';

export type Service = 'wifi' | 'mqtt' | 'meter' | 'discovery';

export interface ConfigOutcome {
  result: CommandResult;
  /** The new settings when the command was valid. */
  settings?: Settings;
  restart: Service[];
}

type Obj = { [key: string]: unknown };

/** [wire path, settings path, service]: the fields a ConfigCommand may set. */
/** `wire path:settings path:service` for the fields a ConfigCommand may set, rows joined by ';' (a string: an array
 *  of arrays would cost ~130 JsVars on Espruino while the module is loaded). */
const FIELDS =
  'name:name:discovery;' +
  'wifi.ssid:wifi.ssid:wifi;' +
  'wifi.password:wifi.password:wifi;' +
  'mqtt.host:mqtt.host:mqtt;' +
  'mqtt.port:mqtt.port:mqtt;' +
  'mqtt.username:mqtt.username:mqtt;' +
  'mqtt.password:mqtt.password:mqtt;' +
  'mqtt.base_topic:mqtt.baseTopic:mqtt;' +
  'mqtt.discovery_prefix:mqtt.discoveryPrefix:mqtt;' +
  'mqtt.compatibility:mqtt.compatibility:mqtt;' +
  'meter.key:meter.key:meter;' +
  'meter.poll_interval_s:meter.pollIntervalS:meter;' +
  'meter.reply_digest:meter.replyDigest:meter;' +
  'meter.rc4:meter.rc4:meter';

function describe(errors: FieldError[]): string {
  const out: string[] = [];
  for (let i = 0; i < errors.length; i++) out.push(`${(errors[i] as FieldError).path}: ${(errors[i] as FieldError).message}`);
  return out.join('; ');
}

export function applyConfigCommand(current: Settings, command: ConfigCommand): ConfigOutcome {
  const id = typeof command.id === 'string' ? command.id : null;
  const next = JSON.parse(JSON.stringify(current)) as Obj;
  const applied: string[] = [];
  const restart: Service[] = [];
  const rows = FIELDS.split(';');
  for (let i = 0; i < rows.length; i++) {
    const f = (rows[i] as string).split(':') as [string, string, Service];
    const value = get(command as unknown as Obj, f[0]);
    if (value === undefined || value === get(next, f[1])) continue;
    set(next, f[1], value);
    applied.push(f[0]);
    if (restart.indexOf(f[2]) < 0) restart.push(f[2]);
    // expire_after in the discovery message follows the poll interval
    if (f[0] === 'meter.poll_interval_s' && restart.indexOf('discovery') < 0) restart.push('discovery');
  }
  const checked = validateSettings(next);
  if (!checked.ok) return { result: { id, command: 'config', ok: false, error: describe(checked.errors) }, restart: [] };
  return { result: { id, command: 'config', ok: true, applied, restart: false }, settings: checked.value, restart };
}
